// The `colloquy` CLI's thread commands, run as a static site would run them (node's test
// runner picks this file up with the browser tests; no browser is needed here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { build, repo } from './support.mjs';

const cli = path.join(build.native, 'examples/colloquy');
const run = (args, input) => spawnSync(cli, args, { input, encoding: 'utf8' });

const doc = JSON.stringify({ comments: [
  { id: 'a', created: '2020-01-01T00:00:00Z', text: 'first', votes: { up: 1, down: 3 } },
  { id: 'b', created: '2020-01-02T00:00:00Z', text: 'second', votes: { up: 9, down: 0 } },
  { id: 'b1', parent: 'b', created: '2020-01-03T00:00:00Z', text: 'reply' },
  { id: 'c', created: '2020-01-04T00:00:00Z', text: 'third' },
  { id: 'x', parent: 'nowhere', created: 0, text: 'orphan' },
  { id: 'bad', created: 'soon', text: 'never shown' },
  { id: 'a', created: 0, text: 'duplicate' },
] });

test('render --sort top --page-size 2 renders the first two threads by score, then a Load more button', () => {
  const r = run(['render', '--sort', 'top', '--page-size', '2', '-'], doc);
  assert.equal(r.status, 0, r.stderr);
  const ids = [...r.stdout.matchAll(/<article[^>]* data-id="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(ids, ['b', 'b1', 'a']);
  assert.match(r.stdout, /<option value="top" selected>/);
  assert.match(r.stdout, /data-action="more" data-next="2"/);
  assert.match(r.stderr, /bad_date/);  // problems are reported on stderr, the HTML is still made
});

test('render rejects an unknown order and a bad number', () => {
  assert.equal(run(['render', '--sort', 'best', '-'], doc).status, 2);
  assert.equal(run(['render', '--max-depth', '-1', '-'], doc).status, 2);
  assert.equal(run(['render', '--page-size', 'ten', '-'], doc).status, 2);
});

test('check prints every problem with its code as JSON; exit 1 only for an unusable document', () => {
  const r = run(['check', '-'], doc);
  assert.equal(r.status, 0);
  const report = JSON.parse(r.stdout);
  assert.equal(report.ok, true);
  assert.deepEqual(report.problems.map((p) => [p.code, p.index]),
    [['bad_date', 5], ['duplicate_id', 6], ['orphan', 4]]);
  const broken = run(['check', '-'], '{"comments": [');
  assert.equal(broken.status, 1);
  assert.equal(JSON.parse(broken.stdout).problems[0].code, 'not_json');
  assert.equal(run(['check', path.join(repo, 'examples/seed/comments.json')]).status, 0);
});
