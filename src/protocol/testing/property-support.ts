/** Shared helpers of the codec's property tests: the run budget and chunking. */

/** Runs per property: FUZZ_RUNS raises it for long runs (issue 4), `fallback` otherwise. */
export function fuzzRuns(fallback: number): number {
  const n = Number.parseInt(process.env.FUZZ_RUNS ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export const RUNS = fuzzRuns(500);
/** Stream-based properties cost more per run. */
export const STREAM_RUNS = Math.max(1, Math.ceil(RUNS / 4));

/** Cuts `bytes` at the given points (taken modulo length + 1, so any point list is valid). */
export function cut(bytes: Buffer, points: readonly number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of at) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}
