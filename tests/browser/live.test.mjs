// Live updates: while the page is open the widget asks the reference server again (here every
// 1.5 s: data-live="1500"; by default every 30-60 s), with If-None-Match, so an unchanged thread
// costs a 304. A comment posted by someone else is offered with a button ("1 new comment", also
// said in the polite live region); clicking it shows the comment without touching the draft the
// reader was typing, and focus goes to the new comment, not to <body>. A hidden page asks nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually, waitForCount, waitForText, postComment as post, WAIT } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const THREAD = '/live-test';
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

async function open(server, live, { pageSize = '', shown = 1 } = {}) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const answers = [];
  page.on('response', (r) => {
    if (r.url().includes('/api/comments?')) answers.push({ url: new URL(r.url()), status: r.status(), conditional: !!r.request().headers()['if-none-match'] });
  });
  await page.route('**/live.html', (route) => route.fulfill({
    status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Live</title></head><body>
<h1>A post</h1><div id="colloquy"></div>
<script src="/colloquy/colloquy.js" defer data-thread="${THREAD}" data-comments="/api/comments" data-live="${live}" data-page-size="${pageSize}"></script></body></html>`,
  }));
  await page.goto(server.url + '/live.html');
  await waitForCount(page, '#colloquy >> div.comment', shown);
  return { page, errors, answers };
}

test('a comment posted elsewhere is offered, then shown without losing the draft or the focus', async () => {
  await withServer(browser, ['--rate-limit', '0'], async (server) => {
    await post(server, { thread: THREAD, author: { name: 'Ann' }, text: 'First.', clientId: 'live-first-0000-0000' });
    const { page, errors, answers } = await open(server, '1500');
    // Nothing new yet: the widget asks again, and an unchanged thread answers 304.
    await eventually(() => assert.ok(answers.some((a) => a.conditional && a.status === 304), JSON.stringify(answers)));
    assert.equal(await page.locator('#colloquy >> button[data-action="new-comments"]').count(), 0);

    // The reader starts a comment; meanwhile someone else posts.
    const text = '#colloquy >> form.compose textarea[name="text"]';
    await page.click(text);
    await page.keyboard.type('My half-written thought');
    await post(server, { thread: THREAD, author: { name: 'Bob' }, text: 'Second, from elsewhere.', clientId: 'live-second-000-0000' });
    await waitForText(page, '#colloquy >> button[data-action="new-comments"]', '1 new comment');
    await waitForText(page, '#colloquy >> .announce', '1 new comment');
    assert.equal(await page.locator('#colloquy >> div.comment').count(), 1, 'shown only when asked');
    // Typing went on undisturbed while the button came.
    assert.equal(await page.evaluate(() => document.querySelector('#colloquy').shadowRoot.activeElement.name), 'text');

    const first = await page.$('#colloquy >> div.comment');
    await page.click('#colloquy >> button[data-action="new-comments"]');
    await waitForCount(page, '#colloquy >> div.comment', 2);
    assert.equal(await page.locator('#colloquy >> button[data-action="new-comments"]').count(), 0);
    assert.deepEqual((await page.locator('#colloquy >> div.comment .body').allTextContents()).map((t) => t.trim()),
      ['First.', 'Second, from elsewhere.']);
    assert.ok(await first.evaluate((a) => a.isConnected), 'the comment already shown was not rendered again');
    assert.equal(await page.inputValue(text), 'My half-written thought');
    await waitForText(page, '#colloquy >> section.comments h2', '2 Comments');
    await eventually(async () => {
      const focus = await page.evaluate(() => {
        const inner = document.querySelector('#colloquy').shadowRoot.activeElement;
        return { outer: document.activeElement.tagName, inner: inner && inner.textContent };
      });
      assert.notEqual(focus.outer, 'BODY');
      assert.match(focus.inner, /Second, from elsewhere/);
    });
    assert.deepEqual(errors, []);
  });
});

// A paged thread (data-page-size): the widget asks for the thread's newest comments (recent),
// not its first server page, so a comment is offered wherever it lands: a reply in a thread on
// show, a new thread (the last server page, under "oldest"). A reply to a thread on a page not
// loaded yet waits for that page. Shown, each goes where it belongs, and "Load more" goes on
// from the server's cursor, each comment once.
test('a paged thread: new comments on any server page are offered and inserted where they belong', async () => {
  await withServer(browser, ['--rate-limit', '0'], async (server) => {
    const ids = {};
    for (const name of ['T0', 'T1', 'T2']) ids[name] = await post(server, { thread: THREAD, author: { name }, text: name + ' starts', clientId: `live-${name}-00000-0000` });
    ids.R0 = await post(server, { thread: THREAD, parent: ids.T0, author: { name: 'R0' }, text: 'R0 replies', clientId: 'live-R0-00000-0000' });
    // The widget asks for what was posted since it loaded (the server's Date, in whole seconds,
    // less a second): the page loads once the server's clock is past that for these.
    const thread = server.url + '/api/comments?thread=' + encodeURIComponent(THREAD);
    const newest = Date.parse((await (await fetch(thread + '&recent=1')).json()).comments[0].created);
    await eventually(async () => assert.ok(Date.parse((await fetch(thread)).headers.get('Date')) - 1000 > newest), { interval: 200 });
    const { page, errors, answers } = await open(server, '1000', { pageSize: '2', shown: 3 });
    const W = '#colloquy >> ';
    const shown = () => page.locator(`${W}div.comment`).evaluateAll((as) => as.map((a) => a.querySelector('.body').textContent.trim()));
    await eventually(async () => assert.deepEqual(await shown(), ['T0 starts', 'R0 replies', 'T1 starts']));
    await page.waitForSelector(`${W}button[data-action="more"][data-cursor]`);
    // Unchanged: 304s, asking for the newest comments, never for the first page again.
    await eventually(() => assert.ok(answers.some((a) => a.conditional && a.status === 304), JSON.stringify(answers)));
    const asks = answers.slice(1);
    assert.ok(asks.every((a) => a.url.searchParams.get('recent') === '50' && a.url.searchParams.get('since') && !a.url.searchParams.has('limit')),
      asks.map((a) => String(a.url)).join('\n'));

    // The reader is writing; meanwhile others reply to T1 (on show) and to T2 (a page not
    // loaded yet), and start a new thread (the last server page).
    const text = `${W}form.compose:not(.reply) textarea[name="text"]`;
    await page.click(text);
    await page.keyboard.type('A draft in progress');
    ids.R1 = await post(server, { thread: THREAD, parent: ids.T1, author: { name: 'R1' }, text: 'R1 replies', clientId: 'live-R1-00000-0000' });
    ids.R2 = await post(server, { thread: THREAD, parent: ids.T2, author: { name: 'R2' }, text: 'R2 replies', clientId: 'live-R2-00000-0000' });
    ids.T3 = await post(server, { thread: THREAD, author: { name: 'T3' }, text: 'T3 starts', clientId: 'live-T3-00000-0000' });
    await waitForText(page, `${W}button[data-action="new-comments"]`, '2 new comments');
    const first = await page.$(`${W}div.comment[data-id="${ids.T0}"]`);
    await page.click(`${W}button[data-action="new-comments"]`);
    await eventually(async () => assert.deepEqual(await shown(), ['T0 starts', 'R0 replies', 'T1 starts', 'R1 replies', 'T3 starts']));
    assert.ok(await first.evaluate((a) => a.isConnected), 'what was shown was not rendered again');
    assert.equal(await page.inputValue(text), 'A draft in progress');
    assert.equal(await page.getAttribute(`${W}div.comment[data-id="${ids.R1}"]`, 'data-depth'), '1');
    // The thread's count: the server's total when it loaded (4) and the two shown since; R2
    // counts once its page comes, whose total has it.
    await waitForText(page, `${W}section.comments > header h2`, '6 Comments');

    // "Load more" follows the server's cursor: T2 with its reply, in its place, nothing twice.
    await page.click(`${W}button[data-action="more"]`);
    await eventually(async () => assert.deepEqual(await shown(),
      ['T0 starts', 'R0 replies', 'T1 starts', 'R1 replies', 'T2 starts', 'R2 replies', 'T3 starts']));
    await eventually(async () => assert.equal(await page.locator(`${W}button[data-action="more"]`).count(), 0));
    await waitForText(page, `${W}section.comments > header h2`, '7 Comments');

    // Every page loaded: a new thread lands on the last server page and is offered too.
    ids.T4 = await post(server, { thread: THREAD, author: { name: 'T4' }, text: 'T4 starts', clientId: 'live-T4-00000-0000' });
    await waitForText(page, `${W}button[data-action="new-comments"]`, '1 new comment');
    await page.click(`${W}button[data-action="new-comments"]`);
    await eventually(async () => assert.deepEqual(await shown(),
      ['T0 starts', 'R0 replies', 'T1 starts', 'R1 replies', 'T2 starts', 'R2 replies', 'T3 starts', 'T4 starts']));
    await waitForText(page, `${W}section.comments > header h2`, '8 Comments');
    assert.equal(await page.inputValue(text), 'A draft in progress');
    assert.deepEqual(errors, []);
  });
});

test('a hidden page asks nothing until it shows again; data-live="off" never asks', async () => {
  await withServer(browser, [], async (server) => {
    await post(server, { thread: THREAD, author: { name: 'Ann' }, text: 'First.', clientId: 'live-first-0000-0000' });
    const { page, answers } = await open(server, '1000');
    await eventually(() => assert.ok(answers.length >= 2));
    // The tab goes to the background (the page sees what a browser would tell it).
    await page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.waitForTimeout(500); // an ask already on its way may still land
    const before = answers.length;
    await page.waitForTimeout(3500);
    assert.equal(answers.length, before, 'no ask while hidden');
    await page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await eventually(() => assert.ok(answers.length > before, 'asked again once shown'));

    const quiet = await open(server, 'off');
    await quiet.page.waitForTimeout(3000);
    assert.equal(quiet.answers.length, 1, 'only the first load');
  });
});

// Back-off: while the server does not answer (here its answers refused, as when it is down),
// each ask waits twice as long as the one before, up to 16 times data-live; once it answers
// again the widget asks at its usual pace and offers what came meanwhile. Asserted on the gaps
// between asks: a timer never fires early, so each gap is at least its delay however busy the
// machine is; the pace after recovery is judged against the longest wait, a wide margin.
test('failed asks back off, doubling each time, and the usual pace resumes once the server answers', async (t) => {
  await withServer(browser, [], async (server) => {
    await post(server, { thread: THREAD, author: { name: 'Ann' }, text: 'First.', clientId: 'live-first-0000-0000' });
    const LIVE = 400;
    const { page } = await open(server, String(LIVE));
    const asks = []; // [time, failed] of each ask after the first load
    let down = true;
    await page.route((url) => url.pathname === '/api/comments' && url.searchParams.has('thread'), (route) => {
      asks.push([Date.now(), down]);
      return down ? route.abort('connectionrefused') : route.continue();
    });
    // Five failed asks: the gaps after the first are 2, 4, 8 and 16 times data-live, at least.
    await eventually(() => assert.ok(asks.length >= 5, `${asks.length} asks`), { timeout: WAIT + 30 * LIVE });
    const gaps = asks.slice(1, 5).map(([t], k) => t - asks[k][0]);
    gaps.forEach((gap, k) => assert.ok(gap >= LIVE * 2 ** (k + 1) - 50, `gap ${k + 1}: ${gap} ms, gaps ${gaps}`));
    assert.ok(gaps[3] > 1.5 * gaps[1], `the gaps grow: ${gaps}`);
    t.diagnostic(`data-live ${LIVE} ms; gaps after 1-4 failed asks: ${gaps.join(', ')} ms`);

    // Someone posts while the widget cannot reach the server; then the server answers again.
    await post(server, { thread: THREAD, author: { name: 'Bob' }, text: 'Posted during the outage.', clientId: 'live-outage-000-0000' });
    down = false;
    const recovered = asks.length;
    await waitForText(page, '#colloquy >> button[data-action="new-comments"]', '1 new comment', { timeout: WAIT + 16 * LIVE });
    // Three more asks after the first answered one, the gaps between them far below the 16x wait.
    await eventually(() => assert.ok(asks.length >= recovered + 4, `${asks.length - recovered} asks since`), { timeout: WAIT + 16 * LIVE });
    const after = asks.slice(recovered + 1, recovered + 4).map(([t], k) => t - asks[recovered + k][0]);
    assert.ok(Math.min(...after) < 8 * LIVE, `asks since the server answered again: gaps ${after} ms`);
    t.diagnostic(`gaps once the server answered again: ${after.join(', ')} ms`);
  });
});
