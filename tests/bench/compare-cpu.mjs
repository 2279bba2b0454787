// Two or more builds of colloquy.wasm side by side under node, in one process, timed in CPU time
// (process.cpuUsage) rather than wall time: on a machine shared with other jobs, wall time
// mostly measures the neighbours (compare.mjs in Chromium saw the same module's wasm/JS swing
// from 0.135 to 0.459 between rounds at a load average of 12), while CPU time moves by ~1-2%.
// Each round renders the same document once with every module, in a rotating order; the first
// two rounds are warm-up. "core" is the export call, "with decode" adds the TextDecoder of the
// answer, as the widget and the Chromium benchmark (measure.mjs) pay it.
//
//   node tests/bench/compare-cpu.mjs BASELINE.wasm CANDIDATE.wasm [...] [comments=10000] [rounds=20]
//
// Prints each module's medians and their ratios to the first; asserts nothing (PERFORMANCE.md).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDocument } from './generate.mjs';
import { loadCore, callCore } from './wasm.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const files = args.filter((a) => a.endsWith('.wasm'));
const [count = '10000', roundsArg = '20'] = args.filter((a) => !a.endsWith('.wasm'));
if (files.length < 2) {
  console.error('usage: node tests/bench/compare-cpu.mjs BASELINE.wasm CANDIDATE.wasm [...] [comments] [rounds]');
  process.exit(2);
}
const n = Number(count), rounds = Number(roundsArg);
const out = path.resolve(here, '../../build/bench');
fs.mkdirSync(out, { recursive: true });
const doc = path.join(out, `comments-${n}.json`);
if (!fs.existsSync(doc)) fs.writeFileSync(doc, generateDocument(n, n));
const bytes = fs.readFileSync(doc);

const cores = await Promise.all(files.map(async (f) => loadCore(fs.readFileSync(f))));
const core = files.map(() => []), total = files.map(() => []);
const decoder = new TextDecoder();
const cpuMs = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
let reference;
for (let round = 0; round < rounds + 2; round++) {
  for (let k = 0; k < files.length; k++) {
    const i = (k + round) % files.length;
    const start = process.cpuUsage();
    const answer = callCore(cores[i], 'colloquy_render_comments', bytes, { sort: 'oldest' });
    const called = cpuMs(start);
    const html = decoder.decode(answer);
    const decoded = cpuMs(start);
    cores[i].colloquy_result_clear();
    if (reference === undefined) reference = html;
    else if (html !== reference) throw new Error(`${files[i]}: its answer differs from ${files[0]}'s`);
    if (round >= 2) core[i].push(called), total[i].push(decoded);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(`${n} comments, ${rounds} rounds, CPU time (median), load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
files.forEach((f, i) => {
  const c = median(core[i]), t = median(total[i]);
  console.log(`${f}: core ${c.toFixed(1)} ms (${(c / median(core[0])).toFixed(3)}), with decode ${t.toFixed(1)} ms (${(t / median(total[0])).toFixed(3)})`);
});
