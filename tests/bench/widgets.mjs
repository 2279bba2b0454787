// The page benchmark: Colloquy (the widget built in build/wasm/widget/), a one-innerHTML
// baseline, Artalk and Waline (npm, pinned in package.json) render the same generated thread in
// headless Chromium, each from its own API shape answered in the page's network layer
// (page.route); then Lighthouse (mobile) on the seed page with and without the widget.
//
//   tests/setup.sh && nice -n 19 node tests/bench/widgets.mjs
//       [--runs 5] [--sizes 200,1000,10000] [--systems colloquy,baseline,artalk,waline]
//       (also `bare`: Colloquy with data-votes="off" data-avatars="off", only when named)
//       [--lighthouse-runs 5] [--no-lighthouse] [--smoke] [--from build/bench/page-results.json]
//
// --smoke: one run at 200 comments, no Lighthouse; exits non-zero unless every system produced
// every figure (its files end in -smoke). Prints medians, ratios and the goals; writes
// build/bench/page-results.json and build/bench/widgets.svg (paint time and longest task
// against thread size). Not a test of speed: it asserts nothing about the figures (see
// PERFORMANCE.md).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { generateDocument } from './generate.mjs';
import { SYSTEMS, AVATAR } from './systems.mjs';
import { chartSvg } from './chart.mjs';
import { probe } from './probe.mjs';
import { median } from './stats.mjs';
import { launch, repo, build } from '../browser/support.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes('--' + name);
const opt = (name, fallback) => { const i = args.indexOf('--' + name); return i >= 0 ? args[i + 1] : fallback; };
const smoke = flag('smoke');
const runs = smoke ? 1 : Number(opt('runs', 5));
const sizes = smoke ? [200] : opt('sizes', '200,1000,10000').split(',').map(Number);
const systems = opt('systems', Object.keys(SYSTEMS).filter((s) => !SYSTEMS[s].optIn).join(',')).split(',');
const lighthouseRuns = smoke || flag('no-lighthouse') ? 0 : Number(opt('lighthouse-runs', 5));
const out = path.join(repo, 'build/bench');
fs.mkdirSync(out, { recursive: true });
for (const s of systems) if (!SYSTEMS[s]) throw new Error(`unknown system ${s}; known: ${Object.keys(SYSTEMS).join(', ')}`);

// ---- Static files, compressed as a server would send them ------------------------------------
// The widget's files come with their built .br/.gz; the others are compressed once, the same
// way (brotli 11, gzip 9), and sent as the request's Accept-Encoding allows.
const widgetDir = path.join(build.wasm, 'widget');
const FOLDERS = {
  '/colloquy/': widgetDir,
  '/vendor/artalk/': path.join(repo, 'node_modules/artalk/dist'),
  '/vendor/waline/': path.join(repo, 'node_modules/@waline/client/dist'),
  '/bench/': path.join(repo, 'tests/bench'),
};
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
  '.html': 'text/html; charset=utf-8', '.png': 'image/png' };
const compressed = new Map();
function encoded(file, encoding) {
  const key = `${file}\0${encoding}`;
  if (!compressed.has(key)) {
    const built = `${file}.${encoding === 'br' ? 'br' : 'gz'}`;
    const raw = fs.readFileSync(file);
    compressed.set(key, fs.existsSync(built) && fs.statSync(built).mtimeMs >= fs.statSync(file).mtimeMs ? fs.readFileSync(built)
      : encoding === 'br' ? zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } })
        : zlib.gzipSync(raw, { level: 9 }));
  }
  return compressed.get(key);
}
const accepts = (req, coding) => new RegExp(`\\b${coding}\\b`).test(req.headers['accept-encoding'] || '');

function serveFile(req, res, file) {
  const headers = { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-cache', Vary: 'Accept-Encoding' };
  const coding = accepts(req, 'br') ? 'br' : accepts(req, 'gzip') ? 'gzip' : null;
  if (coding) headers['Content-Encoding'] = coding;
  res.writeHead(200, headers);
  res.end(coding ? encoded(file, coding) : fs.readFileSync(file));
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://bench');
  const pageMatch = /^\/page\/(\w+)\/(\d+)$/.exec(url.pathname);
  if (pageMatch && SYSTEMS[pageMatch[1]]) {
    res.writeHead(200, { 'Content-Type': TYPES['.html'], 'Cache-Control': 'no-cache' });
    return res.end(SYSTEMS[pageMatch[1]].page(Number(pageMatch[2])));
  }
  if (url.pathname.startsWith('/avatar/')) {
    res.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'max-age=3600' });
    return res.end(AVATAR);
  }
  for (const [prefix, dir] of Object.entries(FOLDERS)) {
    const name = url.pathname.slice(prefix.length);
    if (url.pathname.startsWith(prefix) && /^[\w.-]+$/.test(name) && fs.existsSync(path.join(dir, name))) {
      return serveFile(req, res, path.join(dir, name));
    }
  }
  res.writeHead(url.pathname === '/favicon.ico' ? 204 : 404);
  res.end();
});

// Elements and all nodes under the widget's root element, shadow roots included.
function countNodes(rootSelector) {
  let elements = 0;
  let nodes = 0;
  const walk = (parent) => {
    for (let n = parent.firstChild; n; n = n.nextSibling) {
      nodes++;
      if (n.nodeType === 1) { elements++; if (n.shadowRoot) walk(n.shadowRoot); }
      walk(n);
    }
  };
  const root = document.querySelector(rootSelector);
  if (root.shadowRoot) walk(root.shadowRoot);
  walk(root);
  return { elements, nodes };
}

// ---- One run: a fresh browser context (cold cache), one page --------------------------------
const SETTLE_MS = 1000; // long tasks are counted until this long after everything is painted
const answers = new Map();
function apiAnswer(system, n, url, doc) {
  // Waline asks /api/comment for the thread and, with `type`, for counts: two answers.
  const key = `${system}\0${n}\0${url.pathname}\0${url.searchParams.has('type')}`;
  if (!answers.has(key)) {
    const answer = SYSTEMS[system].answer(url, doc);
    const body = answer === null ? null : Buffer.from(JSON.stringify(answer));
    // Transferred as a server compressing on the fly would send it (colloquy serve: brotli 5).
    const wire = body && zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }).length;
    answers.set(key, { body, wire });
  }
  return answers.get(key);
}
const isApi = (url) => url.pathname.startsWith('/api/') || url.pathname.startsWith('/waline/api/');

async function runOnce(browser, origin, system, n, doc) {
  const s = SYSTEMS[system];
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    let done;
    const finished = new Promise((resolve) => { done = resolve; });
    await context.exposeFunction('__benchDone', () => done());
    await context.addInitScript(probe, { selector: s.selector, total: n });
    const bytes = { code: 0, data: 0, images: 0 };
    await context.route((url) => isApi(url), (route) => {
      const { body, wire } = apiAnswer(system, n, new URL(route.request().url()), doc);
      if (!body) return route.fulfill({ status: 404, body: '' });
      bytes.data += wire;
      return route.fulfill({ status: 200, contentType: 'application/json', body });
    });
    const page = await context.newPage();
    const timeout = 60000 + n * 20;
    await page.goto(`${origin}/page/${system}/${n}`, { waitUntil: 'commit' });
    // unref: a run that finished must not keep the process alive until its timeout.
    const outcome = await Promise.race([finished.then(() => 'done'), new Promise((r) => setTimeout(r, timeout, 'timeout').unref())]);
    if (outcome !== 'done') return { error: `not all ${n} comments painted within ${timeout / 1000} s` };
    await page.waitForTimeout(SETTLE_MS);
    // Where the time went: when each file and answer arrived (for the report; raw figures only).
    const r = await page.evaluate(({ selector }) => ({ ...window.__bench,
      comments: window.__benchRoots.reduce((sum, root) => sum + root.querySelectorAll(selector).length, 0),
      resources: performance.getEntriesByType('resource').map((e) => ({ path: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd, size: e.transferSize })) }),
    { selector: s.selector });
    // Files as transferred (Resource Timing: the compressed body and 300 bytes for headers), from
    // the page itself: a DevTools session with the Network domain on would have the renderer keep
    // and decode every answer for the inspector, on the main thread, in the tasks measured (at
    // 10,000 comments one of 80-130 ms). The API answers are counted above.
    for (const e of r.resources) {
      if (!isApi(new URL(e.path, origin)) && !e.path.startsWith('/page/')) bytes[e.path.startsWith('/avatar/') ? 'images' : 'code'] += e.size;
    }
    if (process.env.BENCH_SCREENSHOTS) await page.screenshot({ path: path.join(out, `${system}-${n}.png`), fullPage: false });
    const nodes = await page.evaluate(countNodes, s.root);
    const tasks = r.longtasks.map(([, d]) => d);
    return {
      first10: r.first10, all: r.all, dom10: r.dom10, domAll: r.domAll,
      longest: Math.max(0, ...tasks), tbt: tasks.reduce((sum, d) => sum + Math.max(0, d - 50), 0), longtasks: tasks.length, tasks: r.longtasks,
      cls: r.cls, shifts: r.shifts, probeMs: r.probeMs, comments: r.comments, resources: r.resources, elementsPerComment: nodes.elements / n, nodesPerComment: nodes.nodes / n, bytes,
    };
  } finally {
    await context.close();
  }
}

// ---- Figures ----------------------------------------------------------------------------------
const METRICS = ['comments', 'first10', 'all', 'longest', 'tbt', 'cls', 'elementsPerComment', 'nodesPerComment', 'probeMs'];
function summarize(list) {
  const ok = list.filter((r) => !r.error);
  const m = { runs: list.length, failed: list.length - ok.length, errors: [...new Set(list.filter((r) => r.error).map((r) => r.error))] };
  for (const k of METRICS) m[k] = median(ok.map((r) => r[k]));
  for (const k of ['code', 'data', 'images']) m[k + 'Bytes'] = median(ok.map((r) => r.bytes[k]));
  return m;
}

const fmt = (x, digits = 0) => (x === null || x === undefined ? '—' : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const kb = (b) => fmt(typeof b === 'number' ? b / 1024 : null, 1);
// The ratio a/b of one figure, taken round by round (each round runs every system once, back to
// back, so a busy spell of the machine weighs on both sides of a ratio), then the median.
function pairedRatio(report, n, a, b, key) {
  const [ra, rb] = [report.raw[n]?.[a], report.raw[n]?.[b]];
  if (!ra || !rb) return null;
  return median(ra.map((x, i) => (typeof x[key] === 'number' && rb[i][key] > 0 ? x[key] / rb[i][key] : null)));
}

function printTable({ sizes, systems, results }) {
  console.log('\nsystem         comments | first 10 ms |  all ms | longest task ms |  TBT ms |  CLS  | elements/comment | code KiB | data KiB | images KiB | failed');
  for (const n of sizes) {
    for (const system of systems) {
      const m = results[n][system];
      console.log(`${SYSTEMS[system].label.padEnd(14)} ${fmt(n).padStart(8)} | ${fmt(m.first10).padStart(11)} | ${fmt(m.all).padStart(7)} | ` +
        `${fmt(m.longest).padStart(15)} | ${fmt(m.tbt).padStart(7)} | ${fmt(m.cls, 3).padStart(5)} | ${fmt(m.elementsPerComment, 1).padStart(16)} | ` +
        `${kb(m.codeBytes).padStart(8)} | ${kb(m.dataBytes).padStart(8)} | ${kb(m.imagesBytes).padStart(10)} | ${m.failed}/${m.runs}`);
    }
  }
}

function printRatios(report) {
  console.log('\nratios to Colloquy (median of the per-round ratios)');
  for (const n of report.sizes) {
    const parts = report.systems.filter((x) => x !== 'colloquy').map((system) => {
      const r = (key) => fmt(pairedRatio(report, n, system, 'colloquy', key), 2);
      return `${SYSTEMS[system].label}: first 10 ${r('first10')}×, all ${r('all')}×, longest task ${r('longest')}×`;
    });
    if (report.raw[n].colloquy && parts.length) console.log(`${fmt(n).padStart(6)}: ${parts.join('; ')}`);
  }
}

// The goals, each from this run's figures.
function goals(report) {
  const lines = [];
  const get = (n, system, k) => report.results[n]?.[system]?.[k] ?? null;
  const line = (text, value, met) => lines.push({ text, value, met });
  for (const n of [200, 1000]) {
    const r = pairedRatio(report, n, 'colloquy', 'baseline', 'first10');
    if (r !== null) line(`first 10 painted at ${fmt(n)}: Colloquy / one innerHTML (goal ≤ 1.2)`, `${fmt(r, 2)}×`, r <= 1.2);
  }
  for (const other of ['artalk', 'waline']) {
    const r = pairedRatio(report, 1000, other, 'colloquy', 'all');
    if (r !== null) line(`all 1,000 painted: ${SYSTEMS[other].label} / Colloquy (goal ≥ 5)`, `${fmt(r, 2)}×`, r >= 5);
  }
  for (const n of [1000, 10000]) {
    const v = get(n, 'colloquy', 'longest');
    if (v !== null) line(`longest main-thread task at ${fmt(n)}, Colloquy (goal ≤ 50 ms)`, `${fmt(v)} ms`, v <= 50);
  }
  for (const n of report.sizes) {
    const v = get(n, 'colloquy', 'cls');
    if (v !== null) line(`layout shift at ${fmt(n)}, Colloquy (goal 0)`, fmt(v, 3), v === 0);
  }
  const code = get(report.sizes[0], 'colloquy', 'codeBytes');
  if (code !== null) line('widget weight: Colloquy code transferred (js + css + wasm, as sent)', `${kb(code)} KiB`, null);
  return lines;
}

function printLighthouse({ lighthouse }) {
  console.log(`\nLighthouse ${lighthouse.version}, mobile preset, performance score, median of ${lighthouse.variants[0].runs.length} (each run's score in brackets)`);
  for (const v of lighthouse.variants) {
    console.log(`  ${v.label.padEnd(30)} ${fmt(v.median.score)} [${v.runs.map((r) => fmt(r.score)).join(', ')}]  ` +
      `FCP ${fmt(v.median.fcp)} ms, LCP ${fmt(v.median.lcp)} ms, TBT ${fmt(v.median.tbt)} ms, CLS ${fmt(v.median.cls, 3)}, SI ${fmt(v.median.si)} ms, ` +
      `${kb(v.median.bytes)} KiB`);
  }
  const withWidget = lighthouse.variants.find((v) => v.widget);
  console.log(`  ${withWidget.median.score >= 95 ? '✓' : '✗'} seed page with the widget ≥ 95: ${fmt(withWidget.median.score)}`);
}

function printReport(report) {
  const load = report.load ? `; load average (1, 5, 15 min) ${report.load.start} at the start, ${report.load.end} at the end` : '';
  console.log(`\npage benchmark, ${report.started}: Chromium ${report.chromium}, medians of ${report.runs} run(s), a fresh context per run${load}`);
  printTable(report);
  printRatios(report);
  console.log('\ngoals');
  for (const g of goals(report)) console.log(`  ${g.met === null ? ' ' : g.met ? '✓' : '✗'} ${g.text}: ${g.value}`);
  if (report.lighthouse) printLighthouse(report);
}

async function measureAll() {
  const loadAverage = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const load = { start: loadAverage() };
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await launch();
  const chromium = await browser.version();
  const results = {};
  const raw = {};
  const started = new Date().toISOString();
  try {
    // The browser's first page pays for its start-up (a renderer process, the font cache): a page
    // of 200 comments, not counted, takes that, so the first system measured does not.
    const warmer = systems.includes('baseline') ? 'baseline' : systems[0];
    const warm = await runOnce(browser, origin, warmer, 200, JSON.parse(generateDocument(200, 200)));
    process.stderr.write(`${warmer} 200, not counted (the browser's first page): ${warm.error || `all ${fmt(warm.all)} ms`}\n`);
    for (const n of sizes) {
      const doc = JSON.parse(generateDocument(n, n));
      raw[n] = Object.fromEntries(systems.map((s) => [s, []]));
      // Rounds over the systems, so a busy spell on the machine hits all of them alike; each
      // round starts one system further on, so no system is always the first after a size's
      // new document or the last.
      for (let run = 0; run < runs; run++) {
        for (const system of systems.map((_, i) => systems[(i + run) % systems.length])) {
          const r = await runOnce(browser, origin, system, n, doc);
          raw[n][system].push(r);
          process.stderr.write(`${system} ${n} run ${run + 1}/${runs}: ${r.error || `first 10 ${fmt(r.first10)} ms, all ${fmt(r.all)} ms, longest task ${fmt(r.longest)} ms`}\n`);
        }
      }
      results[n] = Object.fromEntries(systems.map((s) => [s, summarize(raw[n][s])]));
    }
  } finally {
    await browser.close();
    server.close();
  }
  const lighthouse = lighthouseRuns ? await (await import('./lighthouse.mjs')).lighthouseSeedPage(lighthouseRuns) : null;
  load.end = loadAverage();
  return { started, chromium, node: process.version, load, runs, sizes, systems, results, raw, lighthouse };
}

// ---- Main ---------------------------------------------------------------------------------------
// --from FILE: print a saved run again (and redraw its chart) without measuring.
const from = opt('from', null);
const report = from ? JSON.parse(fs.readFileSync(from, 'utf8')) : await measureAll();
report.goals = goals(report);
printReport(report);
// A smoke run writes beside a full run's files, never over them.
const written = [path.join(out, `page-results${smoke ? '-smoke' : ''}.json`), path.join(out, `widgets${smoke ? '-smoke' : ''}.svg`)];
if (!from) fs.writeFileSync(written[0], JSON.stringify(report, null, 1));
fs.writeFileSync(written[1], chartSvg(report, SYSTEMS));
console.log(`\nwrote ${written.slice(from ? 1 : 0).map((f) => path.relative(repo, f)).join(' and ')}`);

if (smoke) {
  const { results } = report;
  const missing = [];
  for (const system of report.systems) {
    for (const k of ['first10', 'all', 'longest', 'tbt', 'cls', 'elementsPerComment', 'codeBytes', 'dataBytes']) {
      if (typeof results[200][system][k] !== 'number') missing.push(`${system} ${k}`);
    }
    if (results[200][system].comments !== 200) missing.push(`${system} comments (${results[200][system].comments} of 200 found)`);
  }
  if (missing.length) { console.error(`smoke: no figure for ${missing.join(', ')}`); process.exit(1); }
  console.log('smoke: every system produced every figure');
}
