// First paint of the widget on a page, in headless Chromium: for generated threads of 1,000 and
// 10,000 comments and a ~20 MB thread, the time from the comments' last byte to the first 10
// comments on screen, the longest main-thread task from that byte until every comment is in,
// and the page's layout shift. Medians of RUNS runs; prints figures, asserts nothing.
//
//   tests/setup.sh && nice -n 19 node tests/bench/firstpaint.mjs [runs] [comments...]
// (default: 3 runs of 1000, 10000 and 52000 comments, the last ~20 MB; DEADLINE_S=600: seconds
// for every comment to be in, after which the figures cover what was in by then)
import { generateDocument } from './generate.mjs';
import { launch, startServer } from '../browser/support.mjs';

const RUNS = Number(process.argv[2]) || 3;
const DEADLINE = Number(process.env.DEADLINE_S || 600) * 1000; // for every comment to be in
const sizes = process.argv.slice(3).map(Number);
const docs = (sizes.length ? sizes : [1000, 10000, 52000]).map((n) => [n.toLocaleString('en'), generateDocument(n)]);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await startServer();
const browser = await launch();
try {
  for (const [name, doc] of docs) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
      await page.addInitScript(() => {
        window.__tasks = [];
        window.__shift = 0;
        new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__tasks.push([e.startTime, e.duration]))).observe({ type: 'longtask', buffered: true });
        new PerformanceObserver((l) => l.getEntries().forEach((e) => { if (!e.hadRecentInput) window.__shift += e.value; })).observe({ type: 'layout-shift', buffered: true });
        // The frame in which 10 comments are first in the widget.
        (function frame() {
          const root = document.querySelector('#colloquy')?.shadowRoot;
          if (root && root.querySelectorAll('div.comment').length >= 10) window.__first10 = performance.now();
          else requestAnimationFrame(frame);
        })();
      });
      await page.route('**/fp.html', (route) => route.fulfill({ status: 200, contentType: 'text/html',
        body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>First paint</title></head><body>
<h1>A post</h1><p>Its text.</p><div id="colloquy"></div><p>The footer.</p>
<script src="/colloquy/colloquy.js" defer data-thread="/bench" data-comments="/api/bench" data-max-bytes="67108864"></script></body></html>` }));
      await page.route('**/api/bench**', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: doc }));
      await page.goto(server.url + '/fp.html');
      const total = JSON.parse(doc).comments.length;
      await page.waitForFunction(() => window.__first10, null, { timeout: 600000, polling: 500 });
      // Every comment in, or what is in after the deadline (a busy machine inserts 52,000
      // comments for many minutes): the figures then cover that span.
      const all = await page.waitForFunction((n) => document.querySelector('#colloquy').shadowRoot.querySelectorAll('div.comment').length === n,
        total, { timeout: DEADLINE, polling: 2000 }).then(() => true, () => false);
      await page.waitForTimeout(200); // the last task's entry is queued
      const r = await page.evaluate((all) => {
        const api = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/bench'));
        const after = window.__tasks.filter(([start, duration]) => start + duration > api.responseEnd);
        return { first10: window.__first10 - api.responseEnd, longest: Math.max(0, ...after.map(([, d]) => d)),
          over50: after.length, shift: window.__shift, longestEver: Math.max(0, ...window.__tasks.map(([, d]) => d)),
          shown: all ? 1 : document.querySelector('#colloquy').shadowRoot.querySelectorAll('div.comment').length };
      }, all);
      if (!all) r.shown /= total;
      runs.push(r);
      await page.close();
    }
    const pick = (k) => median(runs.map((r) => r[k]));
    console.log(`${name.padStart(7)} comments (${(doc.length / 1e6).toFixed(1)} MB): first 10 shown ${pick('first10').toFixed(0)} ms after the last byte; ` +
      (pick('shown') < 1 ? `${(100 * pick('shown')).toFixed(0)}% of the comments in after ${DEADLINE / 1000} s, until then: ` : '') +
      `longest task ${pick('longest').toFixed(0)} ms (${pick('over50')} tasks over 50 ms; before the bytes too: ${pick('longestEver').toFixed(0)} ms); layout shift ${pick('shift').toFixed(4)}` +
      ` [median of ${RUNS}]`);
  }
} finally {
  await browser.close();
  await server.stop();
}
