/**
 * Test helpers for MaildirStore: a temp root, MTA-like delivery in either layout, and a child
 * process that holds a maildrop lock (for the cross-process lock tests).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createMaildrop, MaildirStore, type MaildirStoreOptions } from '../maildir-store.js';
import type { StoreHarness } from '../store-contract.js';

export type Layout = 'maildir' | 'flat';

export async function makeTempRoot(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'popcheck-store-'));
}

/**
 * Delivers like an MTA: write a dotfile / tmp/ file, then rename it into place, so a reader never
 * sees half a message. Maildir names are "<seconds>.<unique>" (delivery time in the name); flat
 * files carry it in their mtime. Returns the message key.
 */
export async function deliverFile(
  root: string,
  user: string,
  layout: Layout,
  bytes: Buffer | string,
  seconds: number,
  name: string,
): Promise<string> {
  const dir = await createMaildrop(root, user, layout);
  const key = layout === 'maildir' ? `new/${seconds}.${name}` : name;
  const temp = layout === 'maildir' ? path.join(dir, 'tmp', `${seconds}.${name}`) : path.join(dir, `.delivering-${name}`);
  await fs.writeFile(temp, bytes);
  await fs.utimes(temp, seconds, seconds);
  await fs.rename(temp, path.join(dir, key));
  return key;
}

export function maildirHarness(layout: Layout, extra: Partial<MaildirStoreOptions> = {}): () => Promise<StoreHarness> {
  return async () => {
    const root = await makeTempRoot();
    let clock = 1_700_000_000;
    let serial = 0;
    return {
      store: new MaildirStore({ root, logger: { warn: () => undefined }, ...extra }),
      addUser: async (user) => {
        await createMaildrop(root, user, layout);
      },
      deliver: async (user, bytes, at, name) => {
        serial += 1;
        const seconds = at ?? ++clock;
        return deliverFile(root, user, layout, bytes, seconds, name ?? (layout === 'maildir' ? `M${serial}P${process.pid}.test` : String(serial)));
      },
      cleanup: () => fs.rm(root, { recursive: true, force: true }),
    };
  };
}

const CHILD = fileURLToPath(new URL('./hold-maildrop.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface LockHolder {
  readonly child: ChildProcessWithoutNullStreams;
  /** The next line the child prints. */
  nextLine(): Promise<string>;
}

/** Starts a node process (TypeScript via tsx) that opens the maildrop and holds it. */
export function spawnLockHolder(root: string, user: string): LockHolder {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, root, user], {
    cwd: PROJECT_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return {
    child,
    async nextLine() {
      const r = await lines.next();
      if (r.done === true) throw new Error(`lock holder ended without output; stderr: ${stderr}`);
      return r.value;
    },
  };
}

/** Kills the child with SIGKILL (no chance to release its lock) and waits until it is gone. */
export async function killHard(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
