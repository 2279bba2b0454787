// Shared by the browser tests: headless Debian Chromium through playwright-core, and a
// `colloquy serve` on a random free port.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const build = {
  native: process.env.COLLOQUY_NATIVE_BUILD || path.join(repo, 'build/native'),
  wasm: process.env.COLLOQUY_WASM_BUILD || path.join(repo, 'build/wasm'),
};

// axe-core, to run in a page (`page.evaluate(axeSource)`): it audits open shadow roots too.
export const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// The schemes a widget meets: light and dark forced, and auto on a light and on a dark blog, each
// read by a reader whose own preference is the other one. `options` are the test page's: the
// widget's data-theme, the reader's colour scheme (`os`) and the page's own style.
export const SCHEMES = [
  { name: 'light', options: { theme: 'light' }, expect: 'light' },
  { name: 'dark', options: { theme: 'dark', os: 'dark' }, expect: 'dark' },
  { name: 'auto: a dark-OS reader on a light blog', options: { os: 'dark', style: 'body { background: #f4f1ea; } main { background: #fff; }' }, expect: 'light' },
  { name: 'auto: a light-OS reader on a dark blog', options: { os: 'light', style: 'body { background: #121212; color: #eee; }' }, expect: 'dark' },
];

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // The machine's network is closed: keep Chromium from dialling out at start.
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

// Starts `colloquy serve` and resolves once it prints its URL. `port`: restart a server on the
// same origin (a browser's storage is per origin).
export async function startServer(extra = [], { port: fixedPort } = {}) {
  const port = fixedPort || await freePort();
  const args = ['serve', '--port', String(port), '--root', path.join(repo, 'examples/seed'),
    '--widget', path.join(build.wasm, 'widget'),
    '--comments', path.join(repo, 'examples/seed/comments.json'), ...extra];
  // Each server gets a fresh SQLite database (seeded from comments.json) unless a test brings one.
  const scratch = extra.includes('--db') ? null : mkdtempSync(path.join(tmpdir(), 'colloquy-'));
  if (scratch) args.push('--db', path.join(scratch, 'test.db'));
  const child = spawn(path.join(build.native, 'examples/colloquy'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start:\n' + log)), WAIT);
    child.stdout.on('data', (d) => { log += d; if (log.includes('http://')) { clearTimeout(timer); resolve(); } });
    child.stderr.on('data', (d) => { log += d; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${log}`)); });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => { child.removeAllListeners('exit'); child.on('exit', resolve); child.kill('SIGTERM'); })
      .then(() => { if (scratch) rmSync(scratch, { recursive: true, force: true }); }),
  };
}

// Runs `fn(server)` against a fresh `colloquy serve`; closes the browser's pages first on the
// way out, so the server is not left waiting on their keep-alive connections.
export async function withServer(browser, extra, fn) {
  const server = await startServer(extra);
  try {
    return await fn(server);
  } finally {
    for (const context of browser.contexts()) for (const page of context.pages()) await page.close();
    await server.stop();
  }
}

// ---- Waiting for what a test asserts --------------------------------------------------------
// Every check that follows an action (a click, a fill, a reload, a network answer) waits for the
// state it asserts, never for a fixed time and never "at once": on a busy machine any step may
// take seconds. WAIT bounds each wait (Playwright's own waits default to 30 s as well); a state
// that never comes fails with the last assertion that did not hold.
export const WAIT = Number(process.env.COLLOQUY_TEST_WAIT_MS) || 30000;

// Posts a comment to a reference server as another client would (no browser); returns its id.
export async function postComment(server, body) {
  const r = await fetch(server.url + '/api/comments', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await r.text();
  assert.equal(r.status, 201, `POST answered ${r.status}: ${text}`);
  return JSON.parse(text).id;
}

// Runs `check` (async; it throws, usually an assertion, while the state is not there yet) until it
// returns without throwing, and returns its value. Past `timeout` ms the last failure is thrown.
export async function eventually(check, { timeout = WAIT, interval = 50 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() >= deadline) {
        if (e && typeof e.message === 'string') e.message += ` (still so after waiting ${timeout} ms)`;
        throw e;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, interval)); // the polling interval
  }
}

// Waits until `selector` (Playwright's: `#colloquy >> div.comment` pierces the widget's open
// shadow root) matches exactly `n` elements.
export function waitForCount(page, selector, n, options) {
  return eventually(async () => assert.equal(await page.locator(selector).count(), n, `number of ${selector}`), options);
}

// Waits until the first element matching `selector` has the text `expected` (a string: exactly;
// a RegExp: matching), and returns that text.
export function waitForText(page, selector, expected, options) {
  return eventually(async () => {
    const [text] = await page.locator(selector).allTextContents();
    assert.notEqual(text, undefined, `nothing matches ${selector}`);
    if (expected instanceof RegExp) assert.match(text, expected, selector);
    else assert.equal(text, expected, selector);
    return text;
  }, options);
}

// Waits until the element behind `handle` (from page.$) has left the document: the widget
// replaced or removed it, so the action that should do so has been handled.
export function waitForDetached(page, handle, options) {
  return page.waitForFunction((el) => !el.isConnected, handle, { timeout: WAIT, ...options });
}

// Waits until a compose form has caught up with what was typed: its debounced input handler
// (100 ms after the last keystroke) has shown the text in the live preview, or hidden the preview
// for a blank text. The preview opens between the fields and the Post button and pushes the
// button down: a click whose press lands before that and whose release lands after it does not
// submit. `form`: a Playwright selector for one form.compose.
export async function waitForPreview(page, form) {
  const element = await page.waitForSelector(form, { timeout: WAIT });
  await page.waitForFunction((f) => {
    const plain = (s) => s.replace(/[*_`\\]/g, '').replace(/\s+/g, ' ').trim(); // markup aside
    const text = f.elements.text.value;
    const box = f.querySelector('.preview');
    if (!/\S/.test(text)) return box.hidden;
    return !box.hidden && plain(box.querySelector('.body').textContent) === plain(text);
  }, element, { timeout: WAIT });
}

// Posts a compose form the way a reader does once the form has settled: clicks its Post button.
export async function clickPost(page, form) {
  await waitForPreview(page, form);
  await page.click(`${form} button[type="submit"]`);
}
