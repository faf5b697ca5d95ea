/**
 * Authentication penalty per client address, after Dovecot's auth_penalty:
 *
 * - Delay: after n consecutive failures from an address, its next attempt waits
 *   min(baseDelayMs * 2^(n-1), maxDelayMs) counted from the last failure (so 0, 2 s, 4 s, 8 s,
 *   15 s, 15 s, ... with the defaults). A client that waits on its own is not delayed further.
 * - Lockout: maxFailures failures within windowMs refuse further attempts from the address for
 *   lockoutMs after the last of them (answer -ERR [SYS/TEMP] or [AUTH]; the caller chooses).
 * - A success resets the address. An address idle for longer than all of the above is forgotten.
 * - Addresses: IPv4 as is; IPv4-mapped IPv6 (::ffff:a.b.c.d) as IPv4; other IPv6 grouped by /64
 *   (one host usually owns a whole /64); zone ids dropped; anything else under its own text.
 * - Memory: at most maxAddresses entries, least recently used dropped first.
 *
 * No timers: the clock is read on each call (injectable), so tests never wait.
 */
import { isIP } from 'node:net';

export interface AuthPenaltyOptions {
  /** Delay after the first failure; doubles per further failure. Default 2000 ms. */
  baseDelayMs?: number;
  /** Cap of the delay. Default 15 000 ms. */
  maxDelayMs?: number;
  /** Failures within windowMs that trigger the lockout. Default 10; 0 turns lockout off. */
  maxFailures?: number;
  /** Default 15 minutes. */
  windowMs?: number;
  /** How long a locked-out address is refused. Default 15 minutes. */
  lockoutMs?: number;
  /** Addresses remembered at most. Default 10 000. */
  maxAddresses?: number;
  /** Clock in milliseconds. Default Date.now. */
  now?: () => number;
}

export type PenaltyDecision =
  /** Go ahead after waiting delayMs (0: at once). `failures` is the count so far, for logs. */
  | { kind: 'proceed'; delayMs: number; failures: number }
  /** Refuse without checking credentials, for retryAfterMs more. */
  | { kind: 'refuse'; retryAfterMs: number; failures: number };

interface Entry {
  /** Consecutive failures since the last success (drives the delay). */
  failures: number;
  lastFailureAt: number;
  /** Times of recent failures, oldest first, at most maxFailures (drives the lockout). */
  recent: number[];
  lockedUntil: number;
}

export const DEFAULT_AUTH_PENALTY: Readonly<Required<Omit<AuthPenaltyOptions, 'now'>>> = Object.freeze({
  baseDelayMs: 2000,
  maxDelayMs: 15_000,
  maxFailures: 10,
  windowMs: 15 * 60_000,
  lockoutMs: 15 * 60_000,
  maxAddresses: 10_000,
});

export class AuthPenalty {
  private readonly entries = new Map<string, Entry>();
  private readonly o: Required<Omit<AuthPenaltyOptions, 'now'>>;
  private readonly now: () => number;

  constructor(options: AuthPenaltyOptions = {}) {
    const { now, ...rest } = options;
    this.o = { ...DEFAULT_AUTH_PENALTY, ...stripUndefined(rest) };
    for (const [k, v] of Object.entries(this.o)) {
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`AuthPenalty ${k} must be a non-negative number, got ${v}`);
    }
    if (this.o.maxAddresses < 1) throw new RangeError('AuthPenalty maxAddresses must be at least 1');
    this.now = now ?? Date.now;
  }

  /** Call before checking credentials from `address` (a socket's remoteAddress). */
  check(address: string | undefined): PenaltyDecision {
    const now = this.now();
    const entry = this.get(addressKey(address), now);
    if (!entry) return { kind: 'proceed', delayMs: 0, failures: 0 };
    if (entry.lockedUntil > now) return { kind: 'refuse', retryAfterMs: entry.lockedUntil - now, failures: entry.failures };
    const elapsed = now - entry.lastFailureAt;
    return { kind: 'proceed', delayMs: Math.max(0, this.delayAfter(entry.failures) - elapsed), failures: entry.failures };
  }

  /** Call after a credentials failure (not after [IN-USE] or [SYS/...]). */
  recordFailure(address: string | undefined): void {
    const now = this.now();
    const key = addressKey(address);
    const entry = this.get(key, now) ?? { failures: 0, lastFailureAt: now, recent: [], lockedUntil: 0 };
    entry.failures++;
    entry.lastFailureAt = now;
    if (this.o.maxFailures > 0) {
      entry.recent = entry.recent.filter((t) => now - t < this.o.windowMs);
      entry.recent.push(now);
      if (entry.recent.length > this.o.maxFailures) entry.recent.shift();
      if (entry.recent.length >= this.o.maxFailures) entry.lockedUntil = now + this.o.lockoutMs;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.o.maxAddresses) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Call after a successful login: the address starts afresh. */
  recordSuccess(address: string | undefined): void {
    this.entries.delete(addressKey(address));
  }

  /** The delay the next attempt gets after `failures` consecutive failures. */
  delayAfter(failures: number): number {
    if (failures <= 0 || this.o.baseDelayMs === 0) return 0;
    return Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** Math.min(failures - 1, 30));
  }

  /** Addresses remembered now. */
  get size(): number {
    return this.entries.size;
  }

  /** The entry, refreshed in LRU order, or undefined (and forgotten) when it has gone stale. */
  private get(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const quietFor = now - entry.lastFailureAt;
    const stale = entry.lockedUntil <= now && quietFor >= Math.max(this.o.windowMs, this.o.maxDelayMs, this.delayAfter(entry.failures));
    this.entries.delete(key);
    if (stale) return undefined;
    if (entry.lockedUntil !== 0 && entry.lockedUntil <= now) {
      // The cool-down is over: start afresh rather than locking again on the next failure.
      entry.lockedUntil = 0;
      entry.recent = [];
      entry.failures = 0;
    }
    this.entries.set(key, entry);
    return entry;
  }
}

/**
 * The key an address is counted under: IPv4 dotted quad, IPv6 /64 prefix ("2001:db8:1:2::/64"),
 * IPv4-mapped IPv6 as IPv4; undefined or unparsable text is used as given ("unknown" if empty).
 */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  let a = address.trim();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const family = isIP(a);
  if (family === 4) return a;
  if (family !== 6) return a.toLowerCase();
  const groups = expandIPv6(a);
  // ::ffff:a.b.c.d (IPv4-mapped): the same client as a.b.c.d.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const hi = groups[6]!;
    const lo = groups[7]!;
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return `${compressIPv6([...groups.slice(0, 4), 0, 0, 0, 0])}/64`;
}

/** Eight 16-bit groups of a valid IPv6 address (with or without an embedded IPv4 tail). */
function expandIPv6(a: string): number[] {
  let text = a.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [b0, b1, b2, b3] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const h = head === '' ? [] : head.split(':').map((g) => parseInt(g, 16));
  if (tail === undefined) return h;
  const t = tail === '' ? [] : tail.split(':').map((g) => parseInt(g, 16));
  return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/** RFC 5952 text of eight groups: longest run (2 or more) of zero groups as "::". */
function compressIPv6(groups: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
