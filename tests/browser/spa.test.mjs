// Single-page sites: update({thread}) swaps the drafts, the outbox and "mine" with the thread.
// A reader types on A, navigates to B (posts while the server is down) and C (posts), and every
// text lands where it was written: A's draft back on A only, B's post sent in the background
// and shown on B only, C's on C.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

// A comments API keeping each thread's comments, all awaiting moderation (so GET lists none of
// them: the reader sees their own through "mine"); POST fails with 503 while `down`.
function api() {
  const a = { down: false, stored: [] };
  a.handle = (route) => {
    const req = route.request();
    if (req.method() === 'GET') {
      const thread = new URL(req.url()).searchParams.get('thread');
      return route.fulfill({ status: 200, contentType: 'application/json',
        body: JSON.stringify({ thread, comments: a.stored.filter((c) => c.thread === thread && c.comment.status !== 'pending').map((c) => c.comment), next: null }) });
    }
    if (a.down) return route.fulfill({ status: 503, body: 'down' });
    const b = req.postDataJSON();
    let s = a.stored.find((c) => c.clientId === b.clientId);
    if (!s) {
      s = { clientId: b.clientId, thread: b.thread, comment: { id: `s${a.stored.length + 1}`, parent: b.parent, author: b.author,
        created: new Date().toISOString(), text: b.text, status: 'pending' } };
      a.stored.push(s);
    }
    return route.fulfill({ status: 201, contentType: 'application/json', body: JSON.stringify(s.comment) });
  };
  return a;
}

// The single-page site: thread /a at first, under the strict CSP; `before` is HTML above the
// widget, `attributes` more data-* options.
const spaPage = (page, before = '', attributes = '') => page.route('**/spa.html', (route) => route.fulfill({
  status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP },
  body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SPA</title></head><body>${before}
<div id="colloquy"></div><script src="/colloquy/colloquy.js" defer data-thread="/a" data-comments="/api/comments" ${attributes}></script></body></html>`,
}));

const TEXT = '#colloquy >> form.compose:not(.reply) textarea[name="text"]';
const view = (page) => page.evaluate(() => {
  const root = document.querySelector('#colloquy').shadowRoot;
  return {
    text: root.querySelector('form.compose:not(.reply) textarea[name="text"]').value,
    articles: [...root.querySelectorAll('.list > div.comment')].map((a) => [a.querySelector('.body').textContent.trim(),
      a.classList.contains('unsent') || a.classList.contains('sending') ? 'waiting' : a.querySelector('.state')?.textContent ?? 'shown']),
  };
});
const go = (page, thread) => page.evaluate((t) => Colloquy.mount(document.querySelector('#colloquy'), { thread: t }).ready, thread);

test('drafts, the outbox and "mine" follow update({thread}): typed on A, posted on B and C, each lands on its own thread', async () => {
  await withServer(browser, [], async (server) => {
    const a = api();
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });
    await spaPage(page, '', 'data-post-timeout="1000"');
    await page.route('**/api/comments**', a.handle);
    await page.goto(server.url + '/spa.html');
    await page.waitForSelector('#colloquy >> form.compose');
    await page.fill('#colloquy >> form.compose:not(.reply) input[name="name"]', 'Reader');

    // A: typed, not posted. Navigating away at once (within the draft's debounce) keeps it for A.
    await page.fill(TEXT, 'Draft written on A');
    await go(page, '/b');
    assert.deepEqual(await view(page), { text: '', articles: [] });

    // B: posted while the server is down: it waits in the outbox, shown on B.
    a.down = true;
    await page.fill(TEXT, 'Posted on B while down');
    await page.click('#colloquy >> form.compose:not(.reply) button[type="submit"]');
    await page.waitForSelector('#colloquy >> div.comment.unsent', { timeout: 10000 });

    // C: nothing of A or B here. The server comes back: B's post goes out in the background,
    // and never shows on C; C's own post lands on C.
    await go(page, '/c');
    assert.deepEqual(await view(page), { text: '', articles: [] });
    a.down = false;
    await page.fill(TEXT, 'Posted on C');
    await page.click('#colloquy >> form.compose:not(.reply) button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#colloquy').shadowRoot.querySelector('.list > div.comment[data-id]:not([data-client-id])'), null, { timeout: 10000 });
    for (const end = Date.now() + 20000; a.stored.length < 2 && Date.now() < end;) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(a.stored.map((s) => [s.thread, s.comment.text]).sort(), [['/b', 'Posted on B while down'], ['/c', 'Posted on C']]);
    assert.deepEqual(await view(page), { text: '', articles: [['Posted on C', 'Awaiting moderation']] });

    // Back on A: its draft, and nothing else.
    await go(page, '/a');
    assert.deepEqual(await view(page), { text: 'Draft written on A', articles: [] });
    // B: its comment, once, awaiting moderation ("mine" of B); C's stays on C.
    await go(page, '/b');
    assert.deepEqual(await view(page), { text: '', articles: [['Posted on B while down', 'Awaiting moderation']] });
    await go(page, '/c');
    assert.deepEqual(await view(page), { text: '', articles: [['Posted on C', 'Awaiting moderation']] });
    assert.deepEqual(await page.evaluate(() => JSON.parse(localStorage.getItem('colloquy:outbox') || '[]')), []);
    assert.ok(!a.stored.some((s) => /Draft written on A/.test(s.comment.text)));
    assert.deepEqual(errors, []);
    await page.close();
  });
});

// The reader types on A before the script that handles typing (colloquy-act.js) has come, and the
// site moves to B at once: A's text must not become B's draft, nor stay in B's form.
test('a form typed on before posting came: update({thread}) keeps its text as the draft of its own thread', async () => {
  await withServer(browser, [], async (server) => {
    const a = api();
    const page = await browser.newPage();
    await spaPage(page);
    await page.route('**/api/comments**', a.handle);
    let release;
    const gate = new Promise((resolve) => { release = resolve; });
    let asked = false;
    await page.route('**/colloquy-act.js*', async (route) => {
      asked = true;
      await gate;
      await route.continue();
    });
    await page.goto(server.url + '/spa.html');
    await page.waitForSelector('#colloquy >> form.compose');
    await page.fill(TEXT, 'Typed on A before posting came');
    for (const end = Date.now() + 30000; !asked && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
    assert.ok(asked, 'typing asked for colloquy-act.js');
    const moved = go(page, '/b'); // resolves once posting has taken the form over
    release();
    await moved;
    assert.deepEqual(await view(page), { text: '', articles: [] });
    await go(page, '/a');
    await page.waitForFunction(() => document.querySelector('#colloquy').shadowRoot
      .querySelector('form.compose:not(.reply) textarea[name="text"]').value !== '', null, { timeout: 30000 });
    assert.deepEqual(await view(page), { text: 'Typed on A before posting came', articles: [] });
    await go(page, '/b');
    assert.deepEqual(await view(page), { text: '', articles: [] });
    assert.deepEqual(a.stored, []);
    await page.close();
  });
});

// update() is colloquy-spa.js's: called before the widget came near (data-load lazy), its first
// load is of the new thread and nothing of the old is asked for; called after, an untouched form
// is made again for the new thread, so what is typed there is that thread's draft.
test('update() before the widget comes near loads the new thread; an untouched form becomes the new thread\'s', async () => {
  await withServer(browser, [], async (server) => {
    const a = api();
    const asked = [];
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    const filler = Array.from({ length: 60 }, (_, i) => `<p>Paragraph ${i} of a long post.</p>`).join('\n');
    await spaPage(page, filler);
    await page.route('**/api/comments**', (route) => {
      if (route.request().method() === 'GET') asked.push(new URL(route.request().url()).searchParams.get('thread'));
      return a.handle(route);
    });
    await page.goto(server.url + '/spa.html');
    await page.waitForFunction(() => window.Colloquy);
    // The update is applied once colloquy-spa.js has come (its event, then the loader's turn).
    await page.evaluate(() => new Promise((resolve) => {
      document.addEventListener('colloquy:spa', () => setTimeout(resolve, 0), { once: true });
      Colloquy.mount(document.querySelector('#colloquy'), { thread: '/b' });
    }));
    assert.deepEqual(asked, [], 'nothing is loaded before the widget comes near');
    await page.evaluate(() => document.querySelector('#colloquy').scrollIntoView());
    await page.waitForSelector('#colloquy >> form.compose');
    assert.deepEqual(asked, ['/b']);

    await go(page, '/c');
    assert.deepEqual(asked, ['/b', '/c']);
    await page.fill(TEXT, 'Typed on C');
    const drafts = () => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('colloquy:draft:')));
    await eventually(async () => assert.deepEqual((await drafts()).map((k) => k.split('\n')[1]), ['/c']));
    await page.close();
  });
});

// The site moves on while the next thread is still loading: the last thread's comments and form
// stay on screen until it comes, so they take no input then (inert), and a form submitted anyway
// (by a script, or before posting moved it) posts to the thread it was made for, never the next.
test('while update() loads the next thread, the last one\'s form is inert, and a post from it lands on its own thread', async () => {
  await withServer(browser, [], async (server) => {
    const a = api();
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await spaPage(page, '', 'data-fetch-timeout="120000"');
    let release;
    const gate = new Promise((resolve) => { release = resolve; });
    await page.route('**/api/comments**', async (route) => {
      const req = route.request();
      if (req.method() === 'GET' && new URL(req.url()).searchParams.get('thread') === '/b') await gate;
      if (req.method() === 'GET' && new URL(req.url()).searchParams.get('thread') === '/c') return route.fulfill({ status: 500, body: 'down' });
      return a.handle(route);
    });
    await page.goto(server.url + '/spa.html');
    await page.waitForSelector('#colloquy >> form.compose');
    await page.fill('#colloquy >> form.compose:not(.reply) input[name="name"]', 'Reader');
    await page.fill(TEXT, 'Meant for A');
    const drafts = () => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('colloquy:draft:')).map((k) => k.split('\n')[1]));
    await eventually(async () => assert.deepEqual(await drafts(), ['/a'])); // posting has the form

    await page.evaluate(() => { Colloquy.mount(document.querySelector('#colloquy'), { thread: '/b' }); });
    const form = () => page.evaluate(() => {
      const f = document.querySelector('#colloquy').shadowRoot.querySelector('form.compose:not(.reply)');
      return { text: f.elements.text.value, inert: Boolean(f.closest('[inert]')) };
    });
    await eventually(async () => assert.deepEqual(await form(), { text: 'Meant for A', inert: true }));
    await page.evaluate(() => document.querySelector('#colloquy').shadowRoot.querySelector('form.compose:not(.reply)').requestSubmit());
    await eventually(async () => assert.deepEqual(a.stored.map((s) => [s.thread, s.comment.text]), [['/a', 'Meant for A']]));

    release();
    await eventually(async () => assert.deepEqual(await form(), { text: '', inert: false }));
    assert.deepEqual(await view(page), { text: '', articles: [] });
    await go(page, '/a');
    assert.deepEqual(await view(page), { text: '', articles: [['Meant for A', 'Awaiting moderation']] });
    assert.deepEqual(a.stored.map((s) => s.thread), ['/a']);

    // A thread that fails to load: the status line and Retry, and its own form, free to use.
    await page.evaluate(() => { Colloquy.mount(document.querySelector('#colloquy'), { thread: '/c' }); });
    await eventually(async () => assert.deepEqual(await form(), { text: '', inert: false }));
    await eventually(async () => assert.equal(await page.evaluate(() => document.querySelector('#colloquy').shadowRoot
      .querySelector('.comments-slot').childElementCount === 1 && !document.querySelector('#colloquy').shadowRoot.querySelector('.comments-slot .comment')), true));
    await page.fill(TEXT, 'Written on C');
    await eventually(async () => assert.deepEqual((await drafts()).sort(), ['/c']));
    assert.deepEqual(errors, []);
    await page.close();
  });
});
