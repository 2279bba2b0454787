// The in-process measurement shared by node and the Chromium page: wasm and the JavaScript
// baseline on the same bytes, alternating, medians of each.
import { renderWasm } from './wasm.mjs';
import { renderJS } from './reference.mjs';

export function measure(core, bytes, runs, now) {
  const wasm = [], js = [];
  let same = null, articles = 0;
  for (let i = 0; i <= runs; i++) {  // run 0 warms up (JIT, memory growth) and is not counted
    let t0 = now();
    const w = renderWasm(core, bytes);
    let t1 = now();
    const j = renderJS(bytes);
    let t2 = now();
    if (i) { wasm.push(t1 - t0); js.push(t2 - t1); }
    if (same === null) { same = w.html === j; articles = w.meta.count; }
  }
  const median = (a) => a.sort((x, y) => x - y)[a.length >> 1];
  const mb = bytes.length / 1e6;
  const w = median(wasm), j = median(js);
  return { bytes: bytes.length, comments: articles, runs, wasm_ms: w, js_ms: j, wasm_mb_s: mb / (w / 1e3),
    js_mb_s: mb / (j / 1e3), ratio: w / j, same_html: same };
}
