/** A UserDirectory for the mechanism tests (not a test file itself). */
import { deriveScramCredentials } from '../../scram.js';
import type { ScramCredentials, UserDirectory } from '../../types.js';

export interface TestUser {
  password: string;
  secret?: string;
  scram?: ScramCredentials;
}

export class TestDirectory implements UserDirectory {
  readonly calls: string[] = [];
  constructor(private readonly users: Record<string, TestUser>) {}

  static async withScram(entries: Record<string, string>, iterations = 4096): Promise<TestDirectory> {
    const users: Record<string, TestUser> = {};
    for (const [name, password] of Object.entries(entries)) {
      users[name] = { password, secret: password, scram: await deriveScramCredentials(password, { iterations }) };
    }
    return new TestDirectory(users);
  }

  async verifyPassword(user: string, password: string): Promise<boolean> {
    this.calls.push(`verifyPassword ${user}`);
    return Object.hasOwn(this.users, user) && this.users[user]!.password === password;
  }
  async apopSecret(user: string): Promise<string | undefined> {
    this.calls.push(`apopSecret ${user}`);
    return Object.hasOwn(this.users, user) ? this.users[user]!.secret : undefined;
  }
  async listUsers(): Promise<string[]> {
    return Object.keys(this.users);
  }
  async scramCredentials(user: string): Promise<ScramCredentials | undefined> {
    this.calls.push(`scramCredentials ${user}`);
    return Object.hasOwn(this.users, user) ? this.users[user]!.scram : undefined;
  }
  supports(): boolean {
    return true;
  }
}
