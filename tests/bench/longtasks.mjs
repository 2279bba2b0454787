// What the widget's long main-thread tasks are made of, from a Chromium trace: for generated
// threads of the given sizes, every task of the page's main thread over LIMIT ms from the
// page's start until every comment is in (times from the comments' last byte), with the time
// inside it by kind (our script by function, wasm compilation, HTML parsing, style, layout,
// paint, garbage collection). Prints a breakdown, asserts nothing.
//
//   tests/setup.sh && nice -n 19 node tests/bench/longtasks.mjs [comments...]   (default 1000 10000)
// LIMIT=50: the task length listed (ms); DETAIL=1: the time by trace event name, and each
// script by its function's place in the file.
import { generateDocument } from './generate.mjs';
import { launch, startServer } from '../browser/support.mjs';

const LIMIT = Number(process.env.LIMIT || 50);
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.wasm', 'blink', 'toplevel',
  'disabled-by-default-v8.gc'];

// The kind of a trace event inside a task, or null for one that only holds others.
function kind(e) {
  const d = e.args && e.args.data;
  if (e.name === 'FunctionCall' || e.name === 'v8.callFunction') {
    // A script with no file is the harness's (Playwright's waitForFunction polling), not the page's.
    if (d && d.url === '') return 'harness script';
    const where = process.env.DETAIL && d ? '@' + String(d.url).split('/').pop() + ':' + d.lineNumber + ':' + d.columnNumber : '';
    return 'script ' + ((d && d.functionName) || '(anonymous)') + where;
  }
  if (e.name === 'EvaluateScript' || e.name === 'v8.compile') return 'script: evaluate/compile';
  if (process.env.DETAIL) return e.name;
  if (e.name === 'TimerFire' || e.name === 'FireAnimationFrame' || e.name === 'EventDispatch') return null;
  if (/^(MajorGC|MinorGC|V8\.GC|BlinkGC|ThreadState::)/.test(e.name)) return 'garbage collection';
  if (/wasm/i.test(e.name) || /wasm/.test(e.cat)) return 'wasm ' + e.name;
  if (e.name === 'ParseHTML' || e.name === 'ParseAuthorStyleSheet') return e.name;
  if (e.name === 'UpdateLayoutTree' || e.name === 'RecalculateStyles') return 'style';
  if (e.name === 'Layout') return 'layout';
  if (/^(Paint|PrePaint|Layerize|UpdateLayer|CompositeLayers|Commit)/.test(e.name)) return 'paint/composite';
  return null;
}

// Self time by kind: each event's duration less that of the kinded events nested in it.
function breakdown(task, events) {
  const inner = events.filter((e) => e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur && e !== task && kind(e))
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const totals = {};
  const stack = [];
  const add = (k, us) => { totals[k] = (totals[k] || 0) + us; };
  for (const e of inner) {
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop();
    if (stack.length) add(kind(stack[stack.length - 1]), -e.dur);
    add(kind(e), e.dur);
    stack.push(e);
  }
  let known = 0;
  for (const k in totals) known += totals[k];
  totals['(other)'] = task.dur - known;
  return Object.entries(totals).filter(([, us]) => us >= 1000).sort((a, b) => b[1] - a[1])
    .map(([k, us]) => `${k} ${(us / 1000).toFixed(0)}`).join(', ');
}

const server = await startServer();
const browser = await launch();
try {
  for (const n of sizes.length ? sizes : [1000, 10000]) {
    const doc = generateDocument(n);
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.route('**/lt.html', (route) => route.fulfill({ status: 200, contentType: 'text/html',
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Long tasks</title></head><body>
<h1>A post</h1><p>Its text.</p><div id="colloquy"></div><p>The footer.</p>
<script src="/colloquy/colloquy.js" defer data-thread="/bench" data-comments="/api/bench" data-max-bytes="67108864"></script></body></html>` }));
    await page.route('**/api/bench**', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: doc }));
    await browser.startTracing(page, { categories: CATEGORIES });
    await page.goto(server.url + '/lt.html');
    await page.waitForFunction((total) => document.querySelector('#colloquy').shadowRoot.querySelectorAll('div.comment').length === total,
      n, { timeout: 600000, polling: 1000 });
    await page.waitForTimeout(300);
    const trace = JSON.parse(await browser.stopTracing());
    await page.close();
    const events = trace.traceEvents || trace;
    const main = events.find((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain' &&
      events.some((f) => f.pid === e.pid && f.name === 'ResourceSendRequest' && /\/api\/bench/.test(f.args.data.url)));
    const mine = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
    const tasks = mine.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
    const long = tasks.filter((t) => t.dur > LIMIT * 1000);
    // Times from the comments' last byte (the network service's ResourceFinish).
    const arrived = events.find((e) => e.name === 'ResourceFinish' && e.args.data && events.some((f) =>
      f.name === 'ResourceSendRequest' && f.args.data.requestId === e.args.data.requestId && /\/api\/bench/.test(f.args.data.url))).ts;
    console.log(`${n.toLocaleString('en')} comments (${(doc.length / 1e6).toFixed(1)} MB): ${long.length} of ${tasks.length} main-thread tasks over ${LIMIT} ms`);
    for (const t of long) console.log(`  at ${((t.ts - arrived) / 1000).toFixed(0)} ms, ${(t.dur / 1000).toFixed(0)} ms: ${breakdown(t, mine)}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
