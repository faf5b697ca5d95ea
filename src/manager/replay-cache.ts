/**
 * The replay cache of spec §4.4: the authenticated, fresh requests accepted in the last 120 s, by
 * id, with their reply once sent. Bounded: when full it refuses (the caller answers [BUSY]) rather
 * than evicting a live entry, because an evicted id could be replayed. Entries expire when their
 * request turns stale, since a stale request is refused before the cache is consulted.
 */
import { REPLAY_CACHE_MAX_ENTRIES, TIMESTAMP_WINDOW_SECONDS } from './limits.js';

export interface ReplayEntry {
  readonly mac: string;
  /** "address|port" of the sender. */
  readonly peer: string;
  readonly expiresAt: number;
  /** The reply datagram once sent; undefined while the command runs. */
  reply: Buffer | undefined;
}

/** How often expired entries are swept out (a full sweep is O(entries), at most 4096). */
const SWEEP_INTERVAL_MS = 1000;

export class ReplayCache {
  private readonly entries = new Map<string, ReplayEntry>();
  private nextSweep = 0;

  constructor(private readonly maxEntries: number = REPLAY_CACHE_MAX_ENTRIES) {}

  get size(): number {
    return this.entries.size;
  }

  /** The live entry for an id, if any. */
  lookup(id: string, nowMs: number): ReplayEntry | undefined {
    this.sweep(nowMs);
    const e = this.entries.get(id);
    return e && e.expiresAt > nowMs ? e : undefined;
  }

  /** Records a new request; false when the cache is full. */
  admit(id: string, mac: string, peer: string, timestampSeconds: number, nowMs: number): boolean {
    this.sweep(nowMs);
    if (this.entries.size >= this.maxEntries) {
      this.sweep(nowMs, true);
      if (this.entries.size >= this.maxEntries) return false;
    }
    // +1 s: the window check compares fractional now with whole-second timestamps.
    const expiresAt = (timestampSeconds + TIMESTAMP_WINDOW_SECONDS + 1) * 1000;
    this.entries.set(id, { mac, peer, expiresAt, reply: undefined });
    return true;
  }

  complete(id: string, reply: Buffer): void {
    const e = this.entries.get(id);
    if (e) e.reply = reply;
  }

  /** Drops an entry so that the same request may be retried (after a [BUSY]). */
  forget(id: string): void {
    this.entries.delete(id);
  }

  private sweep(nowMs: number, force = false): void {
    if (!force && nowMs < this.nextSweep) return;
    this.nextSweep = nowMs + SWEEP_INTERVAL_MS;
    for (const [id, e] of this.entries) if (e.expiresAt <= nowMs) this.entries.delete(id);
  }
}
