// Prints colloquy::widget_setup("{}") from the built module: the defaults and English messages
// that wasm/widget.cmake writes into the shipped loader, so they are defined once, in the core.
//   node wasm/setup.mjs build/wasm/widget/colloquy.wasm
import { readFileSync } from 'node:fs';

const imports = {
  env: { emscripten_notify_memory_growth() {}, colloquy_zone_offset() { return 0; } },
  wasi_snapshot_preview1: { proc_exit(code) { throw new Error(`core exited ${code}`); } },
};
const { instance } = await WebAssembly.instantiate(readFileSync(process.argv[2]), imports);
const x = instance.exports;
x._initialize();
const options = new TextEncoder().encode('{}');
const at = x.colloquy_alloc(options.length);
new Uint8Array(x.memory.buffer, at, options.length).set(options);
x.colloquy_widget_setup(0, 0, at, options.length);
const answer = new TextDecoder().decode(new Uint8Array(x.memory.buffer, x.colloquy_result_data(), x.colloquy_result_size()));
process.stdout.write(JSON.stringify(JSON.parse(answer))); // one line, or a parse error here
