/**
 * verifyPassword must do the same work for an unknown user as for a wrong password: one scrypt
 * run with the same parameters. Checked by recording the hashes it verifies against.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PasswordHash } from './password-hash.js';

const calls: PasswordHash[] = [];
vi.mock('./password-hash.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('./password-hash.js')>();
  return {
    ...original,
    verifyPasswordHash: async (stored: PasswordHash, password: string) => {
      calls.push(stored);
      return original.verifyPasswordHash(stored, password);
    },
  };
});

const { UsersFile, createUserEntry, formatUserLine } = await import('./users-file.js');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'popcheck-users-timing-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('UsersFile.verifyPassword work for unknown users', () => {
  it('runs scrypt once with the users\' parameters for an unknown user, a bad name and a wrong password', async () => {
    const params = { N: 2048, r: 8, p: 1 };
    const lines = await Promise.all(['alice', 'bob'].map(async (u) => formatUserLine((await createUserEntry(u, 'pw', { scrypt: params, scram: false })).entry)));
    const file = path.join(dir, 'users');
    await writeFile(file, lines.join('\n') + '\n', { mode: 0o600 });
    // The configured parameters differ from the file's: the decoy follows the file.
    const users = await UsersFile.load(file, { scrypt: { N: 1024, r: 8, p: 1 } });

    calls.length = 0;
    expect(await users.verifyPassword('alice', 'wrong')).toBe(false);
    expect(await users.verifyPassword('nobody', 'wrong')).toBe(false);
    expect(await users.verifyPassword('../../etc/passwd', 'wrong')).toBe(false);
    expect(await users.verifyPassword('alice', 'pw')).toBe(true);
    expect(calls).toHaveLength(4);
    for (const c of calls) {
      expect(c.params).toEqual(params);
      expect(c.salt).toHaveLength(16);
      expect(c.hash).toHaveLength(32);
    }
  });
});
