/**
 * Users given on the command line (`-u user:pass`, the seed's flag; `--apop-user user:secret`) or by
 * an embedding program. Passwords are held in memory only; comparisons take constant time.
 * RFC 1939 §13: a user logs in either with USER/PASS or with APOP, not both: `-u` users have a
 * password (USER/PASS, PLAIN, LOGIN), APOP users a shared secret (APOP, CRAM-MD5). SCRAM-SHA-256
 * keys are derived from either on first use (4096 iterations, a salt per process) and cached.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { DEFAULT_SCRAM_ITERATIONS, deriveScramCredentials } from './scram.js';
import type { DirectoryFeature, ScramCredentials, UserDirectory } from './types.js';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export interface StaticUsersOptions {
  /** SCRAM-SHA-256 iteration count of the derived verifiers. Default 4096. */
  scramIterations?: number;
  /** Users who log in with APOP (or CRAM-MD5) and this shared secret, never with USER/PASS. */
  apopUsers?: Iterable<readonly [string, string]>;
}

export class StaticUsers implements UserDirectory {
  private readonly users = new Map<string, string>();
  private readonly apop = new Map<string, string>();
  private readonly scram = new Map<string, Promise<ScramCredentials | undefined>>();
  // Compared against when the user is unknown, so both failures cost the same work.
  private readonly decoy = digest('popcheck decoy password');
  private readonly scramIterations: number;

  constructor(entries: Iterable<readonly [string, string]> = [], options: StaticUsersOptions = {}) {
    for (const [user, pass] of entries) this.users.set(user, pass);
    for (const [user, secret] of options.apopUsers ?? []) this.apop.set(user, secret);
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
    this.apop.delete(user);
    this.scram.delete(user);
  }

  /** Adds or replaces an APOP user (shared secret, no USER/PASS). */
  setApop(user: string, secret: string): void {
    this.apop.set(user, secret);
    this.users.delete(user);
    this.scram.delete(user);
  }

  /** Removes a user of either kind; true when there was one. */
  delete(user: string): boolean {
    this.scram.delete(user);
    return this.users.delete(user) || this.apop.delete(user);
  }

  async verifyPassword(user: string, password: string): Promise<boolean> {
    const stored = this.users.get(user);
    const expected = stored === undefined ? this.decoy : digest(stored);
    const match = timingSafeEqual(expected, digest(password));
    return stored !== undefined && match;
  }

  async apopSecret(user: string): Promise<string | undefined> {
    return this.apop.get(user);
  }

  async listUsers(): Promise<string[]> {
    return [...this.users.keys(), ...this.apop.keys()];
  }

  /** Derived from the password on first use; undefined for unknown users and passwords SASLprep rejects. */
  scramCredentials(user: string): Promise<ScramCredentials | undefined> {
    const password = this.users.get(user) ?? this.apop.get(user);
    if (password === undefined) return Promise.resolve(undefined);
    let cached = this.scram.get(user);
    if (!cached) {
      cached = deriveScramCredentials(password, { iterations: this.scramIterations }).catch(() => undefined);
      this.scram.set(user, cached);
    }
    return cached;
  }

  supports(feature: DirectoryFeature): boolean {
    if (feature === 'apop') return this.apop.size > 0;
    if (feature === 'shared-secret') return this.apop.size > 0 && this.users.size === 0;
    return true;
  }
}
