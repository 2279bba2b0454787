// Where the widget's time goes in a browser with no DevTools attached, as a reader's is: a
// trace forces every insertion onto the full HTML parser, and a DevTools session with the
// Network domain on has the renderer keep and decode every answer on the main thread (at
// 10,000 comments a task of 80-130 ms that a reader never has). Chromium is started headless
// on its own (no --remote-debugging), the page and a generated thread come over real HTTP from
// a server in this script, and the page reports to it what its first script recorded: long
// tasks and first 10 and all comments painted (probe.mjs, as widgets.mjs counts them), every
// call into the core (its exports, wrapped), each insertion of HTML (innerHTML,
// insertAdjacentHTML, append), frames over 50 ms (long animation frames: how much of each was
// the browser's style, layout and paint, after scripts), and, once everything is shown, the same
// document opened and its first step read again by the now warm module. Prints each run and the
// medians (--dump: every run's report, as JSON lines); asserts nothing.
//
//   tests/setup.sh && node tests/bench/timeline.mjs [--sizes 1000,10000] [--runs 5] [--attrs 'data-avatars="off"']
//       [--devtools none|playwright|network] [--dump runs.jsonl] [--floor 5]
// --devtools: how the browser is driven: none (the default: started on its own), playwright
// (launched and driven by Playwright, as the browser tests and widgets.mjs are), network (that,
// plus a DevTools session with the Network domain on, as widgets.mjs had to count bytes).
// --floor K: after each size's runs, what this browser on this machine takes to paint the
// widget's first screen with no widget at all: its HTML (as the first run's core wrote it) put
// into a page K times each way, alternating: into a shadow root with colloquy.css, as the widget
// does, and into the page with no stylesheet; each page's own first frame (a heading and two
// paragraphs) is reported too. A long task there is the browser's, whatever the widget does.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { generateDocument } from './generate.mjs';
import { median } from './stats.mjs';
import { probe } from './probe.mjs';
import { build, launch } from '../browser/support.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => { const i = args.indexOf('--' + name); return i >= 0 ? args[i + 1] : fallback; };
const sizes = opt('sizes', '1000,10000').split(',').map(Number);
const runs = Number(opt('runs', 5));
const attrs = opt('attrs', '');
const devtools = opt('devtools', 'none');
const dump = opt('dump', null); // every run's report, as JSON lines, to this file
const floorRuns = Number(opt('floor', 0));
if (!['none', 'playwright', 'network'].includes(devtools)) throw new Error(`--devtools ${devtools}: none, playwright or network`);
const widget = path.join(build.wasm, 'widget');
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

// What the page records besides the probe (probe.mjs: long tasks, first 10 and all painted),
// run after it as the page's first script. Times are performance.now() (from navigation), in ms.
function instrument() {
  const r = (window.__timeline = { calls: [], again: [] });
  // Frames over 50 ms (long animation frames): start, duration, when rendering (style, layout,
  // paint) began, when style and layout began, the time in scripts, and the scripts (what ran
  // them, their file, their time, and the style and layout they forced).
  r.frames = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      r.frames.push([e.startTime, e.duration, e.renderStart, e.styleAndLayoutStart, e.scripts.reduce((s, x) => s + x.duration, 0),
        e.scripts.map((x) => [x.invoker, x.sourceURL.split('/').pop(), x.duration, x.forcedStyleAndLayoutDuration])]);
    }
  }).observe({ type: 'long-animation-frame' });
  const timed = (name, f, self, a) => {
    const t = performance.now();
    try {
      return f.apply(self, a);
    } finally {
      r.calls.push([name, t, performance.now() - t, typeof a[1] === 'number' ? a[1] : 0]); // a core call's input size
    }
  };
  // The core's exports, each call timed; the module kept for the warm read at the end.
  const instantiate = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = (...a) => instantiate.apply(WebAssembly, a).then((result) => {
    const x = result.instance.exports;
    window.__core = window.__core || x;
    const wrapped = {};
    for (const k of Object.keys(x)) wrapped[k] = typeof x[k] === 'function' ? function (...b) { return timed(k, x[k], this, b); } : x[k];
    return { module: result.module, instance: { exports: wrapped } };
  });
  const html = Object.getOwnPropertyDescriptor(Element.prototype, 'innerHTML');
  Object.defineProperty(Element.prototype, 'innerHTML', { configurable: true, get: html.get, set(v) {
    if (!r.firstScreen && this.classList.contains('comments-slot')) r.firstScreen = String(v); // for --floor
    timed('innerHTML', html.set, this, [v]);
  } });
  for (const k of ['insertAdjacentHTML', 'append']) {
    const f = Element.prototype[k];
    Element.prototype[k] = function (...a) { return timed(k, f, this, a); };
  }
  // The same document opened again by the warm module and its first reading step taken (as
  // the loader does: colloquy_session_open, then colloquy_session_read), 3 times.
  async function again() {
    const x = window.__core;
    const doc = new Uint8Array(await (await fetch('/api/thread')).arrayBuffer());
    const call = (name, bytes, options) => {
      const opts = new TextEncoder().encode(JSON.stringify(options));
      const p = x.colloquy_alloc(bytes.length + opts.length);
      new Uint8Array(x.memory.buffer).set(bytes, p);
      new Uint8Array(x.memory.buffer).set(opts, p + bytes.length);
      x[name](p, bytes.length, p + bytes.length, opts.length);
      x.colloquy_free(p);
      const meta = JSON.parse(new TextDecoder().decode(new Uint8Array(x.memory.buffer, x.colloquy_result_data(), x.colloquy_result_size())).split('\0')[0]);
      x.colloquy_result_clear();
      return meta;
    };
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const { session } = call('colloquy_session_open', doc, { now: 1 });
      call('colloquy_session_read', new Uint8Array(0), { now: 1, session });
      r.again.push(performance.now() - t);
      x.colloquy_session_close(session);
    }
  }
  // All painted (the probe's call): long tasks are counted for a second more; then the warm
  // read, then the report. The warm read's own tasks (fetching the document again and copying
  // it into the module: over 100 ms for 20 MB) are this script's, not the widget's: the long
  // tasks reported are those that began before it.
  window.__benchDone = () => setTimeout(() => {
    const ownStart = performance.now();
    again().finally(() => {
      const { first10, all } = window.__bench;
      const longtasks = window.__bench.longtasks.filter(([start]) => start < ownStart);
      const resources = performance.getEntriesByType('resource').map((e) => [new URL(e.name).pathname, e.startTime, e.responseEnd]);
      fetch('/report', { method: 'POST', body: JSON.stringify(Object.assign(r, { longtasks, first10, all, resources })) });
    });
  }, 1000);
}

// --floor: a page that, once loaded, puts the first screen's HTML in (`how`: "widget", into a
// shadow root with colloquy.css; "plain", into the page) and reports the frame that paints it.
function floor({ how, html, css }) {
  const r = { how, longtasks: [], frames: [] };
  new PerformanceObserver((list) => { for (const e of list.getEntries()) r.longtasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => { for (const e of list.getEntries()) r.frames.push([e.startTime, e.duration, e.renderStart]); }).observe({ type: 'long-animation-frame', buffered: true });
  addEventListener('load', () => setTimeout(() => {
    let slot = document.getElementById('colloquy');
    if (how === 'widget') {
      const root = slot.attachShadow({ mode: 'open' });
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
      root.innerHTML = '<div class="colloquy" data-scheme="light"><div class="comments-slot"></div></div>';
      slot = root.querySelector('.comments-slot');
    }
    r.inserted = performance.now();
    slot.innerHTML = html;
    requestAnimationFrame(() => {
      const c = new MessageChannel();
      c.port1.onmessage = () => {
        r.painted = performance.now();
        setTimeout(() => fetch('/report', { method: 'POST', body: JSON.stringify(r) }), 200);
      };
      c.port2.postMessage(0);
    });
  }, 300));
}

let thread = null, page = null, reported = null, floorPages = {};
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/report') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => { res.end(); reported(JSON.parse(Buffer.concat(chunks))); });
    return;
  }
  const file = url.pathname.startsWith('/colloquy/') && path.join(widget, path.basename(url.pathname));
  const [type, body] = url.pathname === '/page' ? ['text/html', page] : url.pathname === '/api/thread' ? ['application/json', thread]
    : floorPages[url.pathname] ? ['text/html', floorPages[url.pathname]]
    : file && fs.existsSync(file) ? [TYPES[path.extname(file)], fs.readFileSync(file)] : [null, null];
  if (!body) { res.statusCode = 404; return res.end(); }
  res.setHeader('Content-Type', type);
  res.end(body);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

// One run: a fresh profile, one page, until it reports (or the deadline).
async function runOnce(n, at = '/page') {
  const got = new Promise((resolve) => { reported = resolve; });
  const deadline = new Promise((resolve) => setTimeout(resolve, 60000 + n * 20, null).unref());
  if (devtools !== 'none') {
    const browser = await launch();
    try {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      if (devtools === 'network') await (await page.context().newCDPSession(page)).send('Network.enable');
      await page.goto(origin + at, { waitUntil: 'commit' });
      return await Promise.race([got, deadline]);
    } finally {
      await browser.close();
    }
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-timeline-'));
  const chromium = spawn(process.env.CHROMIUM || '/usr/bin/chromium', ['--headless=new', '--no-sandbox', `--user-data-dir=${profile}`,
    '--window-size=1280,800', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', origin + at], { stdio: 'ignore', detached: true });
  try {
    return await Promise.race([got, deadline]);
  } finally {
    const exited = new Promise((resolve) => chromium.once('exit', resolve));
    process.kill(-chromium.pid, 'SIGKILL'); // the browser and every process it started
    await exited;
    fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

console.log(`timeline, ${new Date().toISOString()}: browser driven by ${devtools === 'none' ? 'nothing (no DevTools)' : devtools === 'playwright' ? 'Playwright' : 'Playwright, with a DevTools Network session'}; ` +
  `load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const fmt = (x) => (typeof x === 'number' ? x.toFixed(0) : '—');
const sum = (r, name) => r.calls.filter(([k]) => k === name).reduce((s, [, , d]) => s + d, 0);
for (const n of sizes) {
  thread = Buffer.from(generateDocument(n));
  page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Timeline</title><script>(${probe})(${JSON.stringify({ selector: 'div.comment', total: n })});(${instrument})();</script></head>
<body><h1>A post</h1><p>Its text.</p><div id="colloquy"></div><p>The footer.</p>
<script src="/colloquy/colloquy.js" defer data-thread="/bench" data-comments="/api/thread" data-max-bytes="67108864" data-load="eager" ${attrs}></script></body></html>`;
  const rows = [];
  let firstScreen = null;
  for (let i = 0; i < runs; i++) {
    const r = await runOnce(n);
    if (!r) { console.log(`${n} run ${i + 1}: no report`); continue; }
    const api = r.resources.find(([p]) => p === '/api/thread');
    const row = {
      answered: api && api[2], first10: r.first10, all: r.all, longest: Math.max(0, ...r.longtasks.map(([, d]) => d)),
      // The thread's session: its open (the largest input, should a page open more) and its
      // first reading step.
      open: r.calls.filter(([k]) => k === 'colloquy_session_open').sort((a, b) => b[3] - a[3])[0]?.[2],
      first: r.calls.find(([k]) => k === 'colloquy_session_read')?.[2],
      reads: sum(r, 'colloquy_session_read'), slices: sum(r, 'colloquy_session_slice'),
      parse: sum(r, 'innerHTML') + sum(r, 'insertAdjacentHTML'), append: sum(r, 'append'), again: median(r.again),
    };
    if (dump) fs.appendFileSync(dump, JSON.stringify(Object.assign({ size: n }, r)) + '\n');
    firstScreen = firstScreen || r.firstScreen;
    rows.push(row);
    console.log(`${n} run ${i + 1}: answered ${fmt(row.answered)}, first 10 ${fmt(row.first10)}, all ${fmt(row.all)} ms; longest task ${fmt(row.longest)} ms ` +
      `(${r.longtasks.map(([t, d]) => `${fmt(d)} at ${fmt(t)}`).join(', ') || 'none over 50'}); ` +
      `frames over 50: ${r.frames.map(([t, d, render]) => `${fmt(d)} at ${fmt(t)} (${fmt(t + d - render)} rendering)`).join(', ') || 'none'}; core: open ${fmt(row.open)}, first step ${fmt(row.first)}, ` +
      `read ${fmt(row.reads)}, slices ${fmt(row.slices)} ms; HTML inserted in ${fmt(row.parse)} ms, moved in ${fmt(row.append)} ms; ` +
      `the same open and first step again, warm: ${fmt(row.again)} ms`);
  }
  const m = (k) => fmt(median(rows.map((x) => x[k])));
  console.log(`${n} medians of ${rows.length}: answered ${m('answered')}, first 10 ${m('first10')}, all ${m('all')}, longest task ${m('longest')}; ` +
    `open ${m('open')}, first step ${m('first')} (both again, warm: ${m('again')}), read ${m('reads')}, slices ${m('slices')}, HTML ${m('parse')}, moved ${m('append')} ms`);
  if (floorRuns && firstScreen) await floorOf(n, firstScreen);
}

// --floor: the first screen's frame with no widget, each way K times, alternating.
async function floorOf(n, html) {
  const css = fs.readFileSync(path.join(widget, 'colloquy.css'), 'utf8');
  const comments = (html.match(/<div class="comment[ "]/g) || []).length;
  const got = { widget: [], plain: [] };
  for (const how of Object.keys(got)) {
    floorPages['/floor-' + how] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Floor</title></head>
<body><h1>A post</h1><p>Its text.</p><div id="colloquy"></div><p>The footer.</p><script>(${floor})(${JSON.stringify({ how, html, css }).replaceAll("</", "<\\/")});</script></body></html>`;
  }
  for (let i = 0; i < floorRuns; i++) {
    for (const how of Object.keys(got)) {
      const r = await runOnce(0, '/floor-' + how);
      if (!r) continue;
      // The page's own first frame: the longest frame before the insertion (none: under 50 ms).
      const own = Math.max(0, ...r.frames.filter(([t]) => t < r.inserted).map(([, d]) => d));
      const after = r.longtasks.filter(([t, d]) => t + d > r.inserted).map(([, d]) => d);
      got[how].push({ paint: r.painted - r.inserted, task: Math.max(0, ...after), own });
    }
  }
  const range = (xs) => `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
  for (const [how, rows] of Object.entries(got)) {
    if (!rows.length) continue;
    console.log(`${n} floor, the first screen alone (${comments} comments, ${html.length} characters of HTML) ${how === 'widget' ? 'in a shadow root with colloquy.css' : 'in the page, no stylesheet'}, ` +
      `${rows.length} pages: painted after ${range(rows.map((x) => x.paint))} ms; a task over 50 ms from the insertion in ` +
      `${rows.filter((x) => x.task).length} (${rows.map((x) => fmt(x.task)).join(', ')}); the page's own first frame ${range(rows.map((x) => x.own))} ms`);
  }
}
server.close();
