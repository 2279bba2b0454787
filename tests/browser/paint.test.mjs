// First paint: a long thread is rendered and inserted a slice at a time (the core's session,
// colloquy/api.hpp comments_session), the first slice a screen's worth, so the first comments
// show before the rest are even rendered; and the widget holds its space from the mount, so
// nothing on the host page moves while the comments come in (layout shift 0, read with a
// layout-shift PerformanceObserver). Sizes only: the timing is tests/bench/firstpaint.mjs's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, waitForCount, eventually } from './support.mjs';
import { generateDocument } from '../bench/generate.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const N = 600;
const DOC = generateDocument(N);

// A short post with the widget on screen at load and a footer under it. `blocking="render"`
// (the page's choice) has the loader mount before the first paint, so its space is held from
// the first frame; the comments answer waits for the test, so the page settles first.
const POST = '<h1>A post</h1><p>Its text.</p><div id="colloquy"></div><p id="footer">The footer.</p>';
async function open(server, doc, { body = POST } = {}) {
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    window.__shifts = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => { if (!e.hadRecentInput) window.__shifts.push(e.value); }))
      .observe({ type: 'layout-shift', buffered: true });
    // Each insertion of HTML into the page, in order: how many comments (div.comment with
    // role=article) it brought.
    window.__inserted = [];
    const count = (html) => {
      const n = (String(html).match(/<div class="comment[ "][^>]*\brole="article"/g) || []).length;
      if (n) window.__inserted.push(n);
    };
    const adjacent = Element.prototype.insertAdjacentHTML;
    Element.prototype.insertAdjacentHTML = function (where, html) { count(html); return adjacent.call(this, where, html); };
    const inner = Object.getOwnPropertyDescriptor(Element.prototype, 'innerHTML');
    Object.defineProperty(Element.prototype, 'innerHTML', { ...inner, set(html) { count(html); inner.set.call(this, html); } });
  });
  let release;
  const answered = new Promise((resolve) => { release = resolve; });
  await page.route('**/paint.html', (route) => route.fulfill({ status: 200, contentType: 'text/html',
    headers: { 'Content-Security-Policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'" },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Paint</title>
<script src="/colloquy/colloquy.js" defer blocking="render" data-thread="/paint" data-comments="/api/paint" data-load="eager"></script></head>
<body>${body}</body></html>` }));
  await page.route('**/api/paint**', async (route) => {
    await answered;
    await route.fulfill({ status: 200, contentType: 'application/json', body: doc });
  });
  await page.goto(server.url + '/paint.html');
  await page.waitForFunction(() => document.querySelector('#colloquy').shadowRoot);
  return { page, errors, answer: release };
}

test('a long thread is inserted a slice at a time, the first a screen of comments', async () => {
  await withServer(browser, [], async (server) => {
    const { page, errors, answer } = await open(server, DOC);
    answer();
    await waitForCount(page, '#colloquy >> div.comment', N);
    const inserted = await page.evaluate(() => window.__inserted);
    assert.equal(inserted.reduce((a, b) => a + b, 0), N, 'every comment inserted once');
    // colloquy::limits: the first slice holds a screen (first_slice_comments, 16), every later
    // one at most slice_comments (24).
    assert.ok(inserted[0] >= 10 && inserted[0] <= 16, `first insertion: ${inserted[0]} comments`);
    assert.ok(inserted.length >= N / 24, `${inserted.length} insertions`);
    assert.ok(inserted.every((n) => n <= 24), `insertions of ${Math.max(...inserted)} comments at most`);
    // The same thread as one render: the order of the comments is the core's.
    const ids = await page.$$eval('#colloquy >> div.comment', (as) => as.map((a) => a.dataset.id));
    assert.equal(new Set(ids).size, N);
    assert.deepEqual(errors, []);
  });
});

test('nothing on the host page moves while the widget fills in (layout shift 0)', async () => {
  await withServer(browser, [], async (server) => {
    for (const [name, doc] of [['long', DOC], ['short', JSON.stringify({ comments: [{ id: 'a', created: 0, text: 'Only one.' }] })]]) {
      const { page, errors } = await open(server, doc).then(async (o) => { o.answer(); return o; });
      await waitForCount(page, '#colloquy >> div.comment', name === 'long' ? N : 1);
      await page.waitForSelector('#colloquy >> form.compose');
      // The footer stays where the mount put it, below the screen, however the thread turned out.
      const footer = await page.evaluate(() => document.querySelector('#footer').getBoundingClientRect().top);
      assert.ok(footer >= 800, `${name}: the footer starts at ${footer}, below the screen`);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      assert.deepEqual(await page.evaluate(() => window.__shifts), [], `${name}: layout shifts`);
      assert.deepEqual(errors, []);
      await page.close();
    }
  });
});

test('the space a short thread did not fill is given back once that moves nothing on screen', async () => {
  await withServer(browser, [], async (server) => {
    const filler = Array.from({ length: 100 }, (_, i) => `<p>Paragraph ${i}.</p>`).join('');
    const doc = JSON.stringify({ comments: [{ id: 'a', created: 0, text: 'Only one.' }] });
    const { page, errors, answer } = await open(server, doc, { body: `<div id="colloquy"></div>${filler}<p id="footer">The footer.</p>` });
    answer();
    await waitForCount(page, '#colloquy >> div.comment', 1);
    await page.waitForSelector('#colloquy >> form.compose');
    const height = () => page.evaluate(() => document.querySelector('#colloquy').getBoundingClientRect().height);
    // The widget's content ends on screen: the space stays while the reader can see it…
    assert.ok(await height() >= 800, `held ${await height()}px`);
    // …and goes once the reader has scrolled past the widget (the browser's scroll anchoring
    // keeps what is on screen in place).
    await page.mouse.wheel(0, 1500);
    await eventually(async () => assert.ok(await height() < 800, `height ${await height()}`));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.deepEqual(await page.evaluate(() => window.__shifts), []);
    assert.deepEqual(errors, []);
  });
});
