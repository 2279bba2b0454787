// Colloquy behind nginx, as examples/nginx/colloquy.conf deploys it: Debian's nginx (a throw-away
// instance in a temporary prefix, on a free port) serves the seed page and the widget files and
// proxies /api/ to `colloquy serve --trust-proxy`. The seed page and posting, checked inside the
// shadow root through nginx; the widget files' encodings and headers checked on the wire.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { launch, build, repo, clickPost } from './support.mjs';
import { NGINX, nginxAvailable, brotliStaticAvailable, colloquyConf, freePort, startNginx, startColloquy }
  from '../../examples/nginx/nginx.mjs';

const skip = nginxAvailable() ? false : `${NGINX} is missing (tests/setup.sh installs nginx-light)`;
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const SEED_THREAD = '/2010/09/24/nato-russia-council';
const SEED_BYLINES = ['Mary D. in Kansas writes:', 'Ron in New York writes:', 'Gaspar in Kenya writes:'];
const WAIT = Number(process.env.COLLOQUY_TEST_WAIT_MS) || 30000; // every wait: generous, the machine is shared

let browser;
let scratch;
let colloquy;
let nginx;

// nginx with the example config in front of the running server; `widget`: the folder it serves.
async function nginxFor(widget) {
  const port = await freePort();
  return startNginx(colloquyConf({
    port, site: path.join(repo, 'examples/seed'), widget, upstream: `127.0.0.1:${colloquy.port}`,
  }), { port });
}

before(async () => {
  if (skip) return;
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-nginx-test-'));
  fs.chmodSync(scratch, 0o755); // nginx's workers (user nobody) read a widget copy from here
  colloquy = await startColloquy(['--trust-proxy', '--root', path.join(repo, 'examples/seed'),
    '--widget', path.join(build.wasm, 'widget'), '--db', path.join(scratch, 'c.db')]);
  nginx = await nginxFor(path.join(build.wasm, 'widget'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await nginx?.stop();
  await colloquy?.stop();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

// A page that records what must not happen: page errors, console errors and warnings, CSP
// violations.
async function open(url, prepare = () => {}) {
  const page = await browser.newPage();
  prepare(page);
  page.setDefaultTimeout(WAIT);
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto(url);
  return { page, problems, response };
}

// Waits until the widget's thread shows `n` comments, none of them still being sent, and
// returns them as the reader sees them.
async function thread(page, n) {
  await page.waitForFunction((count) => {
    const root = document.querySelector('#colloquy')?.shadowRoot;
    return root && root.querySelectorAll('.list > div.comment').length === count &&
      !root.querySelector('div.comment.sending, div.comment.unsent');
  }, n, { timeout: WAIT });
  return page.evaluate(() => [...document.querySelector('#colloquy').shadowRoot.querySelectorAll('.list > div.comment')]
    .map((a) => ({ id: a.dataset.id, depth: a.dataset.depth, byline: a.querySelector('.byline').textContent,
      body: a.querySelector('.body').textContent.trim(), state: a.querySelector('.state')?.textContent ?? null })));
}

async function clean(page, problems) {
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(problems, []);
}

// One GET on the wire, bytes as sent (no decoding), with the request headers given.
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('through nginx: the seed page shows the three seed comments and the story card, under the strict CSP', { skip }, async () => {
  const { page, problems, response } = await open(nginx.url + '/');
  assert.equal(response.status(), 200);
  assert.equal(response.headers().server, 'nginx', 'the page comes from nginx, not from colloquy serve');
  assert.equal(response.headers()['content-security-policy'], CSP);
  const seed = await thread(page, 3);
  assert.deepEqual(seed.map((c) => c.byline), SEED_BYLINES);
  assert.deepEqual(seed.map((c) => c.depth), ['0', '0', '0']);
  assert.equal(seed[0].body, 'Nice :)');
  await page.waitForFunction(() => document.querySelector('#colloquy').shadowRoot
    .querySelectorAll('section.stories[part="stories"] article.story-card').length === 3, null, { timeout: WAIT });
  const card = await page.evaluate(() => {
    const c = document.querySelector('#colloquy').shadowRoot.querySelector('article.story-card');
    return { title: c.querySelector('h3').textContent, link: c.querySelector('h3 a').href,
      radius: getComputedStyle(c).borderTopLeftRadius };
  });
  assert.equal(card.title, 'DipNote: The Week in Review');
  assert.equal(card.link, 'https://blogs.state.gov/stories/2011/03/07/dipnote-week-review');
  assert.equal(card.radius, '4px', 'the widget stylesheet (served by nginx) applies inside the shadow root');
  await clean(page, problems);
  await page.close();
});

test('through nginx: a posted comment goes through the proxy to colloquy serve, appears, and survives a reload', { skip }, async () => {
  const { page, problems } = await open(nginx.url + '/');
  await thread(page, 3);
  const posts = [];
  page.on('response', (r) => { if (r.request().method() === 'POST') posts.push({ status: r.status(), server: r.headers().server }); });
  const f = '#colloquy >> form.compose:not(.reply)';
  await page.fill(`${f} input[name="name"]`, 'Ada');
  await page.fill(`${f} input[name="location"]`, 'London, UK');
  await page.fill(`${f} textarea[name="text"]`, 'Posted through nginx');
  await clickPost(page, f); // once the preview has opened (it pushes the button down)
  let t = await thread(page, 4);
  assert.deepEqual(t.map((c) => c.byline), [...SEED_BYLINES, 'Ada in London writes:']);
  assert.equal(t[3].body, 'Posted through nginx');
  assert.equal(t[3].state, null);
  assert.deepEqual(posts.map((p) => p.status), [201], 'one post, stored (a 403 would mean the Host header was lost on the way)');
  // Stored by the server: asked directly and through nginx, the same comment.
  const direct = await (await fetch(`${colloquy.url}/api/comments?thread=${encodeURIComponent(SEED_THREAD)}`)).json();
  const proxied = await (await fetch(`${nginx.url}/api/comments?thread=${encodeURIComponent(SEED_THREAD)}`)).json();
  // The same thread; each answer links the feed at the origin it was asked at.
  assert.equal(proxied.feed, `//${new URL(nginx.url).host}/api/feed.atom?thread=${SEED_THREAD}`);
  assert.equal(direct.feed, `//${new URL(colloquy.url).host}/api/feed.atom?thread=${SEED_THREAD}`);
  assert.deepEqual({ ...proxied, feed: null }, { ...direct, feed: null });
  const mine = direct.comments.filter((c) => c.text === 'Posted through nginx');
  assert.equal(mine.length, 1);
  assert.equal(String(mine[0].id), t[3].id);
  await page.reload();
  t = await thread(page, 4);
  assert.deepEqual(t.map((c) => c.byline), [...SEED_BYLINES, 'Ada in London writes:']);
  assert.equal(t[3].body, 'Posted through nginx');
  assert.equal(t[3].id, String(mine[0].id));
  await clean(page, problems);
  await page.close();
});

test('through nginx: API errors nginx answers itself keep the server\'s JSON shape', { skip }, async () => {
  const big = JSON.stringify({ thread: SEED_THREAD, parent: null, author: { name: 'Big' }, text: 'x'.repeat(300000), clientId: 'big-1' });
  const r = await fetch(nginx.url + '/api/comments', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: big });
  assert.equal(r.status, 413);
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.equal((await r.json()).error.code, 'body_too_large');
  const ok = await fetch(`${nginx.url}/api/comments?thread=${encodeURIComponent(SEED_THREAD)}`);
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).comments.filter((c) => c.text.startsWith('xxx')).length, 0);
});

test('widget files through nginx: precompressed .br and .gz, cache headers, CORS and CORP; the page works with them', { skip }, async () => {
  // A copy of the built widget with FILE.gz and FILE.br next to each file, as a release ships it.
  const widget = path.join(scratch, 'widget');
  fs.mkdirSync(widget);
  const originals = {};
  const shipped = fs.readdirSync(path.join(build.wasm, 'widget')).filter((f) => /^colloquy(-[a-z]+)?\.(js|css|wasm)$/.test(f) && f !== 'colloquy-static.css');
  for (const name of shipped) {
    const bytes = fs.readFileSync(path.join(build.wasm, 'widget', name));
    originals[name] = bytes;
    fs.writeFileSync(path.join(widget, name), bytes);
    fs.writeFileSync(path.join(widget, name + '.gz'), zlib.gzipSync(bytes, { level: 9 }));
    fs.writeFileSync(path.join(widget, name + '.br'), zlib.brotliCompressSync(bytes));
  }
  fs.writeFileSync(path.join(widget, '.secret'), 'not for the web');
  fs.chmodSync(widget, 0o755);
  const front = await nginxFor(widget);
  try {
    const wasm = `${front.url}/colloquy/colloquy.wasm`;
    const plain = await get(wasm);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-type'], 'application/wasm');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(plain.body.equals(originals['colloquy.wasm']));
    assert.equal(plain.headers['cache-control'], 'no-cache');
    assert.equal(plain.headers['access-control-allow-origin'], '*');
    assert.equal(plain.headers['cross-origin-resource-policy'], 'cross-origin');
    assert.equal(plain.headers['x-content-type-options'], 'nosniff');
    const gz = await get(wasm, { 'Accept-Encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.match(gz.headers.vary, /Accept-Encoding/);
    assert.ok(zlib.gunzipSync(gz.body).equals(originals['colloquy.wasm']));
    assert.ok(gz.body.length < plain.body.length / 2);
    if (brotliStaticAvailable()) {
      const br = await get(wasm, { 'Accept-Encoding': 'gzip, deflate, br' });
      assert.equal(br.headers['content-encoding'], 'br');
      assert.match(br.headers.vary, /Accept-Encoding/);
      assert.ok(zlib.brotliDecompressSync(br.body).equals(originals['colloquy.wasm']));
    } else {
      console.log(`# brotli_static not tested: ${'libnginx-mod-http-brotli-static'} is not installed`);
    }
    const versioned = await get(`${front.url}/colloquy/colloquy.js?v=01234567`, { 'Accept-Encoding': 'gzip' });
    assert.equal(versioned.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(versioned.headers['content-encoding'], 'gzip');
    assert.equal((await get(`${front.url}/colloquy/colloquy.js?v=latest`)).headers['cache-control'], 'no-cache');
    assert.equal((await get(`${front.url}/colloquy/.secret`)).status, 404);
    assert.equal((await get(`${front.url}/colloquy/colloquy.css`)).headers['content-type'], 'text/css');

    // The page runs on the precompressed files: each widget file comes as .br or .gz, whichever
    // the browser asked for (Chromium offers br to loopback origins, gzip to plain http ones).
    const responses = [];
    const { page, problems } = await open(front.url + '/', (p) => p.on('response', (r) => {
      if (r.url().includes('/colloquy/')) responses.push(r);
    }));
    const stored = await (await fetch(`${front.url}/api/comments?thread=${encodeURIComponent(SEED_THREAD)}`)).json();
    const t = await thread(page, stored.comments.length);
    assert.deepEqual(t.map((c) => c.byline).slice(0, 3), SEED_BYLINES);
    const files = [];
    for (const r of responses) {
      const offered = (await r.request().allHeaders())['accept-encoding'] || '';
      const expected = /\bbr\b/.test(offered) && brotliStaticAvailable() ? 'br' : /\bgzip\b/.test(offered) ? 'gzip' : undefined;
      assert.equal(r.headers()['content-encoding'], expected, `${r.url()} for Accept-Encoding: ${offered}`);
      files.push(new URL(r.url()).pathname);
    }
    // The seed page shows Latest Stories: their script and module come too.
    assert.deepEqual(files.sort(), ['/colloquy/colloquy-stories.js', '/colloquy/colloquy-stories.wasm', '/colloquy/colloquy.css', '/colloquy/colloquy.js', '/colloquy/colloquy.wasm']);
    await clean(page, problems);
    await page.close();
  } finally {
    await front.stop();
  }
});
