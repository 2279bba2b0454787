// Comment counts on index pages (web/colloquy-count.js): the seed blog's index page against the
// reference server, long pages split into batches (one failing), every language's plural forms,
// and the browser-storage mode, where the counts are those of the threads this browser keeps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually, waitForCount, clickPost } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

// An index page of `threads`, each link reading "Comments" until its count is in, served at
// /index-page.html on the server's origin by a route (the count script comes from the server).
async function routeIndex(page, threads, scriptAttributes, lang = 'en') {
  const links = threads.map((t) => `<p><a href="${t}#comments" data-colloquy-count="${t}">Comments</a></p>`).join('\n');
  await page.route('**/index-page.html', (route) => route.fulfill({
    status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP },
    body: `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Index</title></head><body>
${links}
<script src="/colloquy/colloquy-count.js" defer ${scriptAttributes}></script></body></html>`,
  }));
}

// Opens a page recording what must not happen (page errors, CSP violations) and every request.
async function open() {
  const page = await browser.newPage();
  const watch = { errors: [], requests: [] };
  page.on('pageerror', (e) => watch.errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => watch.requests.push(new URL(r.url())));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { page, watch };
}

function linkTexts(page) {
  return page.$$eval('[data-colloquy-count]', (links) => links.map((a) => a.textContent));
}

const isCounts = (url) => url.pathname === '/api/comments/counts';

function countRequests(watch) {
  return watch.requests.filter(isCounts);
}

async function postComment(page, thread, text, clientId) {
  const status = await page.evaluate(async ([t, x, id]) => (await fetch('/api/comments', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ thread: t, author: { name: 'Ivy' }, text: x, clientId: id }),
  })).status, [thread, text, clientId]);
  assert.equal(status, 201);
}

test('the seed index page shows every post\'s count from one request, and loads no module', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open();
    await page.goto(server.url + '/posts.html');
    await eventually(async () => assert.deepEqual(await linkTexts(page), ['3 Comments', '0 Comments', '0 Comments', '0 Comments']));
    await postComment(page, '/2011/03/04/after-lisbon', 'A first comment', 'count-browser-1');
    await postComment(page, '/2011/02/25/town-hall', 'Another', 'count-browser-2');
    await postComment(page, '/2011/03/04/after-lisbon', 'A second one', 'count-browser-3');
    watch.requests.length = 0;
    await page.reload();
    await eventually(async () => assert.deepEqual(await linkTexts(page), ['3 Comments', '0 Comments', '1 Comment', '2 Comments']));
    const asked = countRequests(watch);
    assert.equal(asked.length, 1, 'one request for every thread on the page');
    assert.deepEqual(asked[0].searchParams.getAll('thread'), ['/2010/09/24/nato-russia-council',
      '/2011/02/11/photo-essay', '/2011/02/25/town-hall', '/2011/03/04/after-lisbon']);
    // The links still lead to the posts; nothing of the widget was fetched.
    assert.equal(await page.getAttribute('[data-colloquy-count]', 'href'), '/#comments');
    assert.deepEqual(watch.requests.filter((u) => /colloquy(-post)?\.(js|wasm|css)$/.test(u.pathname)), []);
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
    await page.close();
  });
});

test('150 threads go in two requests; when one fails, its links keep the page\'s text', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open();
    const threads = Array.from({ length: 150 }, (_, i) => `/2012/posts/${i}`);
    await routeIndex(page, [...threads, threads[3], '', 'x'.repeat(600)], 'data-comments="/api/comments" data-locale="fr"');
    // The request that carries the last thread fails; the other one is answered by the server.
    await page.route(isCounts, (route) => new URL(route.request().url()).searchParams.getAll('thread').includes(threads[149])
      ? route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"storage_unavailable"}}' })
      : route.continue());
    const warnings = [];
    page.on('console', (m) => { if (m.type() === 'warning' && m.text().startsWith('[colloquy]')) warnings.push(m.text()); });
    await page.goto(server.url + '/index-page.html');
    await eventually(() => assert.equal(countRequests(watch).length, 2));
    const [first, second] = countRequests(watch).map((u) => u.searchParams.getAll('thread'));
    assert.equal(first.length, 100);
    assert.deepEqual([...first, ...second], threads, 'each thread asked for once; empty and over-long ids not at all');
    await eventually(async () => {
      const texts = await linkTexts(page);
      assert.deepEqual(texts.slice(0, 100), Array(100).fill('0 commentaire'));
      assert.deepEqual(texts.slice(100, 150), Array(50).fill('Comments'));
      assert.deepEqual(texts.slice(150), ['0 commentaire', 'Comments', 'Comments']);
      assert.equal(warnings.length, 1);
    });
    assert.match(warnings[0], /^\[colloquy\] comment counts not loaded from .*\/api\/comments\/counts: HTTP 503$/);
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});

test('counts read in every built-in language with its plural rules; a hostile answer changes nothing', async () => {
  await withServer(browser, [], async (server) => {
    const numbers = [0, 1, 2, 5, 11, 21, 22, 111, 1000000];
    const answer = Object.fromEntries(numbers.map((n) => [`/n/${n}`, n]));
    answer['/n/bad'] = '<img src=x onerror=alert(1)>';
    answer['/n/negative'] = -4;
    answer['/n/fraction'] = 2.5;
    const threads = [...numbers.map((n) => `/n/${n}`), '/n/bad', '/n/negative', '/n/fraction', '/n/missing'];
    const expected = {
      'data-locale="ru"': ['0 комментариев', '1 комментарий', '2 комментария', '5 комментариев', '11 комментариев',
        '21 комментарий', '22 комментария', '111 комментариев', '1000000 комментариев'],
      'data-locale="fr-CA"': ['0 commentaire', '1 commentaire', '2 commentaires', '5 commentaires', '11 commentaires',
        '21 commentaires', '22 commentaires', '111 commentaires', '1000000 de commentaires'],
      'data-locale="es"': ['0 comentarios', '1 comentario', '2 comentarios', '5 comentarios', '11 comentarios',
        '21 comentarios', '22 comentarios', '111 comentarios', '1000000 de comentarios'],
      '': ['0 Kommentare', '1 Kommentar', '2 Kommentare', '5 Kommentare', '11 Kommentare', '21 Kommentare',
        '22 Kommentare', '111 Kommentare', '1000000 Kommentare'], // the page's lang="de"
      'data-locale="xx"': ['0 Comments', '1 Comment', '2 Comments', '5 Comments', '11 Comments', '21 Comments',
        '22 Comments', '111 Comments', '1000000 Comments'],
    };
    for (const [attribute, texts] of Object.entries(expected)) {
      const { page, watch } = await open();
      await routeIndex(page, threads, `data-comments="/api/comments" ${attribute}`, 'de');
      await page.route(isCounts, (route) => route.fulfill({
        status: 200, contentType: 'application/json', body: JSON.stringify({ counts: answer }),
      }));
      await page.goto(server.url + '/index-page.html');
      await eventually(async () => assert.deepEqual(await linkTexts(page), [...texts, 'Comments', 'Comments', 'Comments', 'Comments'], attribute));
      assert.equal(await page.locator('img').count(), 0);
      assert.deepEqual(watch.errors, []);
      await page.close();
    }
  });
});

test('browser-storage mode: the counts are those of the threads this browser keeps', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open();
    // A post page with no comments server: the widget keeps its thread in this browser.
    await page.route('**/local-post.html', (route) => route.fulfill({
      status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP },
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Post</title></head><body>
<div id="colloquy"></div><script src="/colloquy/colloquy.js" defer data-thread="/local/kept"></script></body></html>`,
    }));
    await page.goto(server.url + '/local-post.html');
    for (const text of ['Kept here', 'And here']) {
      await page.fill('#colloquy >> form.compose:not(.reply) textarea[name="text"]', text);
      await clickPost(page, '#colloquy >> form.compose:not(.reply)');
    }
    await waitForCount(page, '#colloquy >> div.comment', 2);
    await routeIndex(page, ['/local/kept', '/local/never-written'], '');
    watch.requests.length = 0;
    await page.goto(server.url + '/index-page.html');
    await eventually(async () => assert.deepEqual(await linkTexts(page), ['2 Comments', '0 Comments']));
    assert.deepEqual(countRequests(watch), [], 'no server asked');
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});
