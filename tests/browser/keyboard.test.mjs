// The comments path by keyboard: arrow keys in "Sort by" do not re-sort on every key nor drop
// focus to <body> (the thread is sorted once, for the choice the keys end on, and the menu keeps
// focus); "Load more" moves focus to the first comment it shows, renders nothing already shown
// again, and the live region says how many came ("4 more comments loaded").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually, waitForCount, waitForText } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const THREAD = '/keyboard-test';
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
// Five threads of a comment and a reply each, the later ones with more up-votes.
const COMMENTS = Array.from({ length: 5 }, (_, i) => [
  { id: `t${i}`, author: 'T' + i, created: `2010-09-2${i}T10:00:00Z`, text: 'Thread ' + i, votes: { up: i, down: 0 } },
  { id: `r${i}`, parent: `t${i}`, author: 'R' + i, created: `2010-09-2${i}T11:00:00Z`, text: 'Reply ' + i },
]).flat();

async function open(server, attrs) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/keys.html', (route) => route.fulfill({
    status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Keys</title></head><body>
<h1>A post</h1><div id="colloquy"></div>
<script src="/colloquy/colloquy.js" defer data-thread="${THREAD}" data-comments="/api/comments" ${attrs}></script></body></html>`,
  }));
  // The whole thread in one answer: the widget pages it itself (data-next).
  await page.route('**/api/comments**', (route) => route.fulfill({ status: 200, contentType: 'application/json',
    body: JSON.stringify({ thread: THREAD, comments: COMMENTS, next: null }) }));
  await page.goto(server.url + '/keys.html');
  return { page, errors };
}
const inner = (page) => page.evaluate(() => {
  const a = document.querySelector('#colloquy').shadowRoot.activeElement;
  return a ? { tag: a.tagName, role: a.getAttribute('role'), id: a.dataset.id || null, name: a.name || null, outer: document.activeElement.tagName } : null;
});
const topLevel = (page) => page.evaluate(() => [...document.querySelector('#colloquy').shadowRoot
  .querySelectorAll('div.comment[data-depth="0"]')].map((a) => a.dataset.id));

test('arrow keys in "Sort by" sort once, for the last choice, and the menu keeps focus', async () => {
  await withServer(browser, [], async (server) => {
    const { page, errors } = await open(server, '');
    await waitForCount(page, '#colloquy >> div.comment', 10);
    assert.deepEqual(await topLevel(page), ['t0', 't1', 't2', 't3', 't4']);
    // Count the renders of the list from here on.
    await page.evaluate(() => {
      window.__renders = 0;
      new MutationObserver((records) => { window.__renders += records.filter((r) => [...r.addedNodes].some((n) => n.matches && n.matches('section.comments'))).length; })
        .observe(document.querySelector('#colloquy').shadowRoot.querySelector('.comments-slot'), { childList: true });
    });
    await page.focus('#colloquy >> select[name="sort"]');
    // Oldest -> Newest -> Top: two keys, one choice.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await eventually(async () => assert.deepEqual(await topLevel(page), ['t4', 't3', 't2', 't1', 't0']));
    assert.equal(await page.inputValue('#colloquy >> select[name="sort"]'), 'top');
    await eventually(async () => assert.deepEqual(await inner(page), { tag: 'SELECT', role: null, id: null, name: 'sort', outer: 'DIV' }));
    assert.equal(await page.evaluate(() => window.__renders), 1, 'sorted once');
    // Keys keep working from where focus stayed: back to Oldest.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await eventually(async () => assert.deepEqual(await topLevel(page), ['t0', 't1', 't2', 't3', 't4']));
    await eventually(async () => assert.equal((await inner(page)).name, 'sort'));
    assert.equal(await page.evaluate(() => window.__renders), 2);
    assert.deepEqual(errors, []);
  });
});

test('"Load more" by keyboard: focus on the first new comment, nothing shown twice, the count said', async () => {
  await withServer(browser, [], async (server) => {
    const { page, errors } = await open(server, 'data-page-size="2"');
    await waitForCount(page, '#colloquy >> div.comment', 4);
    const first = await page.$('#colloquy >> div.comment');
    await page.focus('#colloquy >> button[data-action="more"]');
    await page.keyboard.press('Enter');
    await waitForCount(page, '#colloquy >> div.comment', 8);
    await eventually(async () => assert.deepEqual(await inner(page), { tag: 'DIV', role: 'article', id: 't2', name: null, outer: 'DIV' }));
    assert.ok(await first.evaluate((a) => a.isConnected), 'what was shown stays, not rendered again');
    await waitForText(page, '#colloquy >> .announce', '4 more comments loaded');
    // The next "Load more" brings the last thread and is gone.
    await page.focus('#colloquy >> button[data-action="more"]');
    await page.keyboard.press('Enter');
    await waitForCount(page, '#colloquy >> div.comment', 10);
    await eventually(async () => assert.equal((await inner(page)).id, 't4'));
    await waitForText(page, '#colloquy >> .announce', '2 more comments loaded');
    assert.equal(await page.locator('#colloquy >> button[data-action="more"]').count(), 0);
    const ids = await page.evaluate(() => [...document.querySelector('#colloquy').shadowRoot.querySelectorAll('div.comment')].map((a) => a.dataset.id));
    assert.deepEqual(ids, ['t0', 'r0', 't1', 'r1', 't2', 'r2', 't3', 'r3', 't4', 'r4']);
    assert.deepEqual(errors, []);
  });
});
