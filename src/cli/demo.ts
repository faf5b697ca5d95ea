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

export interface Demo {
  root: string;
  users: Array<[string, string]>;
  cleanup(): Promise<void>;
}

export async function prepareDemo(): Promise<Demo> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'popcheck-demo-'));
  await cp(path.join(DEMO_DIR, 'maildrops'), root, { recursive: true, preserveTimestamps: true });
  return { root, users: await prepareDemoUsers(), cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** The demo users and passwords, from fixtures/demo/users.txt (`user:pass` lines). */
export async function prepareDemoUsers(): Promise<Array<[string, string]>> {
  const text = await readFile(path.join(DEMO_DIR, 'users.txt'), 'utf8');
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => StaticUsers.parseSpec(l));
}
