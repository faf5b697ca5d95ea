/**
 * RFC 2449 §6.5 / §8.1.1 LOGIN-DELAY: the minimum time between a user's successful logins.
 * Remembered per user in memory (a restart forgets, which only ever lets a client in earlier).
 */
export class LoginDelayTracker {
  private readonly last = new Map<string, number>();

  constructor(private readonly seconds: () => number) {}

  /** Seconds the user must still wait, 0 when a login is allowed now. */
  waitSeconds(user: string, now = Date.now()): number {
    const delay = this.seconds();
    const at = this.last.get(user);
    if (delay <= 0 || at === undefined) return 0;
    const left = at + delay * 1000 - now;
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  recordLogin(user: string, now = Date.now()): void {
    if (this.seconds() > 0) this.last.set(user, now);
  }
}
