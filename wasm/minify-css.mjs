// Writes a stylesheet without its comments and the whitespace that means nothing: the shipped
// colloquy.css (its comments are most of its gzip size).
//   node wasm/minify-css.mjs web/colloquy.css build/wasm/widget/colloquy.css [--avatar web/colloquy-static.css]
// --avatar: the rules between "/* avatar: begin */" and "/* avatar: end */" in that file are
// added at the end, each selector without its ".colloquy-static " (the avatar's rules are
// written once, in the stylesheet for pre-rendered pages).
// Strings are kept as written; a run of whitespace becomes one space, or nothing next to
// { } ; , > and after ':' (never before ':' or next to parentheses, where a space is a
// descendant combinator or separates a media query's words); a ';' before '}' goes, and so do
// the quotes around an attribute selector's value that is a name ([data-scheme="dark"]).
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output, flag, avatarFile] = process.argv.slice(2);
let css = readFileSync(input, 'utf8');
if (flag === '--avatar') {
  const block = /\/\* avatar: begin \*\/([\s\S]*?)\/\* avatar: end \*\//.exec(readFileSync(avatarFile, 'utf8'));
  if (!block) throw new Error(`${avatarFile}: no "/* avatar: begin */ ... /* avatar: end */" block`);
  css += '\n' + block[1].replaceAll('.colloquy-static ', '');
} else if (flag) {
  throw new Error(`${flag}: unknown option (usage: minify-css.mjs input output [--avatar file])`);
}
const tokens = /("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(\/\*[\s\S]*?\*\/)|(\s+)/g;
let out = '';
let last = 0;
for (let m; (m = tokens.exec(css));) {
  out += css.slice(last, m.index);
  last = tokens.lastIndex;
  if (m[1]) out += m[1];
  else if (m[3] || m[2]) {
    const next = css.slice(last).replace(/^(\s|\/\*[\s\S]*?\*\/)+/, '')[0];
    if (out && !/[{};,>:]$/.test(out) && next && !'{};,>'.includes(next) && !out.endsWith(' ')) out += ' ';
  }
}
out += css.slice(last);
out = out.replace(/(\[[\w-]+[~|^$*]?=)(["'])(-?[A-Za-z_][\w-]*)\2\]|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|;(?=\})/g,
  (m, attribute, quote, name, string) => (attribute ? attribute + name + ']' : string || ''));
writeFileSync(output, out.trim() + '\n');
