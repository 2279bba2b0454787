// The in-process measurement shared by node and the Chromium page: wasm and the JavaScript
// baseline on the same bytes, medians of each. The two run in separate blocks (each after its
// own warm-up) rather than alternating: alternating made the wasm runs pay for the garbage
// collections of the JavaScript runs' hundreds of MB of objects (100,000 comments in Chromium:
// ~750 ms alternating, ~350 ms in a block), which measures the neighbour, not the code.
import { renderWasm } from './wasm.mjs';
import { renderJS } from './reference.mjs';

export function measure(core, bytes, runs, now) {
  const time = (fn) => {
    // Warm-up, not counted: at least one run and 300 ms, so that both sides run optimized code
    // (V8 compiles hot JavaScript and tiers wasm up from its baseline compiler in the background;
    // one run of a 1,000-comment thread took ~4 ms, too short for either).
    for (let start = now(), i = 0; i < 1 || now() - start < 300; i++) fn();
    const t = [];
    for (let i = 0; i < runs; i++) {
      const t0 = now();
      fn();
      t.push(now() - t0);
    }
    return t.sort((x, y) => x - y)[t.length >> 1];
  };
  const first = renderWasm(core, bytes);
  const same = first.html === renderJS(bytes);
  const w = time(() => renderWasm(core, bytes));
  const j = time(() => renderJS(bytes));
  const mb = bytes.length / 1e6;
  return { bytes: bytes.length, comments: first.meta.count, runs, wasm_ms: w, js_ms: j, wasm_mb_s: mb / (w / 1e3),
    js_mb_s: mb / (j / 1e3), ratio: w / j, same_html: same };
}
