/**
 * The built-in demo: a fresh copy of fixtures/demo/ in a temporary folder, so `npm run server`
 * works on a clean clone and never changes the committed fixtures.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StaticUsers } from '../auth/static-users.js';

export const DEMO_DIR = fileURLToPath(new URL('../../fixtures/demo/', import.meta.url)).replace(/\/dist\/fixtures\/demo\/$/, '/fixtures/demo/');

export interface DemoUsers {
  /** USER/PASS users, from fixtures/demo/users.txt. */
  users: Array<[string, string]>;
  /** APOP users (RFC 1939 §13: APOP only), from fixtures/demo/apop-users.txt. */
  apopUsers: Array<[string, string]>;
}

export interface Demo extends DemoUsers {
  root: string;
  cleanup(): Promise<void>;
}

export async function prepareDemo(): Promise<Demo> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'popcheck-demo-'));
  await cp(path.join(DEMO_DIR, 'maildrops'), root, { recursive: true, preserveTimestamps: true });
  return { root, ...(await prepareDemoUsers()), cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** The demo users and their passwords or secrets (`user:pass` lines). */
export async function prepareDemoUsers(): Promise<DemoUsers> {
  const read = async (name: string): Promise<Array<[string, string]>> =>
    (await readFile(path.join(DEMO_DIR, name), 'utf8'))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => StaticUsers.parseSpec(l));
  return { users: await read('users.txt'), apopUsers: await read('apop-users.txt') };
}
