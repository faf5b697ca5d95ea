/**
 * Latency statistics for the benchmark: a growable sample buffer and nearest-rank percentiles.
 * Pure code, unit-tested in stats.test.ts.
 */

/** Append-only Float64 samples (milliseconds), grown by doubling; bounded by `max` samples. */
export class Samples {
  private data: Float64Array;
  private n = 0;
  /** Samples offered after the buffer was full (counted, not kept). */
  dropped = 0;

  constructor(
    initial = 1024,
    private readonly max = 5_000_000,
  ) {
    this.data = new Float64Array(Math.max(1, initial));
  }

  push(value: number): void {
    if (this.n === this.data.length) {
      if (this.n >= this.max) {
        this.dropped++;
        return;
      }
      const next = new Float64Array(Math.min(this.max, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.n++] = value;
  }

  get length(): number {
    return this.n;
  }

  toArray(): number[] {
    return Array.from(this.data.subarray(0, this.n));
  }
}

/**
 * Nearest-rank percentile (p in 0..100) of values already sorted ascending: the smallest value
 * such that at least p% of the samples are at or below it. Undefined for no samples.
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number | undefined {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const n = sorted.length;
  if (n === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sorted[Math.min(n, rank) - 1];
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number | undefined;
  readonly p90: number | undefined;
  readonly p99: number | undefined;
  readonly max: number | undefined;
  readonly mean: number | undefined;
}

export function summarize(values: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const n = sorted.length;
  return {
    count: n,
    p50: percentileSorted(sorted, 50),
    p90: percentileSorted(sorted, 90),
    p99: percentileSorted(sorted, 99),
    max: n === 0 ? undefined : sorted[n - 1],
    mean: n === 0 ? undefined : sum / n,
  };
}

/** Ratio a/b, undefined when either is missing or b is zero. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || b === 0) return undefined;
  return a / b;
}

/** "12.3" style fixed formatting with a dash for missing values. */
export function fmt(value: number | undefined, digits = 1): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return value.toFixed(digits);
}

/** Bytes as MiB (2^20 octets). */
export function mib(bytes: number | undefined, digits = 1): string {
  return bytes === undefined ? '–' : (bytes / 2 ** 20).toFixed(digits);
}
