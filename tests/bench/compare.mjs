// Two builds of colloquy.wasm side by side in headless Chromium, in one run: the wasm/JS ratio of
// run.mjs (the same page, the same measurement) for each module in turn, several rounds
// alternated, so that both meet the same machine. A change that must not slow the module down
// is judged by the medians of these ratios, not by one figure each from separate runs.
//
//   nice -n 19 node tests/bench/compare.mjs BASELINE.wasm CANDIDATE.wasm [comments=10000] [rounds=5]
//
// The candidate must write the JavaScript baseline's HTML (tests/bench/reference.mjs, kept the
// same as the core's markup). When the markup itself changed, COLLOQUY_BENCH_MARKUP_CHANGED=1 lets
// the baseline module write the older HTML; the modules are then compared by their own times
// (the medians of wasm ms), since their ratios divide by the same JavaScript run.
//
// Prints each round's ratios and the medians; asserts nothing (see PERFORMANCE.md).
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { generateDocument } from './generate.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const [baseline, candidate, count = '10000', roundsArg = '5'] = process.argv.slice(2);
if (!baseline || !candidate) {
  console.error('usage: node tests/bench/compare.mjs BASELINE.wasm CANDIDATE.wasm [comments] [rounds]');
  process.exit(2);
}
const n = Number(count);
const rounds = Number(roundsArg);
const runs = n >= 100000 ? 5 : n >= 10000 ? 11 : 21;
const out = path.join(repo, 'build/bench');
fs.mkdirSync(out, { recursive: true });
const doc = path.join(out, `comments-${n}.json`);
if (!fs.existsSync(doc)) fs.writeFileSync(doc, generateDocument(n, n));

// The page asks for colloquy.wasm; which file answers is switched between rounds.
let wasmFile = baseline;
const types = { '.html': 'text/html', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const server = http.createServer((req, res) => {
  const name = path.basename(new URL(req.url, 'http://x').pathname);
  const file = name === 'colloquy.wasm' ? wasmFile : name === path.basename(doc) ? doc : path.join(here, name);
  if (!fs.existsSync(file)) { res.writeHead(404); return res.end(); }
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
process.env.NODE_PATH = path.join(repo, 'node_modules');
const { launch } = await import('../browser/support.mjs');
const browser = await launch();
const ratios = { baseline: [], candidate: [] }, times = { baseline: [], candidate: [] };
try {
  console.log(`wasm/JS in Chromium ${await browser.version()}, ${n} comments, ${runs} runs per figure`);
  for (let round = 1; round <= rounds; round++) {
    const line = [];
    // Alternate which module goes first, so neither always meets a warmer machine.
    const order = round % 2 ? ['baseline', 'candidate'] : ['candidate', 'baseline'];
    for (const which of order) {
      wasmFile = which === 'baseline' ? baseline : candidate;
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${server.address().port}/page.html?doc=${encodeURIComponent(`${path.basename(doc)}:${runs}`)}`);
      const handle = await page.waitForFunction(() => window.benchResult, null, { timeout: 1800000, polling: 500 });
      const [r] = await handle.jsonValue();
      await page.close();
      if (!r.same_html && !(which === 'baseline' && process.env.COLLOQUY_BENCH_MARKUP_CHANGED === '1'))
        throw new Error(`${which}: the module's HTML differs from the JavaScript baseline's`);
      ratios[which].push(r.ratio);
      times[which].push(r.wasm_ms);
      line.push(`${which} ${r.ratio.toFixed(3)} (wasm ${r.wasm_ms.toFixed(1)} ms, JS ${r.js_ms.toFixed(1)} ms)`);
    }
    console.log(`round ${round}: ${line.join(', ')}`);
  }
} finally {
  await browser.close();
  server.close();
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const b = median(ratios.baseline), c = median(ratios.candidate);
console.log(`median wasm/JS: baseline ${b.toFixed(3)}, candidate ${c.toFixed(3)}; candidate/baseline ${(c / b).toFixed(3)}`);
const tb = median(times.baseline), tc = median(times.candidate);
console.log(`median wasm ms: baseline ${tb.toFixed(1)}, candidate ${tc.toFixed(1)}; candidate/baseline ${(tc / tb).toFixed(3)}`);
