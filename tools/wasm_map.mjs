#!/usr/bin/env node
// A map of a WebAssembly module's bytes: the largest functions by body size, the data segments,
// and what each group of functions costs once compressed. Link the module with --profiling-funcs
// (a name section) for names: see PERFORMANCE.md, "The widget's weight".
//
//   node tools/wasm_map.mjs module.wasm [top] [group-regex ...]
//
// A group's gzip cost is the whole module's gzip size minus the gzip size of the module with the
// group's bodies left out: what shipping them adds, with what they share with the rest counted
// once (a sum of each function's own gzip size would count the dictionary many times).
import { readFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const [file, topArg = '40', ...groups] = process.argv.slice(2);
if (!file) {
  console.error('usage: node tools/wasm_map.mjs module.wasm [top] [group-regex ...]');
  process.exit(2);
}
const bytes = readFileSync(file);

function leb(at) {
  let value = 0, shift = 0, b;
  do {
    b = bytes[at.pos++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return value;
}

function name(at) {
  const n = leb(at);
  const s = bytes.subarray(at.pos, at.pos + n).toString('utf8');
  at.pos += n;
  return s;
}

// Sections: [id, start of contents, end]; imported functions come before the module's own.
const sections = [];
let imported = 0;
for (const at = { pos: 8 }; at.pos < bytes.length;) {
  const id = bytes[at.pos++];
  const size = leb(at);
  sections.push({ id, start: at.pos, end: at.pos + size });
  if (id === 2) {
    const imports = { pos: at.pos };
    for (let n = leb(imports); n > 0; n--) {
      name(imports), name(imports);
      const kind = bytes[imports.pos++];
      if (kind === 0) imported++, leb(imports);
      else if (kind === 1) imports.pos++, bytes[imports.pos++] & 1 ? (leb(imports), leb(imports)) : leb(imports);
      else if (kind === 2) bytes[imports.pos++] & 1 ? (leb(imports), leb(imports)) : leb(imports);
      else if (kind === 3) imports.pos += 2;
    }
  }
  at.pos += size;
}

const names = new Map();
for (const s of sections.filter((s) => s.id === 0)) {
  const at = { pos: s.start };
  if (name(at) !== 'name') continue;
  while (at.pos < s.end) {
    const kind = bytes[at.pos++];
    const end = leb(at) + at.pos;
    if (kind === 1) for (let n = leb(at); n > 0; n--) names.set(leb(at), name(at));
    at.pos = end;
  }
}

const functions = [];
const code = sections.find((s) => s.id === 10);
{
  const at = { pos: code.start };
  const n = leb(at);
  for (let i = 0; i < n; i++) {
    const size = leb(at);
    const index = imported + i;
    functions.push({ name: names.get(index) ?? `f${index}`, start: at.pos, size });
    at.pos += size;
  }
}
const data = sections.find((s) => s.id === 11);

const gzip = (b) => gzipSync(b, { level: 9 }).length;
const brotli = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
// The module's contents without the given functions' bodies (and, unnamed, nothing else).
function without(drop) {
  const parts = [];
  let from = 0;
  for (const f of functions.filter(drop).sort((a, b) => a.start - b.start)) {
    parts.push(bytes.subarray(from, f.start));
    from = f.start + f.size;
  }
  parts.push(bytes.subarray(from));
  return Buffer.concat(parts);
}

const total = { raw: bytes.length, gzip: gzip(bytes), brotli: brotli(bytes) };
const codeRaw = functions.reduce((sum, f) => sum + f.size, 0);
console.log(`${file}: ${total.raw} bytes, gzip ${total.gzip}, brotli ${total.brotli}`);
console.log(`  code ${codeRaw} raw in ${functions.length} functions; data ${data ? data.end - data.start : 0} raw;` +
  ` data's gzip cost ${total.gzip - gzip(Buffer.concat([bytes.subarray(0, data?.start ?? 0), bytes.subarray(data?.end ?? 0)]))}`);
console.log(`\nlargest functions (raw body bytes, gzip cost)`);
for (const f of [...functions].sort((a, b) => b.size - a.size).slice(0, Number(topArg)))
  console.log(`  ${String(f.size).padStart(7)} ${String(total.gzip - gzip(without((g) => g === f))).padStart(6)}  ${f.name.slice(0, 150)}`);
if (groups.length) {
  console.log(`\ngroups (functions whose name matches; raw, gzip cost, brotli cost)`);
  for (const g of groups) {
    const re = new RegExp(g);
    const members = functions.filter((f) => re.test(f.name));
    const rest = without((f) => re.test(f.name));
    const raw = members.reduce((sum, f) => sum + f.size, 0);
    console.log(`  ${String(raw).padStart(7)} ${String(total.gzip - gzip(rest)).padStart(6)} ${String(total.brotli - brotli(rest)).padStart(6)}  ${g} (${members.length})`);
  }
}
