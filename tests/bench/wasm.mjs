// Calls the product module (build/wasm/widget/colloquy.wasm) exactly as web/colloquy.js does:
// bytes copied into linear memory, one export call, meta JSON + HTML decoded from memory.
export async function loadCore(wasmBytes) {
  const imports = {
    env: { emscripten_notify_memory_growth() {}, colloquy_zone_offset() { return 0; } },  // UTC, as the widget by default
    wasi_snapshot_preview1: { proc_exit(code) { throw new Error('core exited ' + code); } },
  };
  const { instance } = await WebAssembly.instantiate(wasmBytes, imports);
  instance.exports._initialize();
  return instance.exports;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// One export call as the loader makes it: bytes and options JSON copied into linear memory,
// `fn` called; returns the answer's bytes (a view into memory: use it before the next call).
export function callCore(core, fn, bytes, options) {
  const opts = encoder.encode(JSON.stringify(options));
  const inPtr = core.colloquy_alloc(bytes.length);
  const optPtr = core.colloquy_alloc(opts.length);
  new Uint8Array(core.memory.buffer, inPtr, bytes.length).set(bytes);
  new Uint8Array(core.memory.buffer, optPtr, opts.length).set(opts);
  core[fn](inPtr, bytes.length, optPtr, opts.length);
  core.colloquy_free(inPtr);
  core.colloquy_free(optPtr);
  return new Uint8Array(core.memory.buffer, core.colloquy_result_data(), core.colloquy_result_size());
}

// Document bytes in, {meta, html} out (the HTML as one string, as the widget inserts it).
export function renderWasm(core, bytes, options = { sort: 'oldest' }) {
  const out = callCore(core, 'colloquy_render_comments', bytes, options);
  const nul = out.indexOf(0);
  const meta = JSON.parse(decoder.decode(out.subarray(0, nul)));
  const html = decoder.decode(out.subarray(nul + 1));
  core.colloquy_result_clear();
  return { meta, html };
}
