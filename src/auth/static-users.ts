/**
 * Users given on the command line (`-u user:pass`, the seed's flag) or by an embedding program.
 * Passwords are held in memory only; comparisons take constant time over the digests.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { UserDirectory } from './types.js';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export class StaticUsers implements UserDirectory {
  private readonly users = new Map<string, string>();
  // Compared against when the user is unknown, so both failures cost the same work.
  private readonly decoy = digest('popcheck decoy password');

  constructor(entries: Iterable<readonly [string, string]> = []) {
    for (const [user, pass] of entries) this.users.set(user, pass);
  }

  /** Parses the seed's `user:pass` form; the password may itself contain ":". */
  static parseSpec(spec: string): [string, string] {
    const colon = spec.indexOf(':');
    if (colon <= 0 || colon === spec.length - 1) throw new Error(`expected user:pass, got ${JSON.stringify(spec)}`);
    return [spec.slice(0, colon), spec.slice(colon + 1)];
  }

  set(user: string, password: string): void {
    this.users.set(user, password);
  }

  async verifyPassword(user: string, password: string): Promise<boolean> {
    const stored = this.users.get(user);
    const expected = stored === undefined ? this.decoy : digest(stored);
    const match = timingSafeEqual(expected, digest(password));
    return stored !== undefined && match;
  }

  async apopSecret(user: string): Promise<string | undefined> {
    return this.users.get(user);
  }

  async listUsers(): Promise<string[]> {
    return [...this.users.keys()];
  }
}
