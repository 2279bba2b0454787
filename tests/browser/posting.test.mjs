// Posting from the widget, the way a reader does it: the compose form, replies, validation by
// the core, the honeypot, drafts that survive a reload, the live preview, and the browser-storage
// thread of a page with no comments endpoint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, withServer, startServer, build, repo, eventually, waitForCount, waitForText, clickPost } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

// A blog page with no data-comments: the thread lives in the browser. Served at /local.html on
// the test server's origin (so the widget and its .wasm come from the real server) by a route.
function localPage(thread) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local</title></head><body>
<h1>A page with no comments server</h1><div id="colloquy"></div>
<script src="/colloquy/colloquy.js" defer data-thread="${thread}"></script></body></html>`;
}

// Opens a page and records everything that must not happen: page errors, console errors, CSP
// violations. Also records every POST the page sends.
async function open(server, path, { routeLocal } = {}) {
  const page = await browser.newPage();
  const watch = { errors: [], posts: [] };
  page.on('pageerror', (e) => watch.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') watch.errors.push(`console: ${m.text()}`); });
  page.on('request', (r) => { if (r.method() === 'POST') watch.posts.push(r.postDataJSON()); });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  if (routeLocal) {
    await page.route('**/local.html', (route) => route.fulfill({
      status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP }, body: localPage(routeLocal),
    }));
  }
  await page.goto(server.url + path);
  await page.waitForSelector('#colloquy >> form.compose');
  return { page, watch };
}

// What the reader sees of the thread: one entry per article, in page order.
function thread(page) {
  return page.evaluate(() => [...document.querySelector('#colloquy').shadowRoot.querySelectorAll('.list > div.comment')]
    .map((a) => ({
      id: a.dataset.id, depth: a.dataset.depth, clientId: a.dataset.clientId || null,
      cls: a.className, byline: a.querySelector('.byline').textContent,
      body: a.querySelector('.body').textContent.trim(), state: a.querySelector('.state')?.textContent ?? null,
    })));
}

async function post(page, form, { name, location, text, website }) {
  const f = `#colloquy >> ${form}`;
  if (name !== undefined) await page.fill(`${f} input[name="name"]`, name);
  if (location !== undefined) await page.fill(`${f} input[name="location"]`, location);
  if (text !== undefined) await page.fill(`${f} textarea[name="text"]`, text);
  if (website !== undefined) await page.fill(`${f} input[name="website"]`, website);
  await clickPost(page, f);
}

async function clean(page, watch) {
  assert.deepEqual(watch.errors, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
}

test('browser-storage mode: a comment and a reply are kept across reloads, with no server API', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, '/local.html', { routeLocal: '/local-thread' });
    assert.deepEqual(await thread(page), []);
    await post(page, 'form.compose', { name: 'Ada', location: 'London, UK', text: 'First, *kept* here.' });
    await waitForCount(page, '#colloquy >> div.comment', 1);
    let t = await thread(page);
    assert.equal(t.length, 1);
    assert.equal(t[0].byline, 'Ada in London writes:');
    assert.equal(t[0].depth, '0');
    await page.click('#colloquy >> div.comment button[data-action="reply"]');
    await post(page, 'form.compose.reply', { name: 'Bob', location: '', text: 'A reply.' });
    await waitForCount(page, '#colloquy >> div.comment', 2);
    await waitForCount(page, '#colloquy >> form.compose.reply', 0); // the reply form closes once posted
    await waitForText(page, '#colloquy >> section.comments > header h2', '2 Comments');
    await page.reload();
    await waitForCount(page, '#colloquy >> div.comment', 2);
    await page.waitForSelector('#colloquy >> form.compose');
    t = await thread(page);
    assert.deepEqual(t.map((c) => [c.byline, c.depth, c.state]), [['Ada in London writes:', '0', null], ['Bob writes:', '1', null]]);
    assert.match(t[0].body, /^First, \*?kept\*? here\.$/); // emphasis once the formatter has it
    assert.equal(t[1].body, 'A reply.');
    assert.equal(t[1].id !== t[0].id, true);
    // The name is remembered for the next comment (filled in by posting's script, fetched after
    // the thread shows: waited for); no request ever left for a comments API.
    await eventually(async () =>
      assert.equal(await page.inputValue('#colloquy >> form.compose:not(.reply) input[name="name"]'), 'Bob'));
    assert.deepEqual(watch.posts, []);
    await clean(page, watch);
    await page.close();
  });
});

test('validation errors from the core are shown next to their fields, and nothing is posted', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, '/');
    await post(page, 'form.compose', { text: '   \n  ' });
    await page.waitForSelector('#colloquy >> form.compose .error[data-for="text"]:not([hidden])');
    await waitForText(page, '#colloquy >> form.compose .error[data-for="text"]', 'Please write a comment.');
    assert.equal(await page.getAttribute('#colloquy >> form.compose textarea[name="text"]', 'aria-invalid'), 'true');
    // Two problems at once, each by its own field.
    await post(page, 'form.compose', { name: 'N'.repeat(250), location: 'L'.repeat(250), text: 'ok' });
    await page.waitForSelector('#colloquy >> form.compose .error[data-for="name"]:not([hidden])');
    await eventually(async () => {
      const errors = await page.$$eval('#colloquy >> form.compose .error:not([hidden])', (es) => es.map((e) => [e.dataset.for, e.textContent]));
      assert.deepEqual(errors, [['name', 'This name is too long.'], ['location', 'This location is too long.']]);
    });
    // Fixing the field clears its error as the reader types.
    await page.fill('#colloquy >> form.compose input[name="name"]', 'Nina');
    await page.fill('#colloquy >> form.compose input[name="location"]', 'Oslo');
    await page.waitForSelector('#colloquy >> form.compose .error[data-for="name"]', { state: 'hidden' });
    assert.deepEqual(watch.posts, []);
    assert.equal((await thread(page)).length, 3, 'only the seed comments');
    await clean(page, watch);
    await page.close();
  });
});

test('a filled honeypot never posts and adds nothing to the thread', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, '/');
    // Our own submit listener, added after the widget's on the same shadow root, runs right after
    // the widget's (synchronous) handler: once it has run, the submit has been dealt with.
    await page.evaluate(() => {
      window.__submits = 0;
      document.querySelector('#colloquy').shadowRoot.addEventListener('submit', () => { window.__submits++; });
    });
    await post(page, 'form.compose', { name: 'Bot', text: 'Cheap pills', website: 'http://spam.example' });
    await page.waitForFunction(() => window.__submits === 1);
    assert.deepEqual(watch.posts, []);
    assert.equal((await thread(page)).length, 3);
    assert.deepEqual(await page.$$eval('#colloquy >> form.compose .error:not([hidden])', (es) => es.length), 0, 'a bot is told nothing');
    // The same form without the honeypot would post (the form itself works).
    await page.route('**/api/comments', (route) => route.request().method() === 'POST'
      ? route.fulfill({ status: 201, contentType: 'application/json', body: JSON.stringify({ id: 'h1', parent: null, author: { name: 'Bot' }, created: '2026-01-01T00:00:00Z', text: 'Cheap pills' }) })
      : route.continue());
    await page.fill('#colloquy >> form.compose input[name="website"]', '');
    await clickPost(page, '#colloquy >> form.compose');
    await page.waitForSelector('#colloquy >> div.comment[data-id="h1"]');
    // One POST in all: the honeypot submit above sent none (it would have gone out first).
    assert.equal(watch.posts.length, 1);
    assert.equal(watch.posts[0].text, 'Cheap pills');
    assert.equal('honeypot' in watch.posts[0], false, 'the honeypot is never sent');
    await clean(page, watch);
    await page.close();
  });
});

test('drafts are saved per thread and parent as the reader types, and restored after a reload', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, '/');
    await page.fill('#colloquy >> form.compose input[name="name"]', 'Ron');
    await page.fill('#colloquy >> form.compose textarea[name="text"]', 'A top-level draft');
    const seed = (await thread(page))[1].id;
    await page.click(`#colloquy >> div.comment[data-id="${seed}"] button[data-action="reply"]`);
    await page.fill('#colloquy >> form.compose.reply textarea[name="text"]', 'A reply draft');
    // Past the debounce: both drafts are in localStorage before the reload.
    await page.waitForFunction(() => {
      const texts = Object.keys(localStorage).filter((k) => k.startsWith('colloquy:draft:'))
        .map((k) => { try { return JSON.parse(localStorage.getItem(k)).text; } catch { return null; } });
      return texts.includes('A top-level draft') && texts.includes('A reply draft');
    });
    await page.reload();
    await page.waitForSelector('#colloquy >> form.compose.reply');
    await eventually(async () => { // restored by posting's script, after the thread shows
      assert.equal(await page.inputValue('#colloquy >> form.compose:not(.reply) textarea[name="text"]'), 'A top-level draft');
      assert.equal(await page.inputValue('#colloquy >> form.compose:not(.reply) input[name="name"]'), 'Ron');
      assert.equal(await page.getAttribute('#colloquy >> form.compose.reply', 'data-parent'), seed);
      assert.equal(await page.inputValue('#colloquy >> form.compose.reply textarea[name="text"]'), 'A reply draft');
    });
    // The reply form sits right under its comment, one level deeper.
    const placed = await page.evaluate(() => {
      const f = document.querySelector('#colloquy').shadowRoot.querySelector('form.compose.reply');
      return [f.previousElementSibling.dataset.id, f.dataset.depth];
    });
    assert.deepEqual(placed, [seed, '1']);
    // The preview shows the restored text, formatted by the core.
    assert.equal((await page.textContent('#colloquy >> form.compose.reply .preview .body')).trim(), 'A reply draft');
    await clean(page, watch);
    await page.close();
  });
});

test('the live preview follows a 10,000-character comment (input-to-preview latency printed)', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, '/');
    const samples = await page.evaluate(async () => {
      const root = document.querySelector('#colloquy').shadowRoot;
      const area = root.querySelector('form.compose textarea[name="text"]');
      const body = root.querySelector('form.compose .preview .body');
      const para = 'Lorem ipsum dolor sit amet, <b>consectetur</b> adipiscing elit, sed do eiusmod tempor. ';
      let text = '';
      while (text.length < 10000) text += para + (text.length % 900 < para.length ? '\n\n' : '');
      text = text.slice(0, 10000);
      const out = [];
      for (let i = 0; i < 15; i++) {
        const value = text.slice(0, 9985 + i);
        const t0 = performance.now();
        area.value = value;
        area.dispatchEvent(new Event('input', { bubbles: true }));
        // Keystroke handling itself must be cheap (the formatting is debounced).
        const handled = performance.now() - t0;
        await new Promise((resolve) => {
          const mo = new MutationObserver(() => { mo.disconnect(); resolve(); });
          mo.observe(body, { childList: true, subtree: true, characterData: true });
        });
        out.push({ handled, shown: performance.now() - t0, length: value.length, html: body.innerHTML.length });
      }
      return { out, hasTag: body.querySelector('b') !== null, text: body.textContent.includes('<b>consectetur</b>') };
    });
    const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const shown = median(samples.out.map((s) => s.shown));
    const handled = median(samples.out.map((s) => s.handled));
    console.log(`# preview of a 10,000-character comment: input-to-preview median ${shown.toFixed(1)} ms ` +
      `(debounce 100 ms included), input handler median ${handled.toFixed(2)} ms, over ${samples.out.length} edits`);
    assert.equal(samples.hasTag, false, 'raw HTML in a comment is shown as text, never as markup');
    assert.equal(samples.text, true);
    assert.ok(samples.out.every((s) => s.html > 10000));
    await clean(page, watch);
    await page.close();
  });
});

// ---- Against the real reference server (colloquy serve --db) --------------------------------

const SEED_THREAD = '/2010/09/24/nato-russia-council';
async function stored(server) {
  const r = await fetch(`${server.url}/api/comments?thread=${encodeURIComponent(SEED_THREAD)}`);
  return (await r.json()).comments;
}

test('seed page: a comment and a reply go to the server, appear at once where they belong, and are there after a reload', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, '/');
    await waitForCount(page, '#colloquy >> div.comment', 3);
    const seed = await thread(page);
    assert.equal(seed.length, 3);
    // Time from the submit event to the local copy in the thread, and to the server's copy.
    await page.evaluate(() => {
      const root = document.querySelector('#colloquy').shadowRoot;
      const t = (window.__timing = {});
      root.addEventListener('submit', () => { t.submit = performance.now(); }, true);
      new MutationObserver(() => {
        if (!t.local && root.querySelector('.list > div.comment.sending')) t.local = performance.now();
        if (!t.stored && root.querySelectorAll('.list > div.comment:not(.sending):not(.unsent)').length === 4) t.stored = performance.now();
      }).observe(root.querySelector('.list'), { childList: true });
    });
    await post(page, 'form.compose:not(.reply)', { name: 'Ada', location: 'London, UK', text: 'A new top-level comment' });
    // In the thread at the end, marked as sending or already replaced by the server's copy.
    await eventually(async () => {
      const now = await thread(page);
      assert.equal(now.length, 4);
      assert.equal(now[3].body, 'A new top-level comment');
    });
    await page.waitForFunction(() => !document.querySelector('#colloquy').shadowRoot.querySelector('div.comment.sending, div.comment.unsent'));
    const timing = await page.evaluate(() => window.__timing);
    // At once: the local copy was shown before the server's answer replaced it.
    assert.ok(timing.submit <= timing.local && timing.local < timing.stored, JSON.stringify(timing));
    console.log(`# posting on the seed page: submit to the comment shown as sending ${(timing.local - timing.submit).toFixed(1)} ms, ` +
      `to the server's copy in its place ${(timing.stored - timing.submit).toFixed(1)} ms (local server, SQLite)`);
    // A reply to the second seed comment lands under it, before the third one, one level deeper.
    await page.click(`#colloquy >> div.comment[data-id="${seed[1].id}"] button[data-action="reply"]`);
    await post(page, 'form.compose.reply', { text: 'A reply to Ron' });
    await page.waitForFunction(() => document.querySelector('#colloquy').shadowRoot.querySelectorAll('div.comment').length === 5 &&
      !document.querySelector('#colloquy').shadowRoot.querySelector('div.comment.sending, div.comment.unsent'));
    const before = await thread(page);
    assert.deepEqual(before.map((c) => [c.depth, c.body.slice(0, 24)]), [
      ['0', seed[0].body.slice(0, 24)], ['0', seed[1].body.slice(0, 24)], ['1', 'A reply to Ron'],
      ['0', seed[2].body.slice(0, 24)], ['0', 'A new top-level comment'],
    ]);
    assert.ok(before.every((c) => c.clientId === null), 'the server\'s copies replaced the local ones');
    await waitForText(page, '#colloquy >> section.comments > header h2', '5 Comments');
    const db = await stored(server);
    const mine = db.filter((c) => c.text === 'A new top-level comment' || c.text === 'A reply to Ron');
    assert.equal(mine.length, 2);
    assert.equal(mine.find((c) => c.text === 'A reply to Ron').parent, seed[1].id);
    assert.deepEqual(before.filter((c) => c.depth === '1' || c.body.startsWith('A new')).map((c) => c.id).sort(), mine.map((c) => String(c.id)).sort());
    await page.reload();
    await waitForCount(page, '#colloquy >> div.comment', 5);
    const after = await thread(page);
    assert.deepEqual(after.map((c) => [c.id, c.depth, c.byline, c.body]), before.map((c) => [c.id, c.depth, c.byline, c.body]));
    assert.equal(after[4].byline, 'Ada in London writes:');
    assert.equal(watch.posts.length, 2);
    await clean(page, watch);
    await page.close();
  });
});

test('with --moderate the answer reads "Awaiting moderation", stays so for its author across reloads, until approved', async () => {
  await withServer(browser, ['--moderate', '--admin-token', 'T0ken'], async (server) => {
    const { page, watch } = await open(server, '/');
    await post(page, 'form.compose:not(.reply)', { name: 'Mo', text: 'Please approve me' });
    await page.waitForSelector('#colloquy >> div.comment.pending:not([data-client-id])');
    let t = await thread(page);
    assert.equal(t[3].state, 'Awaiting moderation');
    assert.equal(t[3].body, 'Please approve me');
    const id = t[3].id;
    assert.equal((await stored(server)).length, 3, 'the server does not list it yet');
    await page.reload();
    await page.waitForSelector('#colloquy >> div.comment.pending');
    await waitForCount(page, '#colloquy >> div.comment', 4);
    t = await thread(page);
    assert.deepEqual(t.map((c) => [c.id, c.state]).slice(3), [[id, 'Awaiting moderation']]);
    const approved = await fetch(server.url + '/api/admin/moderate', { method: 'POST',
      headers: { Authorization: 'Bearer T0ken', 'Content-Type': 'application/json' },
      body: JSON.stringify({ thread: SEED_THREAD, id, action: 'approve' }) });
    assert.equal(approved.status, 200);
    await page.reload();
    await waitForCount(page, '#colloquy >> div.comment', 4);
    await page.waitForSelector('#colloquy >> form.compose'); // the thread is rendered and the posting part set up
    t = await thread(page);
    assert.deepEqual(t.map((c) => [c.id, c.state]).slice(3), [[id, null]], 'approved: shown once, as published');
    assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('colloquy:pending:')).length), 0);
    await clean(page, watch);
    await page.close();
  });
});

// Serves the site from disk while the server is down, as a browser cache or a static host
// would; the comments API is left unrouted, so it really fails (connection refused).
async function siteFromDisk(page) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json' };
  await page.route((url) => !url.pathname.startsWith('/api/'), (route) => {
    const { pathname } = new URL(route.request().url());
    const file = pathname.startsWith('/colloquy/') ? path.join(build.wasm, 'widget', pathname.slice(10))
      : path.join(repo, 'examples/seed', pathname === '/' ? 'index.html' : pathname);
    if (!fs.existsSync(file)) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ status: 200, contentType: types[path.extname(file)] || 'application/octet-stream',
      headers: { 'Content-Security-Policy': CSP }, body: fs.readFileSync(file) });
  });
}

test('server down: the post stays unsent across a reload; the server back on the same --db gets it exactly once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-widget-'));
  const db = path.join(dir, 'restart.db');
  let server = await startServer(['--db', db]);
  const port = Number(new URL(server.url).port);
  const page = await browser.newPage();
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.postDataJSON()); });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(server.url + '/');
    await page.waitForSelector('#colloquy >> form.compose');
    await page.waitForSelector('#colloquy >> div.comment');
    await page.close().catch(() => {});
    // Keep-alive connections would hold the server open: a fresh page, then stop it.
    await server.stop();
    server = null;
    const p2 = await browser.newPage();
    p2.on('request', (r) => { if (r.method() === 'POST') posts.push(r.postDataJSON()); });
    p2.on('pageerror', (e) => errors.push(e.message));
    await siteFromDisk(p2);
    await p2.goto(`http://127.0.0.1:${port}/`);
    await p2.waitForSelector('#colloquy >> form.compose');
    await post(p2, 'form.compose:not(.reply)', { name: 'Ivo', text: 'Written while the server was down' });
    await p2.waitForSelector('#colloquy >> div.comment.unsent button[data-action="retry"]');
    const clientId = (await thread(p2)).find((c) => c.clientId).clientId;
    // Reload with the server still down: the text is still there, still marked unsent.
    await p2.reload();
    await p2.waitForSelector('#colloquy >> div.comment.unsent');
    let t = await thread(p2);
    assert.deepEqual(t.map((c) => [c.body, c.clientId, c.state]), [['Written while the server was down', clientId, 'Not sent yet Retry']]);
    // The server comes back on the same port and database; a reload sends the outbox.
    server = await startServer(['--db', db], { port });
    await p2.unrouteAll({ behavior: 'ignoreErrors' });
    await p2.reload();
    await p2.waitForFunction(() => {
      const r = document.querySelector('#colloquy').shadowRoot;
      return r.querySelectorAll('div.comment').length === 4 && !r.querySelector('div.comment.sending, div.comment.unsent');
    });
    // The network "returns" again and the reader reloads once more: nothing is sent twice.
    await p2.evaluate(() => window.dispatchEvent(new Event('online')));
    await p2.reload();
    await waitForCount(p2, '#colloquy >> div.comment', 4);
    await p2.waitForSelector('#colloquy >> form.compose'); // the thread is rendered and the outbox flushed
    t = await thread(p2);
    assert.equal(t.filter((c) => c.body === 'Written while the server was down').length, 1);
    const rows = (await stored(server)).filter((c) => c.text === 'Written while the server was down');
    assert.equal(rows.length, 1, 'stored exactly once');
    assert.ok(posts.length >= 2, `the same post went out ${posts.length} times`);
    assert.ok(posts.every((p) => p.clientId === clientId), 'never under a new clientId');
    assert.equal(await p2.evaluate(() => localStorage.getItem('colloquy:outbox')), '[]');
    assert.deepEqual(errors, []);
    await p2.close();
  } finally {
    for (const context of browser.contexts()) for (const p of context.pages()) await p.close();
    if (server) await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Two widgets on one page: after a post in A, B's form (shown before it, so not yet filled) is
// filled with the remembered name when the reader first steps into it, but never the field the
// reader stepped into to type: typed there, the name is what the reader typed.
test('two widgets: the remembered name is not put under the caret of the field the reader types in', async () => {
  await withServer(browser, [], async (server) => {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route('**/two.html', (route) => route.fulfill({ status: 200, contentType: 'text/html', body:
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Two</title></head><body>
<div id="a"></div><div id="b"></div>
<script src="/colloquy/colloquy.js" defer data-target="#a" data-thread="/two-a" data-comments="/api/comments"></script>
<script src="/colloquy/colloquy.js" defer data-target="#b" data-thread="/two-b" data-comments="/api/comments"></script></body></html>` }));
    await page.goto(server.url + '/two.html');
    await page.waitForSelector('#a >> form.compose');
    await page.waitForSelector('#b >> form.compose');
    await page.fill('#a >> form.compose input[name="name"]', 'Tester');
    await page.fill('#a >> form.compose input[name="location"]', 'Leeds');
    await page.fill('#a >> form.compose textarea[name="text"]', 'Into A.');
    await clickPost(page, '#a >> form.compose');
    await waitForCount(page, '#a >> div.comment', 1);
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('colloquy:author') || '{}').name === 'Tester');
    assert.equal(await page.inputValue('#b >> form.compose input[name="name"]'), '');
    await page.click('#b >> form.compose input[name="name"]');
    // The form is filled now (the place, which the reader is not in), and the name field is left to the reader.
    await eventually(async () => assert.equal(await page.inputValue('#b >> form.compose input[name="location"]'), 'Leeds'));
    assert.equal(await page.inputValue('#b >> form.compose input[name="name"]'), '');
    await page.keyboard.type('Bernd');
    await eventually(async () => assert.equal(await page.inputValue('#b >> form.compose input[name="name"]'), 'Bernd'));
    assert.deepEqual(errors, []);
    await page.close();
  });
});
