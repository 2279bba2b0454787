// Votes from the widget: shown at once (aria-pressed, counts), changed and removed, kept across
// reloads; in the browser-storage mode the browser's thread keeps them; with a comments server
// they are sent as POST <comments>/votes (DESIGN §8, answered here by a route standing in for
// the server), reconciled with its answer, and undone with a message when it fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually, waitForCount, clickPost } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

// The vote buttons of comment `id`: [pressed, text] for up, then down.
function votes(page, id) {
  return page.evaluate((i) => [...document.querySelector('#colloquy').shadowRoot
    .querySelectorAll(`article.comment[data-id="${i}"] button[data-action="vote"]`)]
    .map((b) => [b.getAttribute('aria-pressed'), b.textContent.replace(/^\D+/, ''), b.getAttribute('aria-label')]), id);
}

test('browser-storage mode: a vote shows at once, changes, goes, and is kept across reloads', async () => {
  await withServer(browser, [], async (server) => {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route('**/local-votes.html', (route) => route.fulfill({
      status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP },
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local</title></head><body>
<div id="colloquy"></div><script src="/colloquy/colloquy.js" defer data-thread="/local/votes"></script></body></html>`,
    }));
    await page.goto(server.url + '/local-votes.html');
    await page.fill('#colloquy >> form.compose:not(.reply) textarea[name="text"]', 'Vote on me');
    await clickPost(page, '#colloquy >> form.compose:not(.reply)');
    await waitForCount(page, '#colloquy >> article.comment', 1);
    const id = await page.getAttribute('#colloquy >> article.comment', 'data-id');
    const up = `#colloquy >> article.comment[data-id="${id}"] button[data-vote="up"]`;
    const down = `#colloquy >> article.comment[data-id="${id}"] button[data-vote="down"]`;
    await page.click(up);
    await eventually(async () => assert.deepEqual(await votes(page, id), [['true', '1', 'Upvote, 1'], ['false', '0', 'Downvote, 0']]));
    await page.click(down);
    await eventually(async () => assert.deepEqual(await votes(page, id), [['false', '0', 'Upvote, 0'], ['true', '1', 'Downvote, 1']]));
    await page.reload();
    await waitForCount(page, '#colloquy >> article.comment', 1);
    await eventually(async () => assert.deepEqual(await votes(page, id), [['false', '0', 'Upvote, 0'], ['true', '1', 'Downvote, 1']]));
    await page.click(down); // the same vote again removes it
    await eventually(async () => assert.deepEqual(await votes(page, id), [['false', '0', 'Upvote, 0'], ['false', '0', 'Downvote, 0']]));
    await page.reload();
    await waitForCount(page, '#colloquy >> article.comment', 1);
    await eventually(async () => assert.deepEqual(await votes(page, id), [['false', '0', 'Upvote, 0'], ['false', '0', 'Downvote, 0']]));
    assert.deepEqual(errors, []);
    await page.close();
  });
});

test('with a server: POST <comments>/votes under one voter id, the answer reconciled, a failure undone with a message', async () => {
  await withServer(browser, [], async (server) => {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const sent = [];
    let answer = null; // what the stand-in server answers next, or null: 503
    let release = null; // holds an answer back until the test has seen the vote shown at once
    await page.route((url) => url.pathname === '/api/comments/votes', async (route) => {
      sent.push(route.request().postDataJSON());
      await new Promise((resolve) => { release = resolve; });
      if (!answer) return route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"storage_unavailable","message":"down"}}' });
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(answer) });
    });
    await page.goto(server.url + '/');
    await waitForCount(page, '#colloquy >> article.comment', 3);
    const before = await votes(page, 'c2'); // the seed: 5 up, 1 down
    assert.deepEqual(before, [['false', '5', 'Upvote, 5'], ['false', '1', 'Downvote, 1']]);

    // Shown at once, then the server's counts (someone else voted meanwhile).
    answer = { comment: 'c2', votes: { up: 7, down: 1 }, mine: 1 };
    await page.click('#colloquy >> article.comment[data-id="c2"] button[data-vote="up"]');
    await eventually(async () => assert.deepEqual(await votes(page, 'c2'), [['true', '6', 'Upvote, 6'], ['false', '1', 'Downvote, 1']]));
    await eventually(() => assert.equal(typeof release, 'function'));
    release();
    await eventually(async () => assert.deepEqual(await votes(page, 'c2'), [['true', '7', 'Upvote, 7'], ['false', '1', 'Downvote, 1']]));
    assert.equal(sent[0].thread, '/2010/09/24/nato-russia-council');
    assert.equal(sent[0].comment, 'c2');
    assert.equal(sent[0].vote, 1);
    assert.ok(sent[0].voter.length >= 8 && sent[0].voter.length <= 128);

    // A failure puts the buttons back as they were and says so.
    answer = null;
    release = null;
    await page.click('#colloquy >> article.comment[data-id="c2"] button[data-vote="down"]');
    await eventually(async () => assert.deepEqual(await votes(page, 'c2'), [['false', '6', 'Upvote, 6'], ['true', '2', 'Downvote, 2']]));
    await eventually(() => assert.equal(typeof release, 'function'));
    release();
    await eventually(async () => {
      assert.deepEqual(await votes(page, 'c2'), [['true', '7', 'Upvote, 7'], ['false', '1', 'Downvote, 1']]);
      assert.equal(await page.evaluate(() => document.querySelector('#colloquy').shadowRoot.querySelector('.announce').textContent),
        'Your vote could not be saved.');
    });
    assert.equal(sent[1].vote, -1);
    assert.equal(sent[1].voter, sent[0].voter, 'one voter id, kept');

    // Kept for the next visit: the thread renders this reader's vote pressed.
    await page.reload();
    await waitForCount(page, '#colloquy >> article.comment', 3);
    await eventually(async () => assert.equal((await votes(page, 'c2'))[0][0], 'true'));
    assert.deepEqual(errors, []);
    await page.close();
  });
});

test('data-votes="off" and data-avatars="off": no vote buttons and no avatars; by default both are there', async () => {
  await withServer(browser, [], async (server) => {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const body = (extra) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Options</title></head><body>
<div id="colloquy"></div><script src="/colloquy/colloquy.js" defer data-thread="/local/options"${extra}></script></body></html>`;
    await page.route('**/options-off.html', (route) => route.fulfill({
      status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP }, body: body(' data-votes="off" data-avatars="off"'),
    }));
    await page.route('**/options-on.html', (route) => route.fulfill({
      status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP }, body: body(''),
    }));
    await page.goto(server.url + '/options-on.html');
    await page.fill('#colloquy >> form.compose:not(.reply) textarea[name="text"]', 'With or without votes');
    await clickPost(page, '#colloquy >> form.compose:not(.reply)');
    await waitForCount(page, '#colloquy >> article.comment', 1);
    await waitForCount(page, '#colloquy >> article.comment button[data-action="vote"]', 2);
    await waitForCount(page, '#colloquy >> article.comment svg.avatar', 1);
    await page.goto(server.url + '/options-off.html'); // the same thread, kept in this browser
    await waitForCount(page, '#colloquy >> article.comment', 1);
    await waitForCount(page, '#colloquy >> article.comment button[data-action="reply"]', 1);
    await waitForCount(page, '#colloquy >> article.comment button[data-action="vote"]', 0);
    await waitForCount(page, '#colloquy >> article.comment svg.avatar', 0);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

test('a long thread: the reader\'s vote, Edit on their own comment and data-avatars="off" hold beyond the first slice', async () => {
  await withServer(browser, [], async (server) => {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // 80 comments: the first slice shows a screen of them, the rest come in later slices.
    const comments = Array.from({ length: 80 }, (_, i) => ({ id: `k${i}`, author: { name: `Reader ${i}` }, created: 1285423380 + i * 60, text: `Comment ${i}` }));
    await page.route((url) => url.pathname === '/api/long', (route) => route.fulfill({
      status: 200, contentType: 'application/json', body: JSON.stringify({ thread: '/long', comments, next: null }),
    }));
    await page.route('**/long.html', (route) => route.fulfill({
      status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP },
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Long</title></head><body>
<div id="colloquy"></div><script src="/colloquy/colloquy.js" defer data-thread="/long" data-comments="/api/long"
 data-page-size="0" data-avatars="off" data-load="eager"></script></body></html>`,
    }));
    // What this browser kept from earlier visits: a vote on k77, and k78 posted here, its edit window open.
    await page.addInitScript((place) => {
      localStorage.setItem('colloquy:votes:' + place, JSON.stringify({ k77: 1 }));
      localStorage.setItem('colloquy:edits:' + place, JSON.stringify({ k78: { clientId: 'x', token: 't', until: Date.now() + 3600e3 } }));
    }, server.url + '/api/long\n/long');
    await page.goto(server.url + '/long.html');
    await waitForCount(page, '#colloquy >> article.comment', 80);
    await eventually(async () => assert.equal((await votes(page, 'k77'))[0][0], 'true'));
    await waitForCount(page, '#colloquy >> article.comment[data-id="k78"] button[data-action="edit"]', 1);
    await waitForCount(page, '#colloquy >> article.comment button[data-action="edit"]', 1);
    await waitForCount(page, '#colloquy >> article.comment button[data-vote="up"][aria-pressed="true"]', 1);
    await waitForCount(page, '#colloquy >> .avatar', 0);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
