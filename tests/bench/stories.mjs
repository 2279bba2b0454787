// Latest Stories speed in the product module: colloquy-stories.wasm called the way the loader calls it,
// once per feed given on the command line, 30 runs each; prints the median (no assertions).
//
//   node tests/bench/stories.mjs ../shared/data/feeds/valid/jsonfeed/*.json examples/seed/feed.json
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { callCore, loadCore } from './wasm.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const wasm = fs.readFileSync(path.join(process.env.COLLOQUY_WASM_BUILD || path.join(repo, 'build/wasm'), 'widget/colloquy-stories.wasm'));
const core = await loadCore(wasm);

function render(input, options) {
  const size = callCore(core, 'colloquy_render_stories', input, options).length;
  core.colloquy_result_clear();
  return size;
}

for (const file of process.argv.slice(2)) {
  const input = fs.readFileSync(file);
  const times = [];
  for (let i = 0; i < 30; i++) {
    const start = performance.now();
    render(input, { storiesCount: 3 });
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(`${path.basename(file)}: ${input.length} bytes, median ${times[15].toFixed(2)} ms`);
}
