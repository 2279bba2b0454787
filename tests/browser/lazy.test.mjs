// Nothing heavy before it is needed: on a long page with the widget far below, the page fetches
// only colloquy.js until the reader scrolls near the widget (about one viewport away); then the
// module, the stylesheet and the comments. Posting (colloquy-post.js and colloquy-post.wasm)
// waits until a reader starts writing; a page without data-stories never fetches
// colloquy-stories.wasm. A link to a comment (#comment-<id>) and data-load="eager" load at
// once. Read from Chromium's network log; the page's layout shift (PerformanceObserver) stays 0.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually, waitForCount } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const THREAD = '/lazy-test';
const COMMENTS = [
  { id: 'c1', author: 'Ann', created: '2010-09-25T14:03:00Z', text: 'First.' },
  { id: 'c2', author: 'Bob', created: '2010-09-26T14:03:00Z', text: 'Second.' },
];
const filler = Array.from({ length: 60 }, (_, i) => `<p>Paragraph ${i} of a long post, long enough to fill several screens of text.</p>`).join('\n');

// Opens a long post with the widget at its end; returns the page and the log of what it asked for.
async function open(server, { attrs = '', hash = '' } = {}) {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  const log = [];
  const errors = [];
  page.on('request', (r) => log.push(new URL(r.url()).pathname.replace(/^\/colloquy\//, '')));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    window.__shift = 0;
    new PerformanceObserver((l) => l.getEntries().forEach((e) => { if (!e.hadRecentInput) window.__shift += e.value; }))
      .observe({ type: 'layout-shift', buffered: true });
  });
  await page.route('**/long.html', (route) => route.fulfill({
    status: 200, contentType: 'text/html',
    headers: { 'Content-Security-Policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'" },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Long</title></head><body>
<h1>A long post</h1>${filler}<div id="colloquy"></div>
<script src="/colloquy/colloquy.js" defer data-thread="${THREAD}" data-comments="/api/comments" ${attrs}></script></body></html>`,
  }));
  await page.route('**/api/comments**', (route) => route.fulfill({ status: 200, contentType: 'application/json',
    body: JSON.stringify({ thread: THREAD, comments: COMMENTS, next: null }) }));
  await page.goto(server.url + '/long.html' + hash);
  await page.waitForFunction(() => window.Colloquy && document.querySelector('#colloquy').shadowRoot);
  return { page, log, errors };
}
// What comes after the loader: the module, the styles, the comments, and any of the scripts and
// modules the loader fetches when needed (colloquy-*.js, colloquy-*.wasm: a reader who only
// reads needs none of them).
const heavy = (log) => log.filter((p) => /colloquy(-[a-z]+)?\.wasm$|colloquy\.css$|colloquy-[a-z]+\.js$|^\/api\/comments/.test(p));

test('far below the fold only the loader is fetched; the rest when the reader scrolls near', async () => {
  await withServer(browser, [], async (server) => {
    const { page, log, errors } = await open(server);
    const below = await page.evaluate(() => document.querySelector('#colloquy').getBoundingClientRect().top / innerHeight);
    assert.ok(below > 3, `the widget starts ${below.toFixed(1)} viewports down`);
    // Give a lazy loader every chance to misbehave: the page is loaded and idle.
    await page.waitForLoadState('networkidle');
    assert.deepEqual(heavy(log), [], 'nothing but colloquy.js before the reader comes near');
    assert.ok(log.includes('colloquy.js'));
    // One viewport and a half above the widget: still nothing; within one viewport: everything.
    await page.evaluate(() => window.scrollTo(0, document.querySelector('#colloquy').offsetTop - 2.5 * innerHeight));
    await page.waitForLoadState('networkidle');
    assert.deepEqual(heavy(log), []);
    await page.evaluate(() => window.scrollTo(0, document.querySelector('#colloquy').offsetTop - 1.5 * innerHeight));
    await waitForCount(page, '#colloquy >> div.comment', 2);
    await eventually(() => assert.deepEqual(heavy(log).map((p) => p.replace(/\?.*/, '')).sort(), ['/api/comments', 'colloquy.css', 'colloquy.wasm']));
    // Loaded while still below the screen, the widget grew where no one saw: the page did not shift.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    assert.equal(await page.evaluate(() => window.__shift), 0, 'layout shift');
    // A reader who only reads never downloads posting (nor any other colloquy-*.js or
    // colloquy-*.wasm); focusing the form fetches its script and its module.
    await page.waitForLoadState('networkidle');
    assert.deepEqual(heavy(log).map((p) => p.replace(/\?.*/, '')).sort(), ['/api/comments', 'colloquy.css', 'colloquy.wasm']);
    await page.focus('#colloquy >> form.compose textarea[name="text"]');
    await eventually(() => assert.ok(log.includes('colloquy-post.js') && log.includes('colloquy-post.wasm'), log.join(' ')));
    assert.deepEqual(errors, []);
  });
});

test('data-load="eager" loads at once, far below the fold', async () => {
  await withServer(browser, [], async (server) => {
    const { page, log } = await open(server, { attrs: 'data-load="eager"' });
    await waitForCount(page, '#colloquy >> div.comment', 2);
    assert.ok(await page.evaluate(() => document.querySelector('#colloquy').getBoundingClientRect().top > 3 * innerHeight));
    assert.deepEqual(heavy(log).map((p) => p.replace(/\?.*/, '')).sort(), ['/api/comments', 'colloquy.css', 'colloquy.wasm']);
  });
});

// A link to a comment loads at once, then brings the comment on screen (colloquy-link.js).
test('a link to a comment loads at once, far below the fold, and shows the comment', async () => {
  await withServer(browser, [], async (server) => {
    const { page, log } = await open(server, { hash: '#comment-c2' });
    await waitForCount(page, '#colloquy >> div.comment', 2);
    await eventually(async () => assert.ok(await page.evaluate(() => {
      const a = document.querySelector('#colloquy').shadowRoot.querySelector('div.comment[data-id="c2"]');
      const box = a.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= innerHeight;
    }), 'c2 on screen'));
    assert.deepEqual(heavy(log).map((p) => p.replace(/\?.*/, '')).sort(), ['/api/comments', 'colloquy-act.js', 'colloquy-link.js', 'colloquy.css', 'colloquy.wasm']);
  });
});
