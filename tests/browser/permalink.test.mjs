// Links to a comment (#comment-<id>): fragment navigation does not reach into the widget's shadow
// root, so the widget finds the comment itself, following the reference server's "Load more"
// cursor until the page that holds it (a reply deep in a later page here), then scrolls it into
// view, focuses it and marks it; a later change of the fragment does the same for another one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually, postComment as post } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const THREAD = '/permalink-test';
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

// The shadow root's focused comment, if any, and where it is on the screen.
const focusedComment = (page) => page.evaluate(() => {
  const a = document.querySelector('#colloquy').shadowRoot.activeElement;
  if (!a || !a.matches('div.comment')) return null;
  const box = a.getBoundingClientRect();
  return { id: a.dataset.id, anchor: a.id === 'comment-' + a.dataset.id, linked: a.classList.contains('linked'), onScreen: box.top >= 0 && box.top < innerHeight };
});

test('a link to a reply on a later server page shows, scrolls to, focuses and marks it', async () => {
  await withServer(browser, ['--rate-limit', '0'], async (server) => {
    const ids = [];
    for (let i = 0; i < 9; i++) {
      const top = await post(server, { thread: THREAD, author: { name: 'T' + i }, text: 'top ' + i, clientId: `ptop-${i}-0000-0000` });
      const reply = await post(server, { thread: THREAD, parent: top, author: { name: 'R' + i }, text: 'reply ' + i, clientId: `prep-${i}-0000-0000` });
      const deep = await post(server, { thread: THREAD, parent: reply, author: { name: 'D' + i }, text: 'deep ' + i, clientId: `pdeep-${i}-000-0000` });
      ids.push({ top, reply, deep });
    }
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const asked = [];
    page.on('request', (r) => { if (r.url().includes('/api/comments')) asked.push(new URL(r.url()).searchParams.get('cursor')); });
    await page.route('**/post.html', (route) => route.fulfill({
      status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP },
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Post</title></head><body>
<h1>A post</h1>${'<p>A paragraph of the post.</p>'.repeat(40)}<div id="colloquy"></div>
<script src="/colloquy/colloquy.js" defer data-thread="${THREAD}" data-comments="/api/comments" data-page-size="2"></script></body></html>`,
    }));
    const target = ids[8].deep; // the last top-level thread: the fifth server page
    await page.goto(`${server.url}/post.html#comment-${target}`);
    await eventually(async () => assert.deepEqual(await focusedComment(page), { id: target, anchor: true, linked: true, onScreen: true }));
    assert.ok(asked.filter((c) => c).length >= 4, `the server's cursor was followed: ${JSON.stringify(asked)}`);
    // Every comment shown once, the earlier pages included.
    const shown = await page.evaluate(() => [...document.querySelector('#colloquy').shadowRoot.querySelectorAll('div.comment')].map((a) => a.dataset.id));
    assert.equal(new Set(shown).size, shown.length);
    assert.equal(shown.length, 27);

    // The fragment changes to a comment of the first page: it is focused and marked in its turn.
    await page.evaluate((id) => { location.hash = '#comment-' + id; }, ids[0].reply);
    await eventually(async () => assert.deepEqual(await focusedComment(page), { id: ids[0].reply, anchor: true, linked: true, onScreen: true }));
    assert.equal(await page.locator('#colloquy >> div.comment.linked').count(), 1);
    // A link to no comment of this thread leaves the widget as it is.
    await page.evaluate(() => { location.hash = '#comment-nowhere'; });
    await page.waitForTimeout(500);
    assert.equal((await focusedComment(page)).id, ids[0].reply);
    assert.deepEqual(errors, []);
  });
});
