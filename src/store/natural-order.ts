/**
 * Natural (numeric-aware) string order, used to break delivery-time ties so that the seed's flat
 * files "1", "2", "10" list as 1, 2, 10 (not 1, 10, 2). RFC 1939 §5 only needs the order to be
 * fixed for a session; we also keep it stable across sessions and restarts, so it must be total
 * and deterministic: equal-looking names ("01" vs "1") fall back to plain code-unit order.
 */

const DIGIT_RUNS = /(\d+)/;

/** Compares two digit runs by numeric value without converting (they may exceed 2^53). */
function compareDigitRuns(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function naturalCompare(a: string, b: string): number {
  if (a === b) return 0;
  // split() with a capturing group alternates text and digit runs: odd indexes are digits.
  const pa = a.split(DIGIT_RUNS);
  const pb = b.split(DIGIT_RUNS);
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    const c = i % 2 === 1 ? compareDigitRuns(x, y) : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  return a < b ? -1 : 1;
}
