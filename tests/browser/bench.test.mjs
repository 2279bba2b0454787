// The page benchmark (tests/bench/widgets.mjs) in its smoke mode: one run of each system at 200
// comments, so a change to the widget, the pinned packages or the probe that leaves the
// benchmark unable to measure fails here, not on the day the benchmark is next run. No figure
// is judged: only that each one was measured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { build, repo } from './support.mjs';

test('the page benchmark measures every system (--smoke)', () => {
  const r = spawnSync(process.execPath, [path.join(repo, 'tests/bench/widgets.mjs'), '--smoke'], { encoding: 'utf8', timeout: 300000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const report = JSON.parse(readFileSync(path.join(repo, 'build/bench/page-results-smoke.json'), 'utf8'));
  for (const system of ['colloquy', 'baseline', 'artalk', 'waline']) {
    const m = report.results[200][system];
    assert.equal(m.failed, 0, `${system}: ${m.errors.join('; ')}`);
    assert.equal(m.comments, 200, `${system}: comments on the page`);
    assert.ok(m.first10 > 0 && m.all >= m.first10, `${system}: first 10 painted ${m.first10} ms, all ${m.all} ms`);
    assert.ok(m.elementsPerComment >= 1, `${system}: ${m.elementsPerComment} elements per comment`);
    assert.ok(m.dataBytes > 0, `${system}: API answer bytes`);
  }
  // Colloquy's files are counted as sent: at least their brotli forms (headers come on top).
  const widget = path.join(build.wasm, 'widget');
  const brotli = ['colloquy.js', 'colloquy.css', 'colloquy.wasm'].reduce((sum, f) => sum + statSync(path.join(widget, f + '.br')).size, 0);
  assert.ok(report.results[200].colloquy.codeBytes >= brotli, `Colloquy code ${report.results[200].colloquy.codeBytes} B, its .br files ${brotli} B`);
  assert.match(readFileSync(path.join(repo, 'build/bench/widgets-smoke.svg'), 'utf8'), /^<svg [^>]*>[\s\S]*<circle [\s\S]*<\/svg>\n$/);
});
