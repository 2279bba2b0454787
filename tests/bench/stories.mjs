// Latest Stories speed in the product module: colloquy.wasm called the way the loader calls it,
// once per feed given on the command line, 30 runs each; prints the median (no assertions).
//
//   node tests/bench/stories.mjs ../shared/data/feeds/valid/jsonfeed/*.json examples/seed/feed.json
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const wasm = fs.readFileSync(path.join(process.env.COLLOQUY_WASM_BUILD || path.join(repo, 'build/wasm'), 'widget/colloquy.wasm'));
const { instance } = await WebAssembly.instantiate(wasm, {
  env: { emscripten_notify_memory_growth() {}, colloquy_zone_offset() { return 0; } },  // UTC, as the widget by default
  wasi_snapshot_preview1: { proc_exit(code) { throw new Error('core exited ' + code); } },
});
const core = instance.exports;
core._initialize();
const encoder = new TextEncoder();

function render(input, options) {
  const opts = encoder.encode(JSON.stringify(options));
  const inPtr = core.colloquy_alloc(input.length);
  const optPtr = core.colloquy_alloc(opts.length);
  new Uint8Array(core.memory.buffer, inPtr, input.length).set(input);
  new Uint8Array(core.memory.buffer, optPtr, opts.length).set(opts);
  core.colloquy_render_stories(inPtr, input.length, optPtr, opts.length);
  core.colloquy_free(inPtr);
  core.colloquy_free(optPtr);
  const size = core.colloquy_result_size();
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
