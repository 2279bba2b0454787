// Pre-rendered comments: a page that carries `colloquy render` output (section.colloquy-static)
// inside the mount element keeps showing it while the widget loads; the widget then puts its own
// in place in one step (never a frame without comments), the comment at the top of the reader's
// screen stays where it was, and the comments gain what needs the script (reply, sort, the form).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { launch, withServer, build, repo, waitForCount } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const THREAD = '/adopt-test';
// Enough comments that the reader can scroll into the middle of them.
const COMMENTS = Array.from({ length: 40 }, (_, i) => ({
  id: `c${i + 1}`, author: { name: `Reader ${i + 1}`, location: 'Kansas, USA' },
  created: new Date(Date.UTC(2010, 8, 25, i)).toISOString(),
  text: `Comment ${i + 1}: a few words on the post, and then a few more.`,
}));
const DOC = JSON.stringify({ thread: THREAD, comments: COMMENTS, next: null });

test('pre-rendered comments stay on show, then are adopted in one step at the same scroll place', async () => {
  const staticHtml = execFileSync(path.join(build.native, 'examples/colloquy'), ['render', '-'], { input: DOC }).toString();
  assert.match(staticHtml, /^<section class="comments colloquy-static"/);
  await withServer(browser, [], async (server) => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route('**/adopt.html', (route) => route.fulfill({
      status: 200, contentType: 'text/html',
      headers: { 'Content-Security-Policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'" },
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Adopt</title>
<link rel="stylesheet" href="/colloquy/colloquy-static.css"></head><body><h1>A post</h1><p>Its text.</p>
<div id="colloquy">${staticHtml}</div><p>The footer.</p>
<script src="/colloquy/colloquy.js" defer data-thread="${THREAD}" data-comments="/api/comments"></script></body></html>`,
    }));
    // The comments answer waits until the test has scrolled into the pre-rendered list.
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route('**/api/comments**', async (route) => {
      await held;
      await route.fulfill({ status: 200, contentType: 'application/json', body: DOC });
    });
    await page.goto(server.url + '/adopt.html');
    await page.waitForFunction(() => document.querySelector('#colloquy').shadowRoot);
    // Mounted, and the pre-rendered comments are still what the reader sees.
    const shown = await page.evaluate(() => {
      const a = document.querySelector('#colloquy .colloquy-static div.comment[data-id="c12"]');
      return a.getBoundingClientRect().height;
    });
    assert.ok(shown > 0, 'the pre-rendered comments are visible once the widget has mounted');
    await page.evaluate(() => {
      const a = document.querySelector('#colloquy .colloquy-static div.comment[data-id="c12"]');
      window.scrollBy(0, a.getBoundingClientRect().top - 100);
      // Every frame from here on: how many comments does the reader see?
      window.__frames = [];
      const count = () => {
        const host = document.querySelector('#colloquy');
        const visible = (list) => [...list].filter((el) => el.getBoundingClientRect().height > 0).length;
        window.__frames.push(visible(host.querySelectorAll('.colloquy-static div.comment')) +
          visible(host.shadowRoot.querySelectorAll('div.comment')));
        requestAnimationFrame(count);
      };
      requestAnimationFrame(count);
    });
    // The comment the reader's screen starts with: the first that begins on it.
    const mark = await page.evaluate(() => {
      const a = [...document.querySelectorAll('#colloquy .colloquy-static div.comment[data-id]')].find((x) => x.getBoundingClientRect().top >= 0);
      return { id: a.dataset.id, top: a.getBoundingClientRect().top };
    });
    assert.ok(mark.top >= 0 && mark.top < 700 && mark.id !== 'c1', JSON.stringify(mark));
    release();
    await waitForCount(page, '#colloquy >> div.comment[data-id] button[data-action="reply"]', 40);
    await page.waitForFunction(() => !document.querySelector('#colloquy .colloquy-static'));
    // Two frames later (content-visibility settles sizes in a frame): still where it was.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const after = await page.evaluate((id) => document.querySelector('#colloquy').shadowRoot
      .querySelector(`div.comment[data-id="${id}"]`).getBoundingClientRect().top, mark.id);
    assert.ok(Math.abs(after - mark.top) <= 1, `the comment at the top of the screen stays: ${mark.top} then ${after}`);
    const frames = await page.evaluate(() => window.__frames);
    assert.ok(frames.length > 0);
    assert.equal(Math.min(...frames), 40, `comments on show in every frame: ${frames.join(',')}`);
    // Enhanced: the sort menu and the form, which the pre-rendered page has not.
    await waitForCount(page, '#colloquy >> select[name="sort"]', 1);
    await waitForCount(page, '#colloquy >> form.compose', 1);
    assert.deepEqual(errors, []);
  });
});
