// The page benchmark's chart, written as plain SVG from its figures: two panels (time to paint,
// longest main-thread task) against thread size, log scales on both axes, one line per system.
const COLORS = { colloquy: '#1c5a8c', baseline: '#6b6b6b', artalk: '#c0392b', waline: '#2e8b57' };
const W = 460;
const H = 320;
const M = { left: 64, right: 30, top: 40, bottom: 48 };

const log = Math.log10;
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
const num = (x) => x.toLocaleString('en-US');
const duration = (ms) => (ms >= 1000 ? `${num(ms / 1000)} s` : `${num(ms)} ms`);

// Decades that cover [lo, hi], at least one apart.
function decades(lo, hi) {
  const from = Math.floor(log(lo));
  const to = Math.max(Math.ceil(log(hi)), from + 1);
  return Array.from({ length: to - from + 1 }, (_, i) => 10 ** (from + i));
}

// One panel at (x0, 0): `series` is [{system, points: [[size, ms]], dashed}], `mark` an optional
// horizontal reference line {value, label}.
function panel(x0, title, sizes, series, mark) {
  const values = series.flatMap((s) => s.points.map(([, v]) => v)).concat(mark ? [mark.value] : []).filter((v) => v > 0);
  const ticks = decades(Math.min(...values), Math.max(...values));
  const [ylo, yhi] = [log(ticks[0]), log(ticks[ticks.length - 1])];
  const [xlo, xhi] = [log(sizes[0]), log(sizes[sizes.length - 1])];
  const px = (n) => x0 + M.left + (xhi === xlo ? 0.5 : (log(n) - xlo) / (xhi - xlo)) * (W - M.left - M.right);
  const py = (v) => M.top + (1 - (log(Math.max(v, ticks[0])) - ylo) / (yhi - ylo)) * (H - M.top - M.bottom);
  const parts = [`<text x="${x0 + W / 2}" y="22" class="title">${esc(title)}</text>`];
  for (const t of ticks) {
    parts.push(`<line x1="${px(sizes[0])}" x2="${px(sizes[sizes.length - 1])}" y1="${py(t)}" y2="${py(t)}" class="grid"/>`,
      `<text x="${x0 + M.left - 8}" y="${py(t) + 4}" class="ytick">${duration(t)}</text>`);
  }
  for (const n of sizes) {
    parts.push(`<line x1="${px(n)}" x2="${px(n)}" y1="${M.top}" y2="${H - M.bottom}" class="grid"/>`,
      `<text x="${px(n)}" y="${H - M.bottom + 18}" class="xtick">${num(n)}</text>`);
  }
  parts.push(`<text x="${x0 + W / 2}" y="${H - 8}" class="axis">comments in the thread</text>`);
  if (mark) {
    parts.push(`<line x1="${px(sizes[0])}" x2="${px(sizes[sizes.length - 1])}" y1="${py(mark.value)}" y2="${py(mark.value)}" class="mark"/>`,
      `<text x="${px(sizes[sizes.length - 1]) - 4}" y="${py(mark.value) - 5}" class="marklabel">${esc(mark.label)}</text>`);
  }
  for (const s of series) {
    const pts = s.points.filter(([, v]) => v > 0);
    if (!pts.length) continue;
    parts.push(`<polyline points="${pts.map(([n, v]) => `${px(n).toFixed(1)},${py(v).toFixed(1)}`).join(' ')}" stroke="${COLORS[s.system]}" class="line${s.dashed ? ' dashed' : ''}"/>`);
    if (!s.dashed) for (const [n, v] of pts) parts.push(`<circle cx="${px(n).toFixed(1)}" cy="${py(v).toFixed(1)}" r="3.5" fill="${COLORS[s.system]}"/>`);
  }
  return parts.join('\n');
}

export function chartSvg(report, SYSTEMS) {
  const { sizes, systems, results } = report;
  const points = (system, key) => sizes.map((n) => [n, results[n][system][key]]).filter(([, v]) => typeof v === 'number');
  const paint = systems.flatMap((system) => [
    { system, points: points(system, 'all') },
    { system, points: points(system, 'first10'), dashed: true },
  ]);
  const longest = systems.map((system) => ({ system, points: points(system, 'longest') }));
  const legend = systems.map((system, i) =>
    `<g transform="translate(${M.left + i * 150},${H + 14})"><line x1="0" x2="22" y1="0" y2="0" stroke="${COLORS[system]}" class="line"/>` +
    `<circle cx="11" cy="0" r="3.5" fill="${COLORS[system]}"/><text x="28" y="4" class="legend">${esc(SYSTEMS[system].label)}</text></g>`).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + 58}" viewBox="0 0 ${2 * W} ${H + 58}" font-family="sans-serif">
<style>
.title { font-size: 14px; font-weight: bold; text-anchor: middle; }
.axis { font-size: 12px; text-anchor: middle; fill: #333; }
.xtick { font-size: 11px; text-anchor: middle; fill: #333; }
.ytick { font-size: 11px; text-anchor: end; fill: #333; }
.legend { font-size: 12px; fill: #222; }
.note { font-size: 11px; fill: #555; }
.grid { stroke: #e3e3e3; stroke-width: 1; }
.mark { stroke: #999; stroke-width: 1; stroke-dasharray: 6 4; }
.marklabel { font-size: 11px; text-anchor: end; fill: #777; }
.line { fill: none; stroke-width: 2; }
.dashed { stroke-dasharray: 5 4; stroke-width: 1.5; }
</style>
<rect width="100%" height="100%" fill="#fff"/>
${panel(0, 'Time to paint (solid: all comments, dashed: first 10)', sizes, paint)}
${panel(W, 'Longest main-thread task', sizes, longest, { value: 50, label: '50 ms' })}
${legend}
<text x="${2 * W - M.right}" y="${H + 40}" class="note" text-anchor="end">${esc(`headless Chromium ${report.chromium}, medians of ${report.runs}, ${report.started.slice(0, 10)}`)}</text>
</svg>
`;
}
