// Cross-origin deployment: a blog on one origin embeds the widget from a comments server on
// another (`colloquy serve --widget ... --cors <blog origin>`), under the blog's strict CSP.
// Chromium treats 127.0.0.1 and localhost as different origins: the blog is
// http://127.0.0.1:A, the comments server http://localhost:B.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { launch, startServer, build, clickPost } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const THREAD = '/2010/09/24/nato-russia-council'; // seeded with three comments
// Each state gets a generous bound: on a busy machine any step may take seconds.
const WAIT = { timeout: Number(process.env.COLLOQUY_TEST_WAIT_MS) || 30000 };
const widget = path.join(build.wasm, 'widget');
// The ?v= the shipped loader must ask for: the first 8 hex digits of the file's SHA-256.
const version = (file) => crypto.createHash('sha256').update(fs.readFileSync(path.join(widget, file))).digest('hex').slice(0, 8);

// The blog: one static page on its own origin, with a CSP that lets in the comments server
// only for scripts (colloquy.js) and connections (the wasm, the CSS, the API).
function blogPage(api) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A blog post</title></head><body>
<h1>A post on another origin</h1><div id="colloquy"></div>
<script src="${api}/colloquy/colloquy.js" defer data-thread="${THREAD}" data-comments="${api}/api/comments"></script>
</body></html>`;
}
function blogCsp(api) {
  return `default-src 'self'; script-src 'self' ${api} 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' ${api}`;
}
async function startBlog() {
  const blog = { api: null };
  const server = http.createServer((req, res) => {
    if (req.url === '/favicon.ico') return res.writeHead(204).end();
    if (req.url !== '/post.html') return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': blogCsp(blog.api) });
    res.end(blogPage(blog.api));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  blog.url = `http://127.0.0.1:${server.address().port}`;
  blog.stop = () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); });
  return blog;
}

// Waits for a state in the page; on timeout the error carries what the page reported
// (console errors, CSP violations), which is what explains a widget that never showed up.
async function waitFor(page, watch, what, fn, arg) {
  try {
    await page.waitForFunction(fn, arg, WAIT);
  } catch (e) {
    const csp = await page.evaluate(() => window.__csp).catch(() => []);
    throw new Error(`${what}: not reached (${e.message.split('\n')[0]})\n  page said: ${JSON.stringify([...watch.errors, ...csp], null, 2)}`);
  }
}
const shown = (n) => {
  const root = document.querySelector('#colloquy')?.shadowRoot;
  return !!root && root.querySelectorAll('.list > div.comment').length === n &&
    !root.querySelector('div.comment.sending, div.comment.unsent');
};
function thread(page) {
  return page.evaluate(() => [...document.querySelector('#colloquy').shadowRoot.querySelectorAll('.list > div.comment')]
    .map((a) => ({ id: a.dataset.id, depth: a.dataset.depth, byline: a.querySelector('.byline').textContent,
      body: a.querySelector('.body').textContent.trim() })));
}
async function post(page, form, { name, location, text }) {
  const f = `#colloquy >> ${form}`;
  if (name !== undefined) await page.fill(`${f} input[name="name"]`, name);
  if (location !== undefined) await page.fill(`${f} input[name="location"]`, location);
  await page.fill(`${f} textarea[name="text"]`, text);
  await clickPost(page, f); // once the preview has opened (it pushes the button down)
}

test('a blog on another origin: the widget loads from the comments server, posts a comment and a reply, and both survive a reload', async () => {
  const blog = await startBlog();
  const server = await startServer(['--cors', blog.url]);
  const api = `http://localhost:${new URL(server.url).port}`;
  blog.api = api;
  const page = await browser.newPage();
  try {
    const watch = { errors: [], posts: [], assets: [] };
    page.on('pageerror', (e) => watch.errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error' || m.text().startsWith('[colloquy]')) watch.errors.push(`console: ${m.text()}`); });
    page.on('request', (r) => { if (r.method() === 'POST') watch.posts.push(r.url()); });
    page.on('response', (r) => { if (r.url().startsWith(`${api}/colloquy/`)) watch.assets.push(r); });
    await page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });

    await page.goto(`${blog.url}/post.html`);
    await waitFor(page, watch, 'the three seed comments, rendered from the comments server', shown, 3);
    // The stylesheet came across too (fetched in CORS mode, adopted into the shadow root).
    await waitFor(page, watch, 'the widget stylesheet applied', () =>
      getComputedStyle(document.querySelector('#colloquy').shadowRoot.querySelector('section.comments')).borderTopWidth === '2px');
    assert.deepEqual((await thread(page)).map((c) => c.byline),
      ['Mary D. in Kansas writes:', 'Ron in New York writes:', 'Gaspar in Kenya writes:']);

    // The widget files, as the browser got them: versioned URLs, readable from any origin.
    const assets = {};
    for (const r of watch.assets) assets[new URL(r.url()).pathname.slice('/colloquy/'.length)] = r;
    assert.deepEqual(Object.keys(assets).sort(), ['colloquy.css', 'colloquy.js', 'colloquy.wasm']);
    assert.equal(new URL(assets['colloquy.wasm'].url()).search, `?v=${version('colloquy.wasm')}`);
    assert.equal(new URL(assets['colloquy.css'].url()).search, `?v=${version('colloquy.css')}`);
    for (const [name, r] of Object.entries(assets)) {
      const h = await r.allHeaders();
      assert.equal(r.status(), 200, name);
      assert.equal(h['access-control-allow-origin'], '*', `${name}: Access-Control-Allow-Origin`);
      assert.equal(h['cross-origin-resource-policy'], 'cross-origin', `${name}: Cross-Origin-Resource-Policy`);
      // A ?v= URL whose hash matches the file is cached for good; the unversioned loader is revalidated.
      assert.equal(h['cache-control'], name === 'colloquy.js' ? 'no-cache' : 'public, max-age=31536000, immutable', `${name}: Cache-Control`);
    }

    // A reader posts a comment, then replies to it: both go to the comments server's API.
    await post(page, 'form.compose:not(.reply)', { name: 'Ada', location: 'London, UK', text: 'Posted from another origin' });
    await waitFor(page, watch, 'the comment stored by the server', shown, 4);
    const mine = (await thread(page))[3];
    assert.equal(mine.body, 'Posted from another origin');
    await page.click(`#colloquy >> div.comment[data-id="${mine.id}"] button[data-action="reply"]`);
    await post(page, 'form.compose.reply', { text: 'And a reply to it' });
    await waitFor(page, watch, 'the reply stored by the server', shown, 5);
    assert.deepEqual(watch.posts, [`${api}/api/comments`, `${api}/api/comments`]);

    await page.reload();
    await waitFor(page, watch, 'the five comments after a reload', shown, 5);
    const after = await thread(page);
    assert.deepEqual(after.slice(3).map((c) => [c.id, c.depth, c.byline, c.body]), [
      [mine.id, '0', 'Ada in London writes:', 'Posted from another origin'],
      [after[4].id, '1', 'Ada in London writes:', 'And a reply to it'],
    ]);
    // From the server, not from this browser's outbox.
    assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('colloquy:pending:')).length), 0);
    const stored = await (await fetch(`${server.url}/api/comments?thread=${encodeURIComponent(THREAD)}`)).json();
    assert.deepEqual(stored.comments.slice(3).map((c) => [c.id, c.parent ?? null, c.text]),
      [[mine.id, null, 'Posted from another origin'], [after[4].id, mine.id, 'And a reply to it']]);

    assert.deepEqual(watch.errors, []);
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
  } finally {
    await page.close();
    await server.stop();
    await blog.stop();
  }
});

// The comments server not told of the blog (no --cors): the API answers nothing the page may
// read. The reader sees the failure and Retry; the page's author is told what to change.
test('a comments server that does not allow the blog: the page is told to add its origin with --cors', async () => {
  const blog = await startBlog();
  const server = await startServer([]);
  blog.api = `http://localhost:${new URL(server.url).port}`;
  const page = await browser.newPage();
  try {
    const warnings = [];
    page.on('console', (m) => { if (m.text().startsWith('[colloquy]')) warnings.push(m.text()); });
    await page.goto(`${blog.url}/post.html`);
    await page.waitForSelector('#colloquy >> button[data-action="reload"]:not([hidden])', WAIT);
    const deadline = Date.now() + WAIT.timeout;
    while (!warnings.some((w) => w.includes('--cors')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(warnings.some((w) => w.startsWith('[colloquy] comments not loaded:') && w.includes(`colloquy serve --cors ${blog.url}`)),
      warnings.join('\n'));
  } finally {
    await page.close();
    await server.stop();
    await blog.stop();
  }
});
