/**
 * Connection limits beyond the global one (issue 8): connections per client address (IPv6 grouped
 * by /64, v4-mapped as IPv4, like the auth penalty) and sessions per user name (sessions that named
 * the user with USER, APOP or AUTH, logged in or not). Past either, the client gets
 * "-ERR [SYS/TEMP]" (RFC 3206: a passing condition) and the connection is closed, so one address or
 * one account cannot take every slot of the global limit.
 */
import { addressKey } from '../auth/auth-penalty.js';

export class ConnectionCounts {
  private readonly byAddress = new Map<string, number>();
  private readonly byUser = new Map<string, number>();

  /** Takes a slot for an address; false when it already has `max`. */
  claimAddress(address: string | undefined, max: number): string | undefined {
    const key = addressKey(address ?? '');
    const n = this.byAddress.get(key) ?? 0;
    if (n >= max) return undefined;
    this.byAddress.set(key, n + 1);
    return key;
  }

  releaseAddress(key: string): void {
    release(this.byAddress, key);
  }

  claimUser(user: string, max: number): boolean {
    const n = this.byUser.get(user) ?? 0;
    if (n >= max) return false;
    this.byUser.set(user, n + 1);
    return true;
  }

  releaseUser(user: string): void {
    release(this.byUser, user);
  }
}

function release(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 0) - 1;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}
