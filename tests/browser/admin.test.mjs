// The moderation page (/admin) of `colloquy serve`, driven as a moderator uses it: sign in with
// the admin token, approve a pending comment, delete a published one and restore it, search,
// and read the audit log; the seed page's widget shows each result.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, launch, waitForCount, waitForText, withServer } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const thread = '/2010/09/24/nato-russia-council';
const token = 'moderator-secret-7f3a9c';

// The widget's comment ids on the seed page, in order, once it shows `n` of them.
async function widgetIds(server, n) {
  const page = await browser.newPage();
  try {
    await page.goto(server.url + '/');
    await waitForCount(page, '#colloquy >> div.comment', n);
    return await page.locator('#colloquy >> div.comment').evaluateAll((as) => as.map((a) => a.dataset.id));
  } finally {
    await page.close();
  }
}

// The item of the moderation page for comment `id`.
const item = (id) => `#threads .item[data-id="${id}"]`;

test('a moderator signs in, approves, deletes, restores and searches; the audit log lists each action', async () => {
  await withServer(browser, ['--moderate', '--admin-token', token, '--rate-limit', '0'], async (server) => {
    // A reader's comment waits for moderation.
    const posted = await fetch(server.url + '/api/comments', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ thread, parent: null, author: { name: 'Quentin <b>Q</b>', location: 'Oslo' },
        text: 'Waiting for a **moderator**', clientId: 'admin-test-1' }),
    });
    assert.equal(posted.status, 201);
    const pendingId = (await posted.json()).id;
    assert.deepEqual(await widgetIds(server, 3), ['c1', 'c2', 'c3']);

    const page = await browser.newPage();
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    const answer = await page.goto(server.url + '/admin');
    assert.match(answer.headers()['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; frame-ancestors 'none'/);

    // A wrong token is refused and nothing is shown.
    await page.fill('#sign-in input[name=token]', 'not-the-token');
    await page.click('#sign-in button[type=submit]');
    await waitForText(page, '#sign-in .error', 'The token was not accepted.');
    assert.equal(await page.locator('#console').isHidden(), true);
    problems.length = 0;  // Chromium logs the refused request (401) itself; nothing else may log

    // Signed in: the pending comment is listed, its text rendered by the core (markup applied,
    // the author's angle brackets as text).
    await page.fill('#sign-in input[name=token]', token);
    await page.click('#sign-in button[type=submit]');
    await waitForCount(page, item(pendingId), 1);
    assert.equal(await page.locator(`${item(pendingId)} .body strong`).textContent(), 'moderator');
    assert.match(await page.locator(`${item(pendingId)} .byline`).textContent(), /Quentin <b>Q<\/b>/);
    assert.equal(await page.locator(`${item(pendingId)} b`).count(), 0);

    // Approve: it leaves the pending list and the widget shows it.
    await page.click(`${item(pendingId)} button[data-action=approve]`);
    await waitForCount(page, item(pendingId), 0);
    await waitForText(page, '#message', `Approved ${pendingId} in ${thread}.`);
    assert.deepEqual(await widgetIds(server, 4), ['c1', 'c2', 'c3', pendingId]);

    // Delete a published comment, then restore it.
    await page.selectOption('#filter select[name=status]', 'published');
    await page.click('#filter button[type=submit]');
    await waitForCount(page, `${item('c2')} button[data-action=delete]`, 1);
    await page.click(`${item('c2')} button[data-action=delete]`);
    await waitForCount(page, item('c2'), 0);
    assert.deepEqual(await widgetIds(server, 3), ['c1', 'c3', pendingId]);
    await page.selectOption('#filter select[name=status]', 'deleted');
    await page.click('#filter button[type=submit]');
    await waitForCount(page, `${item('c2')} button[data-action=restore]`, 1);
    await page.click(`${item('c2')} button[data-action=restore]`);
    await waitForCount(page, item('c2'), 0);
    assert.deepEqual(await widgetIds(server, 4), ['c1', 'c2', 'c3', pendingId]);

    // Search by author and by text, any status.
    await page.selectOption('#filter select[name=status]', '');
    await page.fill('#filter input[name=q]', 'gaspar');
    await page.click('#filter button[type=submit]');
    await eventually(async () => assert.deepEqual(
      await page.locator('#threads .item').evaluateAll((is) => is.map((i) => i.dataset.id)), ['c3']));
    await page.fill('#filter input[name=q]', 'HUMAN SECURITY');
    await page.click('#filter button[type=submit]');
    await eventually(async () => assert.deepEqual(
      await page.locator('#threads .item').evaluateAll((is) => is.map((i) => i.dataset.id)), ['c2']));

    // The audit log: newest first, each action with its time and the moderator's address.
    const rows = await eventually(async () => {
      const r = await page.locator('#audit tbody tr').evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      assert.equal(r.length, 3);
      return r;
    });
    assert.deepEqual(rows.map((r) => [r[1], r[2], r[3], r[4], r[5]]), [
      ['127.0.0.1', 'restore', thread, 'c2', 'deleted → published'],
      ['127.0.0.1', 'delete', thread, 'c2', 'published → deleted'],
      ['127.0.0.1', 'approve', thread, pendingId, 'pending → published'],
    ]);
    for (const r of rows) {
      assert.match(r[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      assert.ok(Math.abs(Date.parse(r[0]) - Date.now()) < 10 * 60 * 1000, `time ${r[0]}`);
    }
    assert.deepEqual(problems, []);

    // Signing out forgets the token.
    await page.click('#sign-out');
    await eventually(async () => assert.equal(await page.evaluate(() => sessionStorage.length), 0));
    assert.equal(await page.locator('#console').isHidden(), true);
  });
});

test('without --admin-token there is no moderation page', async () => {
  await withServer(browser, [], async (server) => {
    const r = await fetch(server.url + '/admin');
    assert.equal(r.status, 404);
  });
});
