/**
 * Users given on the command line (`-u user:pass`, the seed's flag) or by an embedding program.
 * Passwords are held in memory only; comparisons take constant time over the digests.
 * Because the passwords are at hand, every SASL mechanism can be offered: shared secrets for
 * APOP / CRAM-MD5 are the passwords, and SCRAM-SHA-256 verifiers are derived on first use (4096
 * iterations, a salt per process) and cached.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { DEFAULT_SCRAM_ITERATIONS, deriveScramCredentials } from './scram.js';
import type { DirectoryFeature, ScramCredentials, UserDirectory } from './types.js';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export interface StaticUsersOptions {
  /** SCRAM-SHA-256 iteration count of the derived verifiers. Default 4096. */
  scramIterations?: number;
}

export class StaticUsers implements UserDirectory {
  private readonly users = new Map<string, string>();
  private readonly scram = new Map<string, Promise<ScramCredentials | undefined>>();
  // Compared against when the user is unknown, so both failures cost the same work.
  private readonly decoy = digest('popcheck decoy password');
  private readonly scramIterations: number;

  constructor(entries: Iterable<readonly [string, string]> = [], options: StaticUsersOptions = {}) {
    for (const [user, pass] of entries) this.users.set(user, pass);
    this.scramIterations = options.scramIterations ?? DEFAULT_SCRAM_ITERATIONS;
  }

  /** Parses the seed's `user:pass` form; the password may itself contain ":". */
  static parseSpec(spec: string): [string, string] {
    const colon = spec.indexOf(':');
    if (colon <= 0 || colon === spec.length - 1) throw new Error(`expected user:pass, got ${JSON.stringify(spec)}`);
    return [spec.slice(0, colon), spec.slice(colon + 1)];
  }

  set(user: string, password: string): void {
    this.users.set(user, password);
    this.scram.delete(user);
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

  /** Derived from the password on first use; undefined for unknown users and passwords SASLprep rejects. */
  scramCredentials(user: string): Promise<ScramCredentials | undefined> {
    const password = this.users.get(user);
    if (password === undefined) return Promise.resolve(undefined);
    let cached = this.scram.get(user);
    if (!cached) {
      cached = deriveScramCredentials(password, { iterations: this.scramIterations }).catch(() => undefined);
      this.scram.set(user, cached);
    }
    return cached;
  }

  supports(_feature: DirectoryFeature): boolean {
    return true;
  }
}
