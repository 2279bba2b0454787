// The page benchmark's median: of the numbers among `xs` (a run that failed has none), null
// when there is none; the mean of the middle two for an even count.
export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (!v.length) return null;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}
