// The npm package of the widget, used as a site would: `npm pack` of the built widget folder,
// the tarball installed into a scratch project, its folder served by `colloquy serve --widget`,
// and the seed page loading the widget from there (in Chromium, through driver.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from '../browser/support.mjs';
import { startSession } from './driver.mjs';
import { withSite } from './site.mjs';

const widget = path.join(build.wasm, 'widget');
const npm = (args, cwd) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });

let scratch;
let session;
before(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-npm-'));
  session = await startSession('chromium');
});
after(async () => {
  await session?.close();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

test('npm pack of the widget folder gives a tarball a site installs and serves', async () => {
  const [packed] = JSON.parse(npm(['pack', widget, '--json', '--pack-destination', scratch], scratch));
  const version = JSON.parse(fs.readFileSync(path.join(widget, 'package.json'), 'utf8')).version;
  assert.equal(packed.filename, `colloquy-widget-${version}.tgz`);
  // The loader, the scripts it fetches when needed, the styles and the modules, each precompressed.
  const scripts = fs.readdirSync(widget).filter((f) => /^colloquy(-[a-z]+)?\.js$/.test(f));
  assert.ok(scripts.includes('colloquy-post.js'), scripts.join(' '));
  // The modules: reading (colloquy.wasm, and one per language: colloquy-fr.wasm, ...), stories, posting.
  const modules = fs.readdirSync(widget).filter((f) => /^colloquy(-[a-z]+)?\.wasm$/.test(f));
  assert.ok(['colloquy.wasm', 'colloquy-fr.wasm', 'colloquy-stories.wasm', 'colloquy-post.wasm'].every((m) => modules.includes(m)), modules.join(' '));
  const shipped = [...scripts, 'colloquy.css', ...modules].flatMap((f) => [f, `${f}.gz`, `${f}.br`]);
  assert.deepEqual(packed.files.map((f) => f.path).sort(),
    [...shipped, 'colloquy-static.css', 'README.md', 'package.json'].sort());

  const site = path.join(scratch, 'site');
  fs.mkdirSync(site);
  npm(['init', '-y'], site);
  npm(['install', '--offline', path.join(scratch, packed.filename)], site);
  const installed = path.join(site, 'node_modules/colloquy-widget');
  for (const f of shipped) {
    assert.ok(fs.readFileSync(path.join(installed, f)).equals(fs.readFileSync(path.join(widget, f))), `${f} as built`);
  }

  await withSite(session, ['--widget', installed], async (s) => {
    const served = await fetch(`${s.url}/colloquy/colloquy.js`);
    assert.equal(served.status, 200);
    assert.equal(await served.text(), fs.readFileSync(path.join(installed, 'colloquy.js'), 'utf8'));
    await session.open(s.url + '/');
    await session.waitFor('div.comment[role="article"]', 3);
    await session.waitFor('article.story-card', 3);
    await session.waitFor('form.compose');
    const wasm = await session.evaluate(() => performance.getEntriesByType('resource')
      .filter((r) => new URL(r.name).pathname === '/colloquy/colloquy.wasm').length);
    assert.equal(wasm, 1, 'the module was fetched from the installed folder');
    assert.deepEqual(await session.problems(), { errors: [], warnings: [], csp: [], calls: [] });
  });
});
