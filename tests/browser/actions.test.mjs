// A reader's own comments, end to end against the reference server (`colloquy serve`, SQLite):
// the server answers a post with an edit token that the widget keeps, and Edit and Delete show
// on that comment while its window is open (DESIGN §8). Edit: a form holding the comment's text,
// checked like a post, sent as PATCH; the comment shows the new text and "edited", and the
// server has it. Delete: an inline confirmation, then DELETE; the comment becomes the
// placeholder when it has replies, and goes when it has none. A closed window, a wrong token or
// no network: a message in the reader's language, and the text stays. The browser-storage mode
// does the same on the thread this browser keeps. Votes end to end: counts from the server,
// pressed buttons from this browser's record, two voters in two browsers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually, waitForCount, waitForText, waitForDetached, clickPost, waitForPreview, postComment, WAIT } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const W = '#colloquy >> ';
const bottom = `${W}form.compose:not(.reply)`;
const article = (id) => `${W}div.comment[data-id="${id}"]`;
const editForm = (id) => `${W}form.compose.edit[data-edit="${id}"]`;

// A page of the server's origin with the widget on `thread` (`comments`: false for the
// browser-storage mode), in `context` (a browser of its own: its own storage, its own voter).
async function open(server, thread, { comments = true, context = browser, locale = 'en', pageSize = '' } = {}) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A refused or failed request is logged by the browser itself; the widget's own errors are not expected.
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text()); });
  await page.route('**/actions.html', (route) => route.fulfill({
    status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP },
    body: `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>Actions</title></head><body>
<h1>A post</h1><div id="colloquy"></div>
<script src="/colloquy/colloquy.js" defer data-thread="${thread}" ${comments ? 'data-comments="/api/comments"' : ''}
  data-load="eager" data-live="off" data-page-size="${pageSize}"></script></body></html>`,
  }));
  await page.goto(server.url + '/actions.html');
  await page.waitForSelector(`${bottom} textarea[name="text"]`, { timeout: WAIT });
  return { page, errors };
}

// Posts from the bottom form; resolves with the stored comment's id once the server's copy is
// shown (with its Edit button: the token is kept).
async function post(page, text, name = 'Zoe') {
  const before = await page.locator(`${W}div.comment:not([data-client-id])`).count();
  await page.fill(`${bottom} input[name="name"]`, name);
  await page.fill(`${bottom} textarea[name="text"]`, text);
  await clickPost(page, bottom);
  await waitForCount(page, `${W}div.comment:not([data-client-id])`, before + 1);
  const id = await eventually(async () => {
    const ids = await page.locator(`${W}div.comment:not([data-client-id])`).evaluateAll((as, t) =>
      as.filter((a) => a.querySelector('.body').textContent.includes(t)).map((a) => a.dataset.id), text);
    assert.equal(ids.length, 1, `one comment reads ${text}`);
    return ids[0];
  });
  await page.waitForSelector(`${article(id)} button[data-action="edit"]`, { timeout: WAIT });
  return id;
}

// The server's copy of comment `id` of `thread` (undefined when it does not list it).
async function stored(server, thread, id) {
  const r = await fetch(`${server.url}/api/comments?thread=${encodeURIComponent(thread)}`);
  assert.equal(r.status, 200);
  return (await r.json()).comments.find((c) => String(c.id) === id);
}

// What has the focus inside the widget: "comment <id>" (the comment itself, role=article),
// "<data-action> button", "textarea", ….
function focused(page) {
  return page.evaluate(() => {
    const el = document.querySelector('#colloquy').shadowRoot.activeElement;
    if (!el) return 'nothing';
    if (el.matches('div.comment[role="article"]')) return `comment ${el.dataset.id}`;
    if (el.matches('button[data-action]')) return `${el.dataset.action} button`;
    return el.tagName.toLowerCase();
  });
}

// Edits comment `id` to `text` through its edit form (opened unless it is open already).
async function edit(page, id, text) {
  if (await page.locator(editForm(id)).count() === 0) await page.click(`${article(id)} button[data-action="edit"]`);
  await page.waitForSelector(`${editForm(id)} textarea[name="text"]`, { timeout: WAIT });
  await page.fill(`${editForm(id)} textarea[name="text"]`, text);
  await waitForPreview(page, editForm(id));
  await page.click(`${editForm(id)} button[type="submit"]`);
}

test('post, edit and delete one\'s own comment against the reference server', async () => {
  await withServer(browser, [], async (server) => {
    const thread = '/actions/edit-delete';
    const { page, errors } = await open(server, thread);
    const a = await post(page, 'First version of A');

    // Edit: the form holds the comment's text; Escape closes it and gives the comment back.
    await page.click(`${article(a)} button[data-action="edit"]`);
    assert.equal(await page.inputValue(`${editForm(a)} textarea[name="text"]`), 'First version of A');
    assert.equal(await focused(page), 'textarea');
    assert.equal(await page.locator(article(a)).isHidden(), true);
    await page.fill(`${editForm(a)} textarea[name="text"]`, 'Not kept');
    await page.keyboard.press('Escape');
    await waitForCount(page, editForm(a), 0);
    assert.equal(await focused(page), 'edit button');
    await waitForText(page, `${article(a)} .body`, /First version of A/);

    // Checked like a post: an empty text is refused by the field, nothing is sent.
    let patches = 0;
    page.on('request', (r) => { if (r.method() === 'PATCH') patches++; });
    await page.click(`${article(a)} button[data-action="edit"]`);
    await page.fill(`${editForm(a)} textarea[name="text"]`, '   ');
    await page.click(`${editForm(a)} button[type="submit"]`);
    await waitForText(page, `${editForm(a)} .error[data-for="text"]`, 'Please write a comment.');
    assert.equal(patches, 0);

    await edit(page, a, 'Second *version* of A');
    await waitForText(page, `${article(a)} .body`, /^\s*Second version of A\s*$/);
    await page.waitForSelector(`${article(a)} .edited .date[data-datetime]`, { timeout: WAIT });
    await waitForCount(page, editForm(a), 0);
    assert.equal(await focused(page), `comment ${a}`);
    await waitForText(page, `${W}.announce`, 'Comment updated');
    const server1 = await stored(server, thread, a);
    assert.equal(server1.text, 'Second *version* of A');
    assert.ok(server1.edited, 'the server marks it edited');
    // Sorting again renders from the thread the widget holds: the edit is in it.
    await page.selectOption(`${W}select[name="sort"]`, 'newest');
    await waitForText(page, `${article(a)} .body`, /Second version of A/);

    // Another comment of this reader's, and a reply to A from someone else; after a reload
    // both of this reader's comments still have Edit and Delete (the tokens are kept), the
    // reply has none.
    const b = await post(page, 'B, with no replies');
    const reply = await postComment(server, { thread, parent: a, author: { name: 'Ron' }, text: 'A reply to A', clientId: 'other-client-1' });
    await page.reload();
    await waitForCount(page, `${W}div.comment`, 3);
    await waitForCount(page, `${W}button[data-action="edit"]`, 2);
    assert.equal(await page.locator(`${article(reply)} button[data-action="delete"]`).count(), 0);

    // Delete asks first, in the comment; Escape takes the question back, focus on Delete.
    await page.click(`${article(b)} button[data-action="delete"]`);
    await page.waitForSelector(`${article(b)} .confirm[role="group"]`, { timeout: WAIT });
    assert.equal(await page.getAttribute(`${article(b)} .confirm`, 'aria-label'), 'Delete this comment?');
    assert.equal(await focused(page), 'keep button');
    await page.keyboard.press('Escape');
    await waitForCount(page, `${article(b)} .confirm`, 0);
    assert.equal(await focused(page), 'delete button');

    // A with a reply: the placeholder, which keeps the reply.
    await page.click(`${article(a)} button[data-action="delete"]`);
    await page.click(`${article(a)} .confirm button[data-action="confirm-delete"]`);
    await page.waitForSelector(`${article(a)}.deleted`, { timeout: WAIT });
    await waitForText(page, `${article(a)} .byline`, 'This comment was deleted.');
    assert.equal(await page.locator(`${article(a)} button[data-action="edit"]`).count(), 0);
    assert.equal(await focused(page), `comment ${a}`);
    await waitForCount(page, article(reply), 1);
    assert.equal((await stored(server, thread, a))?.status ?? 'deleted', 'deleted');
    assert.equal((await stored(server, thread, reply)).text, 'A reply to A');

    // B without replies: gone, the focus on a neighbour, the count down to the reply alone.
    await page.click(`${article(b)} button[data-action="delete"]`);
    await page.click(`${article(b)} .confirm button[data-action="confirm-delete"]`);
    await waitForCount(page, article(b), 0);
    assert.match(await focused(page), /^comment /);
    await waitForText(page, `${W}section.comments > header h2`, '1 Comment');
    await waitForText(page, `${W}.announce`, 'Comment deleted');
    assert.equal((await stored(server, thread, b))?.status ?? 'deleted', 'deleted');
    await page.reload();
    await waitForCount(page, `${W}div.comment`, 2);
    await page.waitForSelector(`${article(a)}.deleted`, { timeout: WAIT });
    assert.equal(await page.locator(article(b)).count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

test('a closed window, a wrong token and a lost network say why and keep the text', async () => {
  // A window of 4 s: long enough to open the form, short enough to wait out.
  await withServer(browser, ['--edit-window', '4'], async (server) => {
    const thread = '/actions/refused';
    const { page, errors } = await open(server, thread);
    const c = await post(page, 'C as first written');
    await page.click(`${article(c)} button[data-action="edit"]`);
    await page.fill(`${editForm(c)} textarea[name="text"]`, 'C too late');
    await waitForPreview(page, editForm(c));
    // Waits for the window to close (the end the server gave, on the browser's clock).
    const until = await page.evaluate(() => Object.values(JSON.parse(Object.entries(localStorage)
      .find(([k]) => k.startsWith('colloquy:edits:'))[1]))[0].until);
    await page.waitForFunction((u) => Date.now() > u + 500, until, { timeout: WAIT });
    await page.click(`${editForm(c)} button[type="submit"]`);
    await waitForText(page, `${editForm(c)} .error[data-for=""]`, 'The time for changing this comment is over.');
    assert.equal(await page.inputValue(`${editForm(c)} textarea[name="text"]`), 'C too late');
    assert.equal((await stored(server, thread, c)).text, 'C as first written');
    // Cancel gives the comment back, without its Edit and Delete now.
    await page.click(`${editForm(c)} button[data-action="cancel"]`);
    await waitForCount(page, editForm(c), 0);
    await waitForCount(page, `${article(c)} button[data-action="edit"]`, 0);
    await waitForCount(page, `${article(c)} button[data-action="delete"]`, 0);
    assert.deepEqual(errors, []);
    await page.close();
  });
  await withServer(browser, [], async (server) => {
    const thread = '/actions/wrong-token';
    const { page, errors } = await open(server, thread);
    const d = await post(page, 'D as first written');
    // No network: nothing changed, "could not be saved", the text stays; then it goes through.
    await page.route('**/api/comments/**', (route) => route.abort('internetdisconnected'));
    await edit(page, d, 'D offline');
    await waitForText(page, `${editForm(d)} .error[data-for=""]`, 'Your change could not be saved. Please try again.');
    assert.equal(await page.inputValue(`${editForm(d)} textarea[name="text"]`), 'D offline');
    await page.unroute('**/api/comments/**');
    await page.click(`${editForm(d)} button[type="submit"]`);
    await waitForText(page, `${article(d)} .body`, /D offline/);
    assert.equal((await stored(server, thread, d)).text, 'D offline');
    // Another token than the server's: refused (bad_token), nothing changes.
    await page.evaluate(() => {
      const [key, value] = Object.entries(localStorage).find(([k]) => k.startsWith('colloquy:edits:'));
      const all = JSON.parse(value);
      Object.values(all).forEach((r) => { r.token = 'not-the-token'; });
      localStorage.setItem(key, JSON.stringify(all));
    });
    await edit(page, d, 'D by someone else');
    await waitForText(page, `${editForm(d)} .error[data-for=""]`, 'This comment can no longer be changed from this browser.');
    assert.equal(await page.inputValue(`${editForm(d)} textarea[name="text"]`), 'D by someone else');
    await page.keyboard.press('Escape');
    await page.click(`${article(d)} button[data-action="delete"]`);
    await page.click(`${article(d)} .confirm button[data-action="confirm-delete"]`);
    await waitForText(page, `${article(d)} .confirm .error`, 'This comment can no longer be changed from this browser.');
    const kept = await stored(server, thread, d);
    assert.equal(kept.text, 'D offline');
    assert.equal(kept.status ?? 'published', 'published');
    assert.deepEqual(errors, []);
    await page.close();
  });
});

// A paged thread: what the widget learns (its post, the edit's answer) joins the server's pages
// it holds, and the core reads them as one thread. Another sort asks the server again in that
// order (its first page and its cursor), where the edit is as saved; "Load more" brings the rest,
// the reader's comment once, as the server has it.
test('in a paged thread, an edit joins the pages held; a new sort pages in that order; Load more brings the rest once', async () => {
  await withServer(browser, ['--rate-limit', '0'], async (server) => {
    const thread = '/actions/paged';
    for (const name of ['T0', 'T1', 'T2']) await postComment(server, { thread, author: { name }, text: name + ' starts', clientId: `paged-${name}-0000-0000` });
    const { page, errors } = await open(server, thread, { pageSize: 2 });
    const bodies = () => page.locator(`${W}div.comment .body`).evaluateAll((bs) => bs.map((b) => b.textContent.trim()));
    const heading = `${W}section.comments > header > h2`;
    await eventually(async () => assert.deepEqual(await bodies(), ['T0 starts', 'T1 starts']));
    // The heading counts the thread (the server's total), not the two threads on show.
    await waitForText(page, heading, /^3 Comments$/);
    const m = await post(page, 'Mine, first');
    await waitForText(page, heading, /^4 Comments$/);
    await edit(page, m, 'Mine, *edited*');
    await waitForText(page, `${article(m)} .body`, /^\s*Mine, edited\s*$/);
    await eventually(async () => assert.deepEqual(await bodies(), ['T0 starts', 'T1 starts', 'Mine, edited']));
    await waitForText(page, heading, /^4 Comments$/);
    // Sorted again, two threads a page: the server's newest two, the edit as it saved it.
    await page.selectOption(`${W}select[name="sort"]`, 'newest');
    await eventually(async () => assert.deepEqual(await bodies(), ['Mine, edited', 'T2 starts']));
    await page.selectOption(`${W}select[name="sort"]`, 'oldest');
    await eventually(async () => assert.deepEqual(await bodies(), ['T0 starts', 'T1 starts']));
    await page.click(`${W}button[data-action="more"][data-cursor]`);
    await eventually(async () => assert.deepEqual(await bodies(), ['T0 starts', 'T1 starts', 'T2 starts', 'Mine, edited']));
    await waitForCount(page, `${W}button[data-action="more"]`, 0);
    await waitForText(page, heading, /^4 Comments$/);
    assert.equal(await page.locator(`${article(m)} button[data-action="edit"]`).count(), 1);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

// With --moderate a new comment awaits approval: nobody else sees it, and its author sees it
// marked "Awaiting moderation", with Edit and Delete like any of their comments. An edit keeps
// it pending (and shown so, after a reload and a sort too); a delete takes it away for good.
test('a comment awaiting moderation: its author edits it (still pending) and deletes it', async () => {
  const TOKEN = 'moderator-token-1';
  await withServer(browser, ['--moderate', '--admin-token', TOKEN, '--admin-rate-limit', '0'], async (server) => {
    const thread = '/actions/pending';
    const awaiting = async () => {
      const r = await fetch(`${server.url}/api/admin/pending?thread=${encodeURIComponent(thread)}`, { headers: { Authorization: 'Bearer ' + TOKEN } });
      assert.equal(r.status, 200);
      return (await r.json()).comments;
    };
    const { page, errors } = await open(server, thread);
    const p = await post(page, 'Pending, as first written');
    await page.waitForSelector(`${article(p)}.pending`, { timeout: WAIT });
    await waitForText(page, `${article(p)} .state`, 'Awaiting moderation');
    await waitForCount(page, `${article(p)} button[data-action="delete"]`, 1);
    assert.equal(await stored(server, thread, p), undefined, 'listed for nobody');

    // Edit: the form holds its text; saved, it is still pending, with the new text.
    await page.click(`${article(p)} button[data-action="edit"]`);
    assert.equal(await page.inputValue(`${editForm(p)} textarea[name="text"]`), 'Pending, as first written');
    await edit(page, p, 'Pending, *edited*');
    await waitForText(page, `${article(p)} .body`, /^\s*Pending, edited\s*$/);
    await page.waitForSelector(`${article(p)}.pending .edited .date[data-datetime]`, { timeout: WAIT });
    await waitForText(page, `${article(p)} .state`, 'Awaiting moderation');
    assert.equal(await focused(page), `comment ${p}`);
    const [held] = await awaiting();
    assert.equal(held.text, 'Pending, *edited*');
    assert.equal(held.status, 'pending');
    assert.equal(await stored(server, thread, p), undefined, 'still listed for nobody');

    // A reload and another sort show it as it is now, pending, once, with Edit and Delete.
    await page.reload();
    await waitForText(page, `${article(p)} .body`, /Pending, edited/);
    await page.waitForSelector(`${article(p)}.pending button[data-action="edit"]`, { timeout: WAIT });
    const before = await page.$(article(p));
    await page.selectOption(`${W}select[name="sort"]`, 'newest');
    await waitForDetached(page, before); // the thread rendered again, in the new order
    await eventually(async () => {
      assert.equal(await page.locator(article(p)).count(), 1);
      assert.match(await page.locator(`${article(p)} .body`).textContent(), /Pending, edited/);
      assert.equal(await page.locator(`${article(p)}.pending button[data-action="delete"]`).count(), 1);
    });
    await page.click(`${article(p)} button[data-action="edit"]`);
    assert.equal(await page.inputValue(`${editForm(p)} textarea[name="text"]`), 'Pending, *edited*');
    await page.keyboard.press('Escape');
    await waitForCount(page, editForm(p), 0);

    // Delete: gone from the page and from the moderators' queue, and after a reload.
    await page.click(`${article(p)} button[data-action="delete"]`);
    await page.click(`${article(p)} .confirm button[data-action="confirm-delete"]`);
    await waitForCount(page, article(p), 0);
    await waitForText(page, `${W}.announce`, 'Comment deleted');
    assert.deepEqual(await awaiting(), []);
    await page.reload();
    await page.waitForSelector(`${bottom} textarea[name="text"]`, { timeout: WAIT });
    // Posting has done its work after the render (the remembered name is in the form): it shows
    // the reader's pending comments that it keeps, and there is none.
    await eventually(async () => assert.equal(await page.inputValue(`${bottom} input[name="name"]`), 'Zoe'));
    assert.equal(await page.locator(article(p)).count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

// With --moderate an author's edit of a published comment waits for approval. Meanwhile other
// readers see the comment in its place, awaiting moderation, with neither text nor name, and
// its reply under it, not lifted to the top as an orphan; approved, the new text shows.
test('an edit awaiting moderation keeps the comment\'s place and its replies; approved, it shows', async () => {
  const TOKEN = 'moderator-token-2';
  await withServer(browser, ['--moderate', '--admin-token', TOKEN, '--admin-rate-limit', '0'], async (server) => {
    const thread = '/actions/remoderated';
    const approve = async (id, edited = null) => {
      const r = await fetch(`${server.url}/api/admin/moderate`, {
        method: 'POST', headers: { Authorization: 'Bearer ' + TOKEN, 'Content-Type': 'application/json' },
        body: JSON.stringify({ thread, id, action: 'approve', edited }),
      });
      assert.equal(r.status, 200, await r.text());
    };
    const author = await open(server, thread);
    const p = await post(author.page, 'First words, approved');
    await approve(p);
    const r = await postComment(server, { thread, parent: p, author: { name: 'Ron', location: 'NY' }, text: 'An answer to it', clientId: 'remoderated-reply-1' });
    await approve(r);
    await author.page.reload();
    await waitForText(author.page, `${article(p)} .body`, /First words, approved/);
    await author.page.waitForSelector(`${article(p)} button[data-action="edit"]`, { timeout: WAIT });
    await edit(author.page, p, 'Second words, not read yet');
    await waitForText(author.page, `${article(p)} .state`, 'Awaiting moderation');
    // Its author, after a reload, still reads the edit they made, awaiting moderation.
    await author.page.reload();
    await waitForText(author.page, `${article(p)} .body`, /Second words, not read yet/);
    await waitForText(author.page, `${article(p)} .state`, 'Awaiting moderation');
    assert.equal(await author.page.locator(`${article(r)}`).getAttribute('data-depth'), '1');
    await author.page.click(`${article(p)} button[data-action="edit"]`);
    assert.equal(await author.page.inputValue(`${editForm(p)} textarea[name="text"]`), 'Second words, not read yet');
    await author.page.keyboard.press('Escape');
    await waitForCount(author.page, editForm(p), 0);

    // Another reader: the comment in its place, awaiting moderation, saying nothing unread; the
    // reply right after it, one level down.
    const reader = await open(server, thread);
    await reader.page.waitForSelector(`${article(r)}`, { timeout: WAIT });
    await waitForText(reader.page, `${article(p)} .state`, 'Awaiting moderation');
    const shown = await reader.page.locator(`${W}div.comment`).evaluateAll((as) =>
      as.map((a) => ({ id: a.dataset.id, depth: a.dataset.depth, pending: a.classList.contains('pending'), body: a.querySelector('.body').textContent.trim(), byline: a.querySelector('.byline').textContent })));
    assert.deepEqual(shown.map((c) => [c.id, c.depth]), [[p, '0'], [r, '1']]);
    assert.equal(shown[0].pending, true);
    assert.equal(shown[0].body, '');
    assert.doesNotMatch(shown[0].byline, /Zoe/);
    assert.equal(shown[1].body, 'An answer to it');
    assert.doesNotMatch(await reader.page.locator('#colloquy').evaluate((el) => el.shadowRoot.textContent), /Second words|First words/);

    // Approved (the version read): both readers see the new text, the reply still under it.
    const queue = await (await fetch(`${server.url}/api/admin/pending?thread=${encodeURIComponent(thread)}`, { headers: { Authorization: 'Bearer ' + TOKEN } })).json();
    assert.equal(queue.comments.length, 1);
    await approve(p, queue.comments[0].edited);
    await reader.page.reload();
    await waitForText(reader.page, `${article(p)} .body`, /Second words, not read yet/);
    assert.equal(await reader.page.locator(`${article(p)}.pending`).count(), 0);
    assert.equal(await reader.page.locator(`${article(r)}`).getAttribute('data-depth'), '1');
    // Its author's copy is forgotten once the server lists the comment published.
    await author.page.reload();
    await waitForText(author.page, `${article(p)} .body`, /Second words, not read yet/);
    await eventually(async () => assert.equal(await author.page.evaluate(() =>
      Object.keys(localStorage).filter((k) => k.startsWith('colloquy:pending:') && localStorage.getItem(k) !== 'null').length), 0));
    assert.equal(await author.page.locator(`${article(p)}.pending`).count(), 0);
    assert.deepEqual(author.errors, []);
    assert.deepEqual(reader.errors, []);
    await author.page.close();
    await reader.page.close();
  });
});

test('browser-storage mode: the reader edits and deletes the comments this browser keeps', async () => {
  await withServer(browser, [], async (server) => {
    const thread = '/actions/local';
    const { page, errors } = await open(server, thread, { comments: false, locale: 'fr' });
    const e = await post(page, 'Premier jet');
    await edit(page, e, 'Second *jet*');
    await waitForText(page, `${article(e)} .body`, /Second jet/);
    await page.waitForSelector(`${article(e)} .edited .date[data-datetime]`, { timeout: WAIT });
    await page.reload();
    await waitForText(page, `${article(e)} .body`, /Second jet/);
    await page.waitForSelector(`${article(e)} .edited .date[data-datetime]`, { timeout: WAIT });
    await page.click(`${article(e)} button[data-action="delete"]`);
    assert.equal(await page.getAttribute(`${article(e)} .confirm`, 'aria-label'), 'Supprimer ce commentaire\u202F?');
    await page.click(`${article(e)} .confirm button[data-action="confirm-delete"]`);
    await waitForCount(page, `${W}div.comment`, 0);
    assert.equal(await focused(page), 'textarea'); // nothing left: the comment form
    await page.reload();
    await page.waitForSelector(`${bottom} textarea[name="text"]`, { timeout: WAIT });
    assert.equal(await page.locator(`${W}div.comment`).count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

// The vote buttons of comment `id`: [aria-pressed, count] for up, then down.
function votes(page, id) {
  return page.locator(`${article(id)} button[data-action="vote"]`).evaluateAll((bs) =>
    bs.map((b) => [b.getAttribute('aria-pressed'), b.textContent.replace(/^\D+/, '')]));
}
async function serverVotes(server, id) {
  const c = await stored(server, '/2010/09/24/nato-russia-council', id);
  return [c.votes.up, c.votes.down];
}

test('votes end to end: vote, change, remove, reload, and two voters in two browsers', async () => {
  await withServer(browser, [], async (server) => {
    const thread = '/2010/09/24/nato-russia-council'; // seeded: c1 has 3 up, 0 down
    const one = await browser.newContext();
    const two = await browser.newContext();
    const { page, errors } = await open(server, thread, { context: one });
    await waitForCount(page, `${W}div.comment`, 3);
    const up = `${article('c1')} button[data-vote="up"]`, down = `${article('c1')} button[data-vote="down"]`;
    await page.click(up);
    await eventually(async () => assert.deepEqual(await serverVotes(server, 'c1'), [4, 0]));
    await eventually(async () => assert.deepEqual(await votes(page, 'c1'), [['true', '4'], ['false', '0']]));
    await page.click(down); // changed
    await eventually(async () => assert.deepEqual(await serverVotes(server, 'c1'), [3, 1]));
    await eventually(async () => assert.deepEqual(await votes(page, 'c1'), [['false', '3'], ['true', '1']]));
    await page.reload();
    await eventually(async () => assert.deepEqual(await votes(page, 'c1'), [['false', '3'], ['true', '1']]));

    // A second reader, in a browser of their own, votes up: the server counts both.
    const other = await open(server, thread, { context: two });
    await waitForCount(other.page, `${W}div.comment`, 3);
    assert.deepEqual(await votes(other.page, 'c1'), [['false', '3'], ['false', '1']]);
    await other.page.click(up);
    await eventually(async () => assert.deepEqual(await serverVotes(server, 'c1'), [4, 1]));
    await eventually(async () => assert.deepEqual(await votes(other.page, 'c1'), [['true', '4'], ['false', '1']]));

    // The first reader removes their vote (the same button again), and after a reload sees the
    // server's counts with nothing pressed.
    await page.reload();
    await eventually(async () => assert.deepEqual(await votes(page, 'c1'), [['false', '4'], ['true', '1']]));
    await page.click(down);
    await eventually(async () => assert.deepEqual(await serverVotes(server, 'c1'), [4, 0]));
    await page.reload();
    await eventually(async () => assert.deepEqual(await votes(page, 'c1'), [['false', '4'], ['false', '0']]));
    await other.page.reload();
    await eventually(async () => assert.deepEqual(await votes(other.page, 'c1'), [['true', '4'], ['false', '0']]));
    assert.deepEqual(errors, []);
    assert.deepEqual(other.errors, []);
    await one.close();
    await two.close();
  });
});
