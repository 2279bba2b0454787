// End-to-end benchmark: generated threads of 1,000 / 10,000 / 100,000 comments rendered from
// document bytes to HTML natively, as wasm under node, and as wasm in headless Chromium, with
// a straightforward JavaScript implementation of the same pipeline in the same process.
//
//   tests/setup.sh && nice -n 19 node tests/bench/run.mjs [sizes...]
//
// Prints medians, MB/s and the wasm/JS ratio; writes build/bench/results.json. Not a test:
// it asserts nothing about speed (see PERFORMANCE.md).
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateDocument } from './generate.mjs';
import { loadCore } from './wasm.mjs';
import { measure } from './measure.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const out = path.join(repo, 'build/bench');
fs.mkdirSync(out, { recursive: true });
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const docs = (sizes.length ? sizes : [1000, 10000, 100000]).map((n) => ({
  n, runs: n >= 100000 ? 5 : n >= 10000 ? 11 : 21, file: path.join(out, `comments-${n}.json`),
}));
for (const d of docs) if (!fs.existsSync(d.file)) fs.writeFileSync(d.file, generateDocument(d.n, d.n));

// Native: the release flags of build/native (-O3 -DNDEBUG), the same header-only core.
const bench = path.join(out, 'colloquy_bench');
const sources = [path.join(here, 'bench.cpp'), ...fs.readdirSync(path.join(repo, 'include/colloquy')).map((f) => path.join(repo, 'include/colloquy', f))];
if (!fs.existsSync(bench) || sources.some((s) => fs.statSync(s).mtimeMs > fs.statSync(bench).mtimeMs)) {
  console.log('building the native benchmark (g++ -O3)...');
  execFileSync('g++', ['-std=c++20', '-O3', '-DNDEBUG', '-I', path.join(repo, 'include'), '-isystem',
    path.join(repo, 'build/native/third_party'), path.join(here, 'bench.cpp'), '-o', bench], { stdio: 'inherit' });
}
const native = {};
for (const d of docs) {
  const line = execFileSync(bench, [String(d.runs), d.file], { encoding: 'utf8' });
  native[d.n] = JSON.parse(line);
}

// wasm under node, the JavaScript baseline in the same process.
// COLLOQUY_BENCH_WASM: another module to measure (a baseline build kept aside), same command.
const wasmFile = process.env.COLLOQUY_BENCH_WASM || path.join(repo, 'build/wasm/widget/colloquy.wasm');
const wasmBytes = fs.readFileSync(wasmFile);
const core = await loadCore(wasmBytes);
const node = {};
for (const d of docs) node[d.n] = measure(core, new Uint8Array(fs.readFileSync(d.file)), d.runs, () => performance.now());

// wasm in headless Chromium, the JavaScript baseline on the same page.
const types = { '.html': 'text/html', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const server = http.createServer((req, res) => {
  const name = path.basename(new URL(req.url, 'http://x').pathname);
  const file = name === 'colloquy.wasm' ? wasmFile : name.startsWith('comments-') ? path.join(out, name) : path.join(here, name);
  if (!fs.existsSync(file)) { res.writeHead(404); return res.end(); }
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
process.env.NODE_PATH = path.join(repo, 'node_modules');
const { launch } = await import('../browser/support.mjs');
const browser = await launch();
let chromium = {};
let version = '';
try {
  version = await browser.version();
  const page = await browser.newPage();
  const query = docs.map((d) => 'doc=' + encodeURIComponent(`${path.basename(d.file)}:${d.runs}`)).join('&');
  await page.goto(`http://127.0.0.1:${server.address().port}/page.html?${query}`);
  const handle = await page.waitForFunction(() => window.benchResult, null, { timeout: 1800000, polling: 500 });
  for (const [i, r] of (await handle.jsonValue()).entries()) chromium[docs[i].n] = r;
} finally {
  await browser.close();
  server.close();
}

const f = (x, d = 1) => x.toFixed(d);
console.log(`\ncolloquy benchmark: document bytes in, HTML out (medians); Chromium ${version}, node ${process.version}`);
console.log('comments |    MB | native ms  MB/s | node wasm ms  MB/s   JS ms  MB/s  wasm/JS | chromium wasm ms  MB/s   JS ms  MB/s  wasm/JS | same HTML');
for (const d of docs) {
  const n = native[d.n], w = node[d.n], c = chromium[d.n];
  console.log(`${String(d.n).padStart(8)} | ${f(n.bytes / 1e6, 2).padStart(5)} | ${f(n.median_ms, 2).padStart(9)} ${f(n.mb_s, 0).padStart(5)} | ` +
    `${f(w.wasm_ms).padStart(12)} ${f(w.wasm_mb_s, 0).padStart(5)} ${f(w.js_ms).padStart(7)} ${f(w.js_mb_s, 0).padStart(5)} ${f(w.ratio, 2).padStart(8)} | ` +
    `${f(c.wasm_ms).padStart(16)} ${f(c.wasm_mb_s, 0).padStart(5)} ${f(c.js_ms).padStart(7)} ${f(c.js_mb_s, 0).padStart(5)} ${f(c.ratio, 2).padStart(8)} | ` +
    `${w.same_html && c.same_html ? 'yes' : 'NO'}`);
}
fs.writeFileSync(path.join(out, 'results.json'), JSON.stringify({ version, node: process.version, native, wasm_node: node, chromium }, null, 1));
