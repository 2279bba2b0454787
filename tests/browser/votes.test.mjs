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
    .querySelectorAll(`div.comment[data-id="${i}"] button[data-action="vote"]`)]
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
    await waitForCount(page, '#colloquy >> div.comment', 1);
    const id = await page.getAttribute('#colloquy >> div.comment', 'data-id');
    const up = `#colloquy >> div.comment[data-id="${id}"] button[data-vote="up"]`;
    const down = `#colloquy >> div.comment[data-id="${id}"] button[data-vote="down"]`;
    await page.click(up);
    await eventually(async () => assert.deepEqual(await votes(page, id), [['true', '1', 'Upvote the comment by Anonymous, 1'], ['false', '0', 'Downvote the comment by Anonymous, 0']]));
    await page.click(down);
    await eventually(async () => assert.deepEqual(await votes(page, id), [['false', '0', 'Upvote the comment by Anonymous, 0'], ['true', '1', 'Downvote the comment by Anonymous, 1']]));
    await page.reload();
    await waitForCount(page, '#colloquy >> div.comment', 1);
    await eventually(async () => assert.deepEqual(await votes(page, id), [['false', '0', 'Upvote the comment by Anonymous, 0'], ['true', '1', 'Downvote the comment by Anonymous, 1']]));
    await page.click(down); // the same vote again removes it
    await eventually(async () => assert.deepEqual(await votes(page, id), [['false', '0', 'Upvote the comment by Anonymous, 0'], ['false', '0', 'Downvote the comment by Anonymous, 0']]));
    await page.reload();
    await waitForCount(page, '#colloquy >> div.comment', 1);
    await eventually(async () => assert.deepEqual(await votes(page, id), [['false', '0', 'Upvote the comment by Anonymous, 0'], ['false', '0', 'Downvote the comment by Anonymous, 0']]));
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
    await waitForCount(page, '#colloquy >> div.comment', 3);
    const before = await votes(page, 'c2'); // the seed: 5 up, 1 down
    assert.deepEqual(before, [['false', '5', 'Upvote the comment by Ron, 5'], ['false', '1', 'Downvote the comment by Ron, 1']]);

    // Shown at once, then the server's counts (someone else voted meanwhile).
    answer = { comment: 'c2', votes: { up: 7, down: 1 }, mine: 1 };
    await page.click('#colloquy >> div.comment[data-id="c2"] button[data-vote="up"]');
    await eventually(async () => assert.deepEqual(await votes(page, 'c2'), [['true', '6', 'Upvote the comment by Ron, 6'], ['false', '1', 'Downvote the comment by Ron, 1']]));
    await eventually(() => assert.equal(typeof release, 'function'));
    release();
    await eventually(async () => assert.deepEqual(await votes(page, 'c2'), [['true', '7', 'Upvote the comment by Ron, 7'], ['false', '1', 'Downvote the comment by Ron, 1']]));
    assert.equal(sent[0].thread, '/2010/09/24/nato-russia-council');
    assert.equal(sent[0].comment, 'c2');
    assert.equal(sent[0].vote, 1);
    assert.ok(sent[0].voter.length >= 8 && sent[0].voter.length <= 128);

    // A failure puts the buttons back as they were and says so.
    answer = null;
    release = null;
    await page.click('#colloquy >> div.comment[data-id="c2"] button[data-vote="down"]');
    await eventually(async () => assert.deepEqual(await votes(page, 'c2'), [['false', '6', 'Upvote the comment by Ron, 6'], ['true', '2', 'Downvote the comment by Ron, 2']]));
    await eventually(() => assert.equal(typeof release, 'function'));
    release();
    await eventually(async () => {
      assert.deepEqual(await votes(page, 'c2'), [['true', '7', 'Upvote the comment by Ron, 7'], ['false', '1', 'Downvote the comment by Ron, 1']]);
      assert.equal(await page.evaluate(() => document.querySelector('#colloquy').shadowRoot.querySelector('.announce').textContent),
        'Your vote could not be saved.');
    });
    assert.equal(sent[1].vote, -1);
    assert.equal(sent[1].voter, sent[0].voter, 'one voter id, kept');

    // Kept for the next visit: the thread renders this reader's vote pressed.
    await page.reload();
    await waitForCount(page, '#colloquy >> div.comment', 3);
    await eventually(async () => assert.equal((await votes(page, 'c2'))[0][0], 'true'));
    assert.deepEqual(errors, []);
    await page.close();
  });
});

// The avatar of each comment shown, in order (null for none): its classes and what the
// stylesheet made of them (computed size, background-image and colour; rem: the page's rem).
function avatars(page) {
  return page.evaluate(() => [...document.querySelector('#colloquy').shadowRoot.querySelectorAll('div.comment')].map((c) => {
    const a = c.querySelector(':scope > .avatar');
    if (!a) return null;
    const s = getComputedStyle(a), box = a.getBoundingClientRect();
    return { byline: c.querySelector('.byline').textContent.trim(), tag: a.localName, classes: [...a.classList],
      hidden: a.getAttribute('aria-hidden'), children: a.childNodes.length, image: s.backgroundImage, color: s.color,
      size: [s.width, s.height, box.width, box.height], rem: parseFloat(getComputedStyle(document.documentElement).fontSize) };
  }));
}

// An avatar is the core's span, drawn: 2rem square, five row gradients whose filled cells are
// the ones its av-<row><column> classes name (column 0 at both edges, 1 beside them, 2 the
// middle), in the hue its av-h<n> class names (n × 15°).
function assertDrawn(a) {
  assert.equal(a.tag, 'span');
  assert.equal(a.hidden, 'true');
  assert.equal(a.children, 0);
  assert.equal(a.classes[0], 'avatar');
  const hues = a.classes.filter((c) => /^av-h\d+$/.test(c));
  assert.equal(hues.length, 1, `one hue: ${a.classes}`);
  const hue = Number(hues[0].slice(4));
  assert.ok(hue >= 0 && hue <= 23, hues[0]);
  const cells = a.classes.filter((c) => /^av-[a-e][0-2]$/.test(c));
  assert.ok(cells.length >= 1, `a filled cell at least: ${a.classes}`);
  assert.equal(1 + hues.length + cells.length, a.classes.length, `no other class: ${a.classes}`);
  const px = `${2 * a.rem}px`;
  assert.deepEqual(a.size, [px, px, 2 * a.rem, 2 * a.rem], 'a 2rem square');
  const rows = a.image.split('linear-gradient(').slice(1);
  assert.equal(rows.length, 5, `five gradients: ${a.image}`);
  const transparent = (c) => c === 'transparent' || /^rgba\(.*,\s*0\)$/.test(c);
  [...'abcde'].forEach((row, k) => {
    // The row's colour stops (a stop's position is at least the one before it), then the colour
    // in the middle of each of the five cells: the first stop at or past it, else the last.
    const stops = [];
    for (const [, colour, at, unit] of rows[k].matchAll(/(rgba?\([^)]*\)|hsla?\([^)]*\)|currentcolor|transparent)(?:\s+(-?[\d.]+)(%|px))?/gi)) {
      const pos = at === undefined ? undefined : unit === '%' ? Number(at) : (Number(at) / (2 * a.rem)) * 100;
      stops.push({ colour, pos: Math.max(pos ?? (stops.length ? stops.at(-1).pos : 0), stops.length ? stops.at(-1).pos : 0) });
    }
    assert.ok(stops.length >= 5, `row ${row}: ${rows[k]}`);
    const cellColours = [10, 30, 50, 70, 90].map((x) => (stops.find((st) => st.pos >= x) ?? stops.at(-1)).colour);
    const filled = [0, 1, 2, 1, 0].map((col) => cells.includes(`av-${row}${col}`));
    assert.deepEqual(cellColours.map((c) => !transparent(c)), filled, `row ${row}: ${rows[k]}`);
    cellColours.filter((c) => !transparent(c)).forEach((c) => assert.equal(c, a.color, `row ${row}: filled in the avatar's colour`));
  });
  // The colour: the hue the class names, saturated (not the text's grey or black).
  const [r, g, b] = a.color.match(/[\d.]+/g).map(Number).map((v) => v / 255);
  const max = Math.max(r, g, b), min = Math.min(r, g, b);
  assert.ok(max - min > 0.3, `a saturated colour: ${a.color}`);
  let h = max === r ? (g - b) / (max - min) : max === g ? 2 + (b - r) / (max - min) : 4 + (r - g) / (max - min);
  h = (h * 60 + 360) % 360;
  const off = Math.abs(h - hue * 15);
  assert.ok(Math.min(off, 360 - off) <= 2, `${a.color} is hue ${h}, ${hues[0]} names ${hue * 15}`);
}

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
    // Two comments by one author and one by another: the same author, the same avatar.
    const form = '#colloquy >> form.compose:not(.reply)';
    const posts = [['Mary D.', 'Kansas, USA', 'With or without votes'], ['Mary D.', 'Kansas, USA', 'Mary again'], ['Ron', '', 'Ron here']];
    for (const [k, [name, location, text]] of posts.entries()) {
      await page.fill(`${form} input[name="name"]`, name);
      await page.fill(`${form} input[name="location"]`, location);
      await page.fill(`${form} textarea[name="text"]`, text);
      await clickPost(page, form);
      await waitForCount(page, '#colloquy >> div.comment:not([data-client-id])', k + 1);
    }
    await waitForCount(page, '#colloquy >> div.comment', 3);
    await waitForCount(page, '#colloquy >> div.comment button[data-action="vote"]', 6);
    await waitForCount(page, '#colloquy >> div.comment > span.avatar', 3);
    // Drawn once the stylesheet is in (the widget adopts it).
    const shown = await eventually(async () => {
      const all = await avatars(page);
      assert.equal(all.length, 3);
      all.forEach(assertDrawn);
      return all;
    });
    const of = (who) => shown.filter((a) => a.byline.startsWith(who)).map((a) => a.classes);
    assert.equal(of('Mary D.').length, 2, JSON.stringify(shown.map((a) => a.byline)));
    assert.deepEqual(of('Mary D.')[0], of('Mary D.')[1], 'the same author, the same avatar');
    assert.equal(of('Ron').length, 1);
    assert.notDeepEqual(of('Ron')[0], of('Mary D.')[0], 'another author, another avatar');
    await page.goto(server.url + '/options-off.html'); // the same thread, kept in this browser
    await waitForCount(page, '#colloquy >> div.comment', 3);
    await waitForCount(page, '#colloquy >> div.comment button[data-action="reply"]', 3);
    await waitForCount(page, '#colloquy >> div.comment button[data-action="vote"]', 0);
    await waitForCount(page, '#colloquy >> div.comment .avatar', 0);
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
    await waitForCount(page, '#colloquy >> div.comment', 80);
    await eventually(async () => assert.equal((await votes(page, 'k77'))[0][0], 'true'));
    await waitForCount(page, '#colloquy >> div.comment[data-id="k78"] button[data-action="edit"]', 1);
    await waitForCount(page, '#colloquy >> div.comment button[data-action="edit"]', 1);
    await waitForCount(page, '#colloquy >> div.comment button[data-vote="up"][aria-pressed="true"]', 1);
    await waitForCount(page, '#colloquy >> .avatar', 0);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
