// The `colloquy` CLI's thread commands, run as a static site would run them (node's test
// runner picks this file up with the browser tests; no browser is needed here).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, repo } from './support.mjs';

const cli = path.join(build.native, 'examples/colloquy');
const run = (args, input) => spawnSync(cli, args, { input, encoding: 'utf8' });
const tmp = mkdtempSync(path.join(tmpdir(), 'colloquy-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const doc = JSON.stringify({ comments: [
  { id: 'a', created: '2020-01-01T00:00:00Z', text: 'first', votes: { up: 1, down: 3 } },
  { id: 'b', created: '2020-01-02T00:00:00Z', text: 'second', votes: { up: 9, down: 0 } },
  { id: 'b1', parent: 'b', created: '2020-01-03T00:00:00Z', text: 'reply' },
  { id: 'c', created: '2020-01-04T00:00:00Z', text: 'third' },
  { id: 'x', parent: 'nowhere', created: 0, text: 'orphan' },
  { id: 'bad', created: 'soon', text: 'never shown' },
  { id: 'a', created: 0, text: 'duplicate' },
] });

test('render --sort top --page-size 2 renders the first two threads by score, as a static page', () => {
  const r = run(['render', '--sort', 'top', '--page-size', '2', '-'], doc);
  assert.equal(r.status, 0, r.stderr);
  const ids = [...r.stdout.matchAll(/<div class="comment[^"]*"[^>]* data-id="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(ids, ['b', 'b1', 'a']);
  // Marked for colloquy-static.css; no control that needs the script (reply, sort, load more).
  assert.match(r.stdout, /^<section class="comments colloquy-static" part="comments"[ >]/);
  assert.doesNotMatch(r.stdout, /<button|<select|data-action/);
  assert.match(r.stderr, /bad_date/);  // problems are reported on stderr, the HTML is still made
  // --flag=value reads the same, and the file after it stays a file.
  const file = path.join(tmp, 'doc.json');
  writeFileSync(file, doc);
  const same = run(['render', '--sort=top', '--page-size=2', file]);
  assert.equal(same.status, 0, same.stderr);
  assert.equal(same.stdout, r.stdout);
  // The next page is a page of its own.
  const next = run(['render', '--sort=top', '--page-size=2', '--offset=2', file]);
  assert.deepEqual([...next.stdout.matchAll(/<div class="comment[^"]*"[^>]* data-id="([^"]+)"/g)].map((m) => m[1]), ['x', 'c']);
});

test('a long thread is written out as it is rendered: the same HTML whole, and a failed write is exit 1', () => {
  // 3,000 comments: several pieces of the renderer's 256 KB output, which the CLI writes as they come.
  const comments = [];
  for (let i = 0; i < 3000; i++)
    comments.push({ id: `c${i}`, parent: i % 3 ? `c${i - 1}` : null, created: 1285423380 + i * 60,
      author: { name: `Reader ${i % 7}`, location: 'Zürich' }, text: `Comment ${i}: <b>&</b> ${'word '.repeat(60)}` });
  const file = path.join(tmp, 'long.json');
  writeFileSync(file, JSON.stringify({ comments }));
  const r = spawnSync(cli, ['render', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.length > 1 << 20, `${r.stdout.length} bytes`);
  assert.match(r.stdout, /^<section class="comments colloquy-static"/);
  assert.ok(r.stdout.endsWith('</div></section>\n'));
  const ids = [...r.stdout.matchAll(/<div class="comment[^"]*"[^>]* data-id="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(ids.length, 3000);
  assert.equal(new Set(ids).size, 3000);
  // Rendered on two threads in blocks (main.cpp), the comments are those of pages rendered in
  // one pass each (50 threads of 3 comments: below the two-thread threshold), in order.
  const articles = (html) => html.slice(html.indexOf('<div class="comment'), html.lastIndexOf('</div></section>'));
  let pages = '';
  for (let offset = 0; offset < 1000; offset += 50) {
    const page = spawnSync(cli, ['render', '--page-size=50', `--offset=${offset}`, file], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(page.status, 0, page.stderr);
    pages += articles(page.stdout);
  }
  assert.equal(articles(r.stdout), pages);
  // A full disk: said on stderr, exit 1 (not a silent, truncated page).
  const full = spawnSync(cli, ['render', file], { encoding: 'utf8', stdio: ['ignore', openSync('/dev/full', 'w'), 'pipe'] });
  assert.equal(full.status, 1);
  assert.match(full.stderr, /^colloquy render: cannot write the HTML: /);
});

test('the static stylesheet styles only what render writes, under its wrapper class', () => {
  const css = readFileSync(path.join(repo, 'web/colloquy-static.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const selectors = [...css.matchAll(/([^{}]+)\{/g)].map((m) => m[1].trim()).filter((s) => !s.startsWith('@'));
  assert.ok(selectors.length > 10);
  for (const list of selectors)
    for (const one of list.split(',')) assert.match(one.trim(), /^\.colloquy-static(\s|$|\.|>|\[)/, `${one} is not scoped`);
});

test('every command answers -h and --help on stdout with exit 0', () => {
  for (const command of ['render', 'check', 'stories', 'serve', 'admin']) {
    for (const flag of ['-h', '--help']) {
      const r = run([command, flag]);
      assert.equal(r.status, 0, `${command} ${flag}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^usage: colloquy ${command}`));
      assert.equal(r.stderr, '');
    }
  }
  assert.equal(run(['--help']).status, 0);
  assert.equal(run(['render', '--sort', 'top', '--help']).status, 0);  // help wins wherever it is
});

test('unknown flags, extra arguments, missing values and bad values are refused: exit 2, one line', () => {
  const file = path.join(tmp, 'doc.json');
  writeFileSync(file, doc);
  const cases = [
    [['render', '--sortt', 'top', file], /unknown option --sortt \(did you mean --sort\?\)/],
    [['render', file, file], /unexpected argument .* \(render takes one FILE\)/],
    [['check', file, 'extra'], /unexpected argument extra/],
    [['stories', '--colour', 'red'], /unknown option --colour/],
    [['render', '-x', file], /unknown option -x/],
    [['render', file, '--max-depth'], /option --max-depth needs a value/],
    [['render', '--locale', 'xx', file], /unknown --locale xx \(known: en, fr, de, es, ru/],
    [['stories', '--locale=tlh', file], /unknown --locale tlh/],
    [['render', '--sort=best', file], /unknown --sort best/],
    [['render', '--page-size=', file], /--page-size needs a whole number/],
    [['serve', '--bogus', 'x'], /unknown option --bogus/],
    [['serve', 'extra'], /unexpected argument extra \(serve takes no arguments\)/],
    [['serve', '--moderate=yes'], /option --moderate takes no value/],
    [['render', '--help=x', file], /option --help takes no value/],
    [['serve', '--port=99999'], /bad --port 99999/],
    [['serve', '--cors', 'blog.example'], /bad --cors blog\.example \(an origin as the browser sends it/],
    [['serve', '--cors=https://blog.example/comments'], /bad --cors https:\/\/blog\.example\/comments/],
    [['serve', '--cors', 'https://a.example,ftp://b.example'], /bad --cors ftp:\/\/b\.example/],
    [['serve', '--cors', 'https://blog.example:'], /bad --cors/],
    [['admin', 'pending', 'more'], /unexpected argument more/],
    [['admin', 'frobnicate'], /expected pending, approve, reject, delete or restore, not frobnicate/],
    [['admin', 'pending', '--tread', 't'], /did you mean --thread\?/],
    [['nonsense'], /unknown command nonsense/],
  ];
  for (const [args, message] of cases) {
    const r = run(args, '');
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, `${args.join(' ')}: one line`);
    assert.equal(r.stdout, '');
  }
  assert.equal(run(['render', '--locale', 'fr-CA', file]).status, 0);  // a region of a known language
});

test('a directory or a missing file is named as such', () => {
  for (const command of ['render', 'check', 'stories']) {
    const dir = run([command, tmp]);
    assert.equal(dir.status, 2);
    assert.match(dir.stderr, new RegExp(`^colloquy ${command}: .* is a directory, not a file\n$`));
    const missing = run([command, path.join(tmp, 'nope.json')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read .*nope\.json: No such file or directory/);
  }
  const db = run(['admin', 'pending', '--db', tmp]);
  assert.equal(db.status, 2);
  assert.match(db.stderr, /is a directory/);
});

test('a large document read from two places at once gives the one-pass answer, problems and errors included', () => {
  // Over 256 KB, `colloquy render` reads the comments on two threads from an item boundary near
  // the middle (main.cpp two_thread_reading) when a processor is free at the start, which a busy
  // machine may not have; under `taskset -c 0` (one processor) always in one pass. The splits
  // themselves, at every boundary, are tested on one thread in read_split_test.cpp.
  const comments = [];
  for (let i = 0; i < 2000; i++)
    comments.push({ id: `c${i}`, parent: i % 4 ? `c${i - 1}` : null, created: 1285423380 + i, text: `Comment ${i} ${'word '.repeat(30)}` });
  comments.push({ id: 'c10', created: 0, text: 'an early id again, late' }, 7, { id: 'late', created: 'soon', text: 'bad date' });
  const plain = JSON.stringify({ thread: '/t', comments, next: null }, null, 1);
  // The middle inside texts that look like item boundaries ("}, {"): the second reader's start is fooled.
  const fooled = [...comments];
  for (let i = 0; i < 20; i++) fooled.splice(1000, 0, { id: `f${i}`, created: 0, text: '"}, {"id": "x"} , {'.repeat(1500) });
  const docs = { plain, fooled: JSON.stringify({ comments: fooled }), truncated: plain.slice(0, Math.floor(plain.length * 0.8)) };
  for (const [name, text] of Object.entries(docs)) {
    const file = path.join(tmp, `${name}.json`);
    writeFileSync(file, text);
    assert.ok(text.length > 256 << 10, name);
    const options = { encoding: 'utf8', maxBuffer: 64 << 20 };
    const two = spawnSync(cli, ['render', file], options);
    const one = spawnSync('taskset', ['-c', '0', cli, 'render', file], options);
    assert.equal(one.error, undefined);
    assert.equal(two.status, one.status, name);
    assert.equal(two.stderr, one.stderr, name);
    assert.ok(two.stdout === one.stdout, `${name}: the same HTML`);
    if (name === 'truncated') assert.match(two.stderr, /not_json: document is not valid JSON: unexpected end of input at line \d+/);
    else assert.match(two.stderr, /"code":"duplicate_id","field":"id","id":"c10","index":20[02]0,/);
  }
});

test('a JSON syntax error says where: line and column, from the core, with the code not_json', () => {
  const broken = '[\n  {"id": "a", "created": 0,\n   "text": tru}\n]';
  const c = run(['check', '-'], broken);
  assert.equal(c.status, 1);
  const [p] = JSON.parse(c.stdout).problems;
  assert.equal(p.code, 'not_json');
  assert.equal(p.line, 3);
  assert.equal(p.column, 12);
  assert.match(p.message, /unexpected character 't' at line 3, column 12/);
  const r = run(['render', '-'], broken);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, "colloquy render: <stdin>: not_json: document is not valid JSON: unexpected character 't' at line 3, column 12\n");
  assert.equal(r.stdout, '');
  // A NUL is not JSON for render either (it once read what followed as a second page).
  const nul = '{"comments": [{"id": "a", "created": 0, "text": "x"}]}\0{"comments": []}';
  for (const command of ['render', 'check']) {
    const n = run([command, '-'], nul);
    assert.equal(n.status, 1, command);
    assert.match(command === 'render' ? n.stderr : n.stdout, /not_json.*unexpected byte 0x00 at line 1, column 55/, command);
  }
  const feed = run(['stories', '-'], '{"items": [\n  {"url": "https://e.x/",}\n]}');
  assert.equal(feed.status, 1);
  assert.equal(feed.stderr, "colloquy stories: <stdin>: not_json: feed is not valid JSON: unexpected character '}' at line 2, column 26\n");
});

// ~20 MB of junk: every item skipped (one problem each). The problem list is bounded (the first
// 1,000 and a count), so time and memory stay linear and small (it took 241 s and 8.1 GB when
// every problem was kept: most were `{}` items of 3 bytes, each ~1 KB as a problem and its JSON).
test('check on 20 MB of junk items: the first 1,000 problems and a count of the rest', (t) => {
  const kinds = ['{}', '7', '{"id":"j","created":"soon","text":"junk"}', '{"id":1,"created":0,"text":[]}',
    '"not a comment"', '{"id":[],"created":0,"text":"x"}', '{"created":0,"text":"no id"}', 'null'];
  const n = 1000000;
  const items = new Array(n);
  for (let i = 0; i < n; ++i) items[i] = kinds[i % kinds.length];
  const file = path.join(tmp, 'junk.json');
  writeFileSync(file, '{"comments":[' + items.join(',') + ']}');
  const bytes = statSync(file).size;
  assert.ok(bytes > 19e6, `${bytes} bytes`);
  const timed = existsSync('/usr/bin/time');
  const started = process.hrtime.bigint();
  const r = timed
    ? spawnSync('/usr/bin/time', ['-v', cli, 'check', file], { encoding: 'utf8', maxBuffer: 64 << 20 })
    : spawnSync(cli, ['check', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rss = timed ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]) / 1024 : NaN;
  t.diagnostic(`colloquy check on ${(bytes / 1e6).toFixed(1)} MB of junk (${n} items): ` +
    `${seconds.toFixed(2)} s, peak RSS ${timed ? rss.toFixed(0) + ' MB' : 'not measured (no /usr/bin/time)'} ` +
    '(goal: <= 2 s, <= 200 MB; asserted: only the bounded problem list)');
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.ok, true);
  assert.equal(report.problems.length, 1000);
  assert.equal(report.problemsOmitted, n - 1000);
  assert.deepEqual(report.problems.slice(0, 2).map((p) => [p.code, p.index]), [['missing_id', 0], ['item_not_object', 1]]);
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
  assert.equal(JSON.parse(broken.stdout).problems[0].line, 1);
  assert.equal(JSON.parse(broken.stdout).problems[0].column, 15);
  assert.equal(run(['check', path.join(repo, 'examples/seed/comments.json')]).status, 0);
});
