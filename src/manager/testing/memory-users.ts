/**
 * For tests and the standalone harness: a user directory that is also a UserAdmin, over a
 * MemoryStore, so that ADD makes a user who can log in over POP3 at once and DEL stops that.
 * (The real server's UserAdmin writes the hashed users file; that is the server start-up's.)
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { UserDirectory } from '../../auth/types.js';
import type { MemoryStore } from '../../store/memory-store.js';
import type { UserAdmin } from '../types.js';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export class MemoryUsers implements UserDirectory, UserAdmin {
  private readonly passwords = new Map<string, string>();
  /** Calls to addUser/removeUser, to check that a retried request ran once. */
  readonly calls: string[] = [];

  constructor(
    private readonly store: MemoryStore,
    entries: Iterable<readonly [string, string]> = [],
  ) {
    for (const [u, p] of entries) {
      store.addUser(u);
      this.passwords.set(u, p);
    }
  }

  async verifyPassword(user: string, password: string): Promise<boolean> {
    const stored = this.passwords.get(user);
    const match = timingSafeEqual(digest(stored ?? '\0decoy'), digest(password));
    return stored !== undefined && match;
  }

  /** None: these are USER/PASS users, and RFC 1939 §13 keeps APOP users off USER/PASS. */
  async apopSecret(): Promise<string | undefined> {
    return undefined;
  }

  async listUsers(): Promise<string[]> {
    return [...this.passwords.keys()];
  }

  async addUser(user: string, password: string): Promise<void> {
    this.calls.push(`add ${user}`);
    this.store.addUser(user);
    this.passwords.set(user, password);
  }

  async removeUser(user: string): Promise<void> {
    this.calls.push(`del ${user}`);
    this.passwords.delete(user);
  }
}
