// The Chromium side of the benchmark: the same measurement as under node, on a page.
import { loadCore } from './wasm.mjs';
import { measure } from './measure.mjs';

const params = new URLSearchParams(location.search);
const core = await loadCore(await (await fetch('colloquy.wasm')).arrayBuffer());
const results = [];
for (const spec of params.getAll('doc')) {
  const [name, runs] = spec.split(':');
  const bytes = new Uint8Array(await (await fetch(name)).arrayBuffer());
  results.push({ name, ...measure(core, bytes, Number(runs), () => performance.now()) });
  document.getElementById('out').textContent = JSON.stringify(results, null, 1);
}
window.benchResult = results;
