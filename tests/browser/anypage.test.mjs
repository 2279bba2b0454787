// Any page: one plain script tag, no data-* at all, mounts the widget (browser-storage mode) at
// #colloquy, or in a container right after the script; a script in <head> waits for <body>;
// two script tags with their own data-target give two widgets; whatever cannot be honoured is
// said in one [colloquy] warning. Pages are served on the test server's origin by routes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

async function open(server, head, body) {
  const page = await browser.newPage();
  const watch = { errors: [], warnings: [] };
  page.on('pageerror', (e) => watch.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') watch.errors.push(`console: ${m.text()}`);
    if (m.type() === 'warning' && m.text().startsWith('[colloquy]')) watch.warnings.push(m.text());
  });
  await page.route('**/any.html', (route) => route.fulfill({
    status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Any page</title>${head}</head>
<body><h1>A blog post</h1><p>Text.</p>${body}<footer>Footer</footer></body></html>`,
  }));
  await page.goto(server.url + '/any.html');
  return { page, watch };
}

// The widgets on the page: where each host sits and whether it shows the compose form.
const hosts = (page) => page.evaluate(() => [...document.querySelectorAll('*')].filter((e) => e.shadowRoot)
  .map((e) => ({ id: e.id, parent: e.parentElement.tagName, prev: e.previousElementSibling?.tagName ?? null,
    next: e.nextElementSibling?.tagName ?? null, form: !!e.shadowRoot.querySelector('form.compose') })));
// Waits (polling, 10 s at most) for a condition on what the test has recorded.
async function until(check, ms = 10000) {
  for (const end = Date.now() + ms; !check() && Date.now() < end;) await new Promise((r) => setTimeout(r, 25));
}
const SCRIPT = '<script src="/colloquy/colloquy.js" defer></script>';

test('a plain script tag with no data-* mounts at #colloquy', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, '', `<div id="colloquy"></div>${SCRIPT}`);
    await page.waitForSelector('#colloquy >> form.compose', { timeout: 10000 });
    assert.deepEqual((await hosts(page)).map((h) => [h.id, h.form]), [['colloquy', true]]);
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(watch.warnings, []);
    await page.close();
  });
});

test('a host page that makes every div a flex box (div { display: flex !important }) does not squeeze the widget', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, '<link rel="stylesheet" href="/flex.css">', `<div id="colloquy"></div>${SCRIPT}`);
    // The page again, now with its stylesheet (the first load, by open(), had none to fetch).
    await page.route('**/flex.css', (route) => route.fulfill({ status: 200, contentType: 'text/css', body: 'div { display: flex !important; }' }));
    watch.errors.length = 0;
    await page.goto(server.url + '/any.html');
    await page.waitForSelector('#colloquy >> form.compose', { timeout: 10000 });
    const widths = await page.evaluate(() => {
      const host = document.querySelector('#colloquy');
      return { flex: getComputedStyle(host).display, host: host.getBoundingClientRect().width,
        frame: host.shadowRoot.querySelector('.colloquy').getBoundingClientRect().width };
    });
    assert.equal(widths.flex, 'flex', 'the host page did make the mount element a flex box');
    assert.ok(Math.abs(widths.frame - widths.host) < 1, `the widget ${widths.frame}px wide in a host of ${widths.host}px`);
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});

test('with no #colloquy, the widget mounts in a container right after its script', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, '', `<p>Before</p>${SCRIPT}<p>After</p>`);
    await page.waitForSelector('#colloquy >> form.compose', { timeout: 10000 });
    const h = await hosts(page);
    assert.equal(h.length, 1);
    assert.deepEqual([h[0].id, h[0].parent, h[0].prev, h[0].next], ['colloquy', 'BODY', 'SCRIPT', 'P']);
    assert.equal(await page.evaluate(() => document.querySelector('#colloquy').previousElementSibling.src.endsWith('colloquy.js')), true);
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});

test('a script in <head> waits for the document and mounts in <body>', async () => {
  await withServer(browser, [], async (server) => {
    for (const script of [SCRIPT, '<script src="/colloquy/colloquy.js"></script>']) {
      const { page, watch } = await open(server, script, '');
      await page.waitForSelector('#colloquy >> form.compose', { timeout: 10000 });
      const h = await hosts(page);
      assert.deepEqual(h.map((x) => [x.id, x.parent, x.form]), [['colloquy', 'BODY', true]], script);
      assert.equal(await page.evaluate(() => document.head.querySelector('#colloquy')), null);
      assert.deepEqual(watch.errors, []);
      await page.close();
    }
  });
});

test('a module script tag (type="module", no currentScript) mounts after itself and loads from its own folder', async () => {
  await withServer(browser, [], async (server) => {
    const module = '<script type="module" src="/colloquy/colloquy.js?x=1" data-theme="dark"></script>';
    const { page, watch } = await open(server, '', `<p>Before</p>${module}<p>After</p>`);
    await page.waitForSelector('#colloquy >> form.compose', { timeout: 10000 });
    const h = await hosts(page);
    assert.deepEqual(h.map((x) => [x.id, x.parent, x.prev, x.next]), [['colloquy', 'BODY', 'SCRIPT', 'P']]);
    // Its data-* are read from its own tag.
    assert.equal(await page.evaluate(() => document.querySelector('#colloquy').shadowRoot.querySelector('.colloquy').dataset.theme), 'dark');
    // Something that only comes when needed (posting's script, at the first focus) comes from the script's folder.
    await page.locator('#colloquy textarea').focus();
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => /\/colloquy\/colloquy-act\.js/.test(e.name)), null, { timeout: 10000 });
    // Every widget file the page asked for, from the first, came from /colloquy/ and was there.
    const asked = await page.evaluate(() => performance.getEntriesByType('resource')
      .filter((e) => /\/colloquy[^/]*\.(js|css|wasm)/.test(new URL(e.name).pathname)).map((e) => [new URL(e.name).pathname, e.responseStatus]));
    assert.ok(asked.length >= 4, JSON.stringify(asked));
    assert.deepEqual(asked.filter(([file, status]) => !file.startsWith('/colloquy/') || status >= 400), []);
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(watch.warnings, []);
    await page.close();
  });
});

test('two script tags with their own data-target give two widgets', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, '',
      `<div id="one"></div><div id="two"></div>
<script src="/colloquy/colloquy.js" defer data-target="#one" data-thread="/one"></script>
<script src="/colloquy/colloquy.js" defer data-target="#two" data-thread="/two"></script>`);
    await page.waitForSelector('#one >> form.compose', { timeout: 10000 });
    await page.waitForSelector('#two >> form.compose', { timeout: 10000 });
    assert.deepEqual((await hosts(page)).map((h) => h.id), ['one', 'two']);
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(watch.warnings, []);
    await page.close();
  });
});

test('what cannot be honoured is said, once each, in a [colloquy] warning', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, '',
      `<div id="colloquy"></div>
<script src="/colloquy/colloquy.js" defer data-target="#missing" data-theme="purple"></script>
<script src="/colloquy/colloquy.js" defer data-target="#colloquy"></script>
<script src="/colloquy/colloquy.js" defer data-target="#colloquy"></script>`);
    await page.waitForSelector('#colloquy >> form.compose', { timeout: 10000 });
    await page.waitForSelector('#missing >> form.compose', { timeout: 10000 });
    // Three things could not be honoured: a target that matches nothing (a container is made),
    // an unknown theme, and a second widget on one element.
    await until(() => watch.warnings.length >= 3);
    assert.equal(watch.warnings.length, 3, watch.warnings.join('\n'));
    assert.match(watch.warnings.join('\n'), /#missing/);
    assert.match(watch.warnings.join('\n'), /purple/);
    assert.match(watch.warnings.join('\n'), /already holds a widget/);
    assert.equal(await page.evaluate(() => document.querySelector('#missing').previousElementSibling.tagName), 'SCRIPT');
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});

test('options the core cannot honour (sort, language, numbers out of range) are named in one warning each', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, '',
      `<div id="colloquy"></div>
<script src="/colloquy/colloquy.js" defer data-sort="sideways" data-locale="tlh" data-summary-length="5"
  data-page-size="-3" data-relative-days="abc" data-timezone="+99:00"></script>`);
    await page.waitForSelector('#colloquy >> form.compose', { timeout: 10000 });
    await until(() => watch.warnings.length >= 6);
    // Re-sorting renders again: nothing is said twice.
    await page.selectOption('#colloquy >> select[name="sort"]', 'newest');
    await page.waitForFunction(() => document.querySelector('#colloquy').shadowRoot.querySelector('select[name="sort"]').value === 'newest');
    await page.evaluate(() => Colloquy.mount(document.querySelector('#colloquy'), {}).ready);
    const w = watch.warnings.join('\n');
    assert.equal(watch.warnings.length, 6, w);
    assert.match(w, /sort "sideways"/);
    assert.match(w, /locale "tlh"/);
    assert.match(w, /summaryLength "5"/);
    assert.match(w, /pageSize "-3" is not a usable number/);
    assert.match(w, /relativeDays "abc" is not a usable number/);
    assert.match(w, /timeZone "\+99:00"/);
    // The defaults are used: English, oldest first.
    assert.equal(await page.textContent('#colloquy >> form.compose h3'), 'Leave a comment');
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});

test('data-mount="manual" leaves mounting to the page (Colloquy.mount)', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, '',
      `<div id="colloquy"></div><div id="mine"></div><script src="/colloquy/colloquy.js" defer data-mount="manual"></script>`);
    await page.waitForFunction(() => window.Colloquy && document.readyState === 'complete');
    await page.evaluate(() => Colloquy.mount(document.querySelector('#mine'), { thread: '/manual' }).ready);
    await page.waitForSelector('#mine >> form.compose', { timeout: 10000 });
    assert.deepEqual((await hosts(page)).map((h) => h.id), ['mine']);
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(watch.warnings, []);
    await page.close();
  });
});
