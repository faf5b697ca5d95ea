/**
 * A token bucket: spec §4.7 limits unauthenticated replies to 20 a second (bursts of 20), so the
 * manager cannot be used to reflect a flood at a forged source address, even without amplification.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly clock: () => number,
  ) {
    this.tokens = burst;
    this.last = clock();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    const now = this.clock();
    // A clock that goes backwards (NTP step) refills nothing rather than going negative.
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.ratePerSecond);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Spec §4.7: a bucket per sender (address and port) and one for all senders. Per sender, so that
 * one noisy or misconfigured client does not silence the refusals every other client relies on;
 * in all, so that forged senders cannot multiply the rate. Senders are remembered up to a bound;
 * forgetting one only gives it a fresh budget, which the overall bucket still caps.
 */
export class RefusalLimiter {
  private readonly perPeer = new Map<string, TokenBucket>();
  private readonly overall: TokenBucket;

  constructor(
    private readonly options: { readonly perPeerPerSecond: number; readonly perPeerBurst: number; readonly overallPerSecond: number; readonly overallBurst: number; readonly maxPeers: number },
    private readonly clock: () => number,
  ) {
    this.overall = new TokenBucket(options.overallPerSecond, options.overallBurst, clock);
  }

  take(peer: string): boolean {
    let bucket = this.perPeer.get(peer);
    if (bucket) {
      // Map order is insertion order: re-inserting keeps the most recently seen senders last.
      this.perPeer.delete(peer);
    } else {
      bucket = new TokenBucket(this.options.perPeerPerSecond, this.options.perPeerBurst, this.clock);
      if (this.perPeer.size >= this.options.maxPeers) this.perPeer.delete(this.perPeer.keys().next().value!);
    }
    this.perPeer.set(peer, bucket);
    return bucket.take() && this.overall.take();
  }
}
