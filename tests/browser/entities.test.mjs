// Named references in comment text: colloquy.wasm and colloquy-post.wasm leave most of them to
// the browser, which knows every HTML5 name (colloquy/references.hpp, COLLOQUY_BROWSER_ENTITIES),
// where the native core (`colloquy render`) decodes them with the whole table. Chromium parses
// all three: what a reader sees must be the same for every name of the table, for names that are
// no reference (some beginning with a legacy name such as "not"), and links keep the URL policy
// (a reference the modules do not decode never makes a scheme).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build, launch, repo } from './support.mjs';
import { loadCore, callCore } from '../bench/wasm.mjs';

const widget = path.join(build.wasm, 'widget');
const decoder = new TextDecoder();
const encoder = new TextEncoder();

// The HTML part of an answer (meta '\0' HTML).
function htmlOf(core, fn, bytes, options) {
  const out = callCore(core, fn, bytes, options);
  const html = decoder.decode(out.subarray(out.indexOf(0) + 1));
  core.colloquy_result_clear();
  return html;
}

// Texts that hold no named reference, or one only the table can decide.
const nonReferences = ['&notit;', '&ampx;', '&copyx;', '&foo;', '&1;', '&x;', '&nosuchentity;', '&notin;', '&not;', '&AMP;',
  '&a' + 'b'.repeat(40) + ';', '&amp', '& amp;', '&#233;', '&#x1F600;', '&#0;', '&ouml', 'x&ouml;y &uuml;&uuml;'];

test('comment text reads the same with the browser decoding named references', async () => {
  const reading = await loadCore(readFileSync(path.join(widget, 'colloquy.wasm')));
  const posting = await loadCore(readFileSync(path.join(widget, 'colloquy-post.wasm')));
  const browser = await launch();
  try {
    const page = await browser.newPage();
    // Every name of the table: entities.hpp's packed records (shared prefix + suffix) after "All".
    const header = readFileSync(path.join(repo, 'include/colloquy/entities.hpp'), 'latin1');
    const names = [];
    let previous = '';
    for (const m of header.slice(header.indexOf('// All ')).matchAll(/^ {4}"\\(\d{3})\\(\d{3})\\\d{3}([A-Za-z0-9]*)/gm)) {
      const name = previous.slice(0, parseInt(m[1], 8)) + m[3].slice(0, parseInt(m[2], 8));
      names.push(name);
      previous = name;
    }
    assert.equal(names.length, 2125);
    const all = [...nonReferences, ...names.map((n) => `&${n};`), ...names.map((n) => `a&${n};b *c&${n};*`)];
    const doc = JSON.stringify(all.map((text, i) => ({ id: 'c' + String(i).padStart(5, '0'), created: 0, text })));
    const thread = htmlOf(reading, 'colloquy_render_comments', encoder.encode(doc), { sort: 'oldest', now: 1 });
    const previews = all.map((text) => htmlOf(posting, 'colloquy_preview', encoder.encode(text), {}));
    const cli = spawnSync(path.join(build.native, 'examples/colloquy'), ['render', '-'], { input: doc, encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(cli.status, 0, cli.stderr);
    // The modules leave names to the browser: "&zeta;" is in their HTML as typed, not as "ζ"
    // ("&ouml;", a legacy name, they decode).
    assert.match(thread, /<p>&zeta;<\/p>/);
    assert.match(thread, /<p>ö<\/p>/);
    assert.ok(previews.includes('<p>&zeta;</p>\n'), 'the preview leaves &zeta; to the browser');
    assert.match(cli.stdout, /<p>ζ<\/p>/);
    const seen = await page.evaluate(([thread, exact, previews]) => {
      const parse = (html) => { const d = document.createElement('div'); d.innerHTML = html; return d; };
      const bodies = (html) => Object.fromEntries([...parse(html).querySelectorAll('div.comment')]
        .map((a) => [a.dataset.id, a.querySelector('.body').innerHTML]));
      return { thread: bodies(thread), exact: bodies(exact), previews: previews.map((h) => parse(h).innerHTML) };
    }, [thread, cli.stdout, previews]);
    const differ = all.filter((text, i) => {
      const id = 'c' + String(i).padStart(5, '0');
      return seen.thread[id] === undefined || seen.thread[id] !== seen.exact[id] || seen.previews[i] !== seen.exact[id];
    });
    assert.deepEqual(differ, [], 'what the reader sees differs for these texts');

    // Links: a reference the module does not decode stays literal ('&' escaped), so the URL policy
    // judges what the browser will see: no scheme is ever made of one.
    const links = ['[x](javascript&colon;alert(1))', '[x](java&Tab;script:alert(1))', '[x](/f&ouml;&ouml; "f&ouml;&ouml;")', '<javascript&colon;alert(1)>'];
    const linkDoc = JSON.stringify(links.map((text, i) => ({ id: 'l' + i, created: 0, text })));
    const linkHtml = htmlOf(reading, 'colloquy_render_comments', encoder.encode(linkDoc), { sort: 'oldest', now: 1 });
    const hrefs = await page.evaluate((html) => {
      const host = document.createElement('div');
      host.innerHTML = html;
      return [...host.querySelectorAll('.body a')].map((a) => a.protocol);
    }, linkHtml);
    assert.ok(hrefs.every((p) => p !== 'javascript:'), `link protocols ${hrefs}`);
  } finally {
    await browser.close();
  }
});
