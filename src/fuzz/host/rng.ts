/**
 * A small seeded PRNG (sfc32) for the host fuzzer: the same seed gives the same bytes, so a case is
 * replayed from its (name, seed) pair. Not for cryptography.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor((this.next() / 0x1_0000_0000) * (max - min + 1));
  }

  /** An integer in [min, max], every order of magnitude as likely (1 KB and 1 MB lines both occur). */
  logInt(min: number, max: number): number {
    const lo = Math.log(min);
    const hi = Math.log(max);
    return Math.min(max, Math.max(min, Math.round(Math.exp(lo + (this.next() / 0x1_0000_0000) * (hi - lo)))));
  }

  chance(p: number): boolean {
    return this.next() / 0x1_0000_0000 < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('bug: pick from nothing');
    return items[this.int(0, items.length - 1)]!;
  }

  /** `n` octets drawn from `alphabet` (default: every octet value). */
  bytes(n: number, alphabet?: Buffer): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = alphabet ? alphabet[this.int(0, alphabet.length - 1)]! : this.next() & 0xff;
    return out;
  }
}

/** The seed of case `index` of a run with `seed` (splitmix32), so cases are independent of each other. */
export function caseSeed(seed: number, index: number): number {
  let z = (seed + Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
