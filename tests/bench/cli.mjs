// Whole-process speed of `colloquy render`: the generated 10,000-comment document (the one
// run.mjs uses) rendered by the CLI from its file to /dev/null, as a static-site build runs it.
// Process start, reading the file, rendering and writing the HTML are all in the figure.
//
//   nice -n 19 node tests/bench/cli.mjs [comments] [runs]     (defaults: 10000 comments, 21 runs)
//   nice -n 19 node tests/bench/cli.mjs real [runs]           (real threads: see realDocument)
//
// Prints the medians of the runs (after one warm-up): wall time and CPU time, and MB/s of input.
// Asserts nothing.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateDocument } from './generate.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
// 10,000 comments of real reply structures and texts: the Reddit threads of the shared test
// data (COLLOQUY_TEST_DATA, default ../shared/data), copied with their ids suffixed until there
// are enough, written as the test data is (one-space indents; Reddit's `html` field kept, which
// the reader skips). Test material only: the file stays in build/bench.
function realDocument(count) {
  const dir = path.join(process.env.COLLOQUY_TEST_DATA || path.join(repo, '../shared/data'), 'comments');
  const threads = fs.readdirSync(dir).filter((f) => /^reddit_.*\.json$/.test(f)).sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
  const comments = [];
  for (let copy = 0; comments.length < count; copy++)
    for (const c of threads.flat().slice(0, count - comments.length))
      comments.push({ ...c, id: `${c.id}-${copy}`, parent: c.parent ? `${c.parent}-${copy}` : null });
  return JSON.stringify({ thread: '/bench/real', comments, next: null }, null, 1);
}

const real = process.argv[2] === 'real';
const n = real ? 10000 : Number(process.argv[2] || 10000);
const runs = Number(process.argv[3] || 21);
const out = path.join(repo, 'build/bench');
fs.mkdirSync(out, { recursive: true });
const file = path.join(out, real ? 'comments-real.json' : `comments-${n}.json`);
if (!fs.existsSync(file)) fs.writeFileSync(file, real ? realDocument(n) : generateDocument(n, n));
// COLLOQUY_CLI: another build of the CLI to measure (a baseline kept aside), same command.
const cli = process.env.COLLOQUY_CLI || path.join(repo, 'build/native/examples/colloquy');
const bytes = fs.statSync(file).size;
// bash's `time` gives each run's wall clock and the CPU time (user + system) the process used:
// on a shared machine the wall clock includes waiting for a core, the CPU time does not.
const script = 'TIMEFORMAT="%R %U %S"; { time "$0" render "$1" > /dev/null; } 2>&1';
const wall = [], cpu = [];
for (let i = 0; i <= runs; i++) {
  const r = spawnSync('bash', ['-c', script, cli, file], { encoding: 'utf8' });
  const [real, user, sys] = r.stdout.trim().split(/\s+/).slice(-3).map(Number);
  if (r.status !== 0 || !(real >= 0)) throw new Error(`colloquy render failed: ${r.stdout}${r.stderr}`);
  if (i) {  // run 0 warms the page cache
    wall.push(real * 1e3);
    cpu.push((user + sys) * 1e3);
  }
}
const median = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
const mbs = (ms) => (bytes / 1e6 / (ms / 1e3)).toFixed(0);
const w = median(wall), c = median(cpu);
console.log(`colloquy render, whole process (${path.relative(repo, cli)}): ${n} comments, ${(bytes / 1e6).toFixed(2)} MB, ` +
  `${runs} runs: median wall ${w.toFixed(0)} ms (${mbs(w)} MB/s), median CPU ${c.toFixed(0)} ms (${mbs(c)} MB/s)`);
