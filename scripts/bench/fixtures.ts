/**
 * The bench's mail: one plan of users and messages, laid out as Maildirs for each target, so every
 * server answers the same dialogue on the same data.
 *
 *   s00001 ... sNNNNN   one small message each (full sessions, idle sessions)
 *   probe               a few small messages (the NOOP/STAT latency probe)
 *   m5-1 ... m5-8       one 5 MB message each (RETR throughput; one user per connection)
 *   m100-1 ... m100-8   one 100 MB message each
 *   huge                one 1 GB message (RSS growth during a streamed RETR)
 *
 * Large messages are written once (scripts/fixtures/make-large-message.ts) and hard-linked into
 * each maildrop; small ones are separate files. Every user's password is `pw-<user>`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeLargeMessage } from '../fixtures/make-large-message.js';

export interface MailPlan {
  readonly sessionUsers: number;
  readonly retrConnections: number;
  /** Sizes in octets; `huge` undefined = no 1 GB user. */
  readonly sizes: { readonly m5: number; readonly m100: number; readonly huge: number | undefined };
}

export type User = readonly [string, string];

export const passwordOf = (user: string): string => `pw-${user}`;
export const sessionUser = (i: number): string => `s${String(i + 1).padStart(5, '0')}`;

export function sessionUsers(n: number, from = 0): User[] {
  return Array.from({ length: n }, (_, i) => {
    const u = sessionUser(from + i);
    return [u, passwordOf(u)] as const;
  });
}

export function retrUsers(prefix: 'm5' | 'm100', n: number): User[] {
  return Array.from({ length: n }, (_, i) => [`${prefix}-${i + 1}`, passwordOf(`${prefix}-${i + 1}`)] as const);
}

export const PROBE: User = ['probe', passwordOf('probe')];
export const HUGE: User = ['huge', passwordOf('huge')];

/** Every user of the plan. */
export function allUsers(plan: MailPlan): User[] {
  const users = [...sessionUsers(plan.sessionUsers), PROBE, ...retrUsers('m5', plan.retrConnections), ...retrUsers('m100', plan.retrConnections)];
  if (plan.sizes.huge !== undefined) users.push(HUGE);
  return users;
}

/** A realistic small message (about 2 KiB), different per user. */
export function smallMessage(user: string, n = 1): string {
  const lines = [
    `Return-Path: <sender@popcheck.test>`,
    `Received: from mx.popcheck.test (mx.popcheck.test [127.0.0.1]) by mail.popcheck.test with ESMTPS id ${user}${n}; Tue, 14 Nov 2023 22:13:20 +0000`,
    'From: Popcheck Bench <sender@popcheck.test>',
    `To: ${user} <${user}@popcheck.test>`,
    `Subject: bench message ${n} for ${user}`,
    'Date: Tue, 14 Nov 2023 22:13:20 +0000',
    `Message-ID: <bench-${n}-${user}@popcheck.test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
  ];
  for (let i = 0; lines.join('\r\n').length < 2000; i++) {
    lines.push(i % 9 === 0 ? `.a line that starts with a dot, number ${i}` : `Line ${i} of the body, long enough to look like prose in a normal mail message.`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

export interface Blobs {
  readonly m5: string;
  readonly m100: string;
  readonly huge: string | undefined;
}

/** Writes the large messages once; returns their paths. */
export async function makeBlobs(dir: string, plan: MailPlan, progress: (msg: string) => void): Promise<Blobs> {
  await fs.mkdir(dir, { recursive: true });
  const make = async (name: string, size: number): Promise<string> => {
    const file = path.join(dir, name);
    const existing = await fs.stat(file).catch(() => undefined);
    if (existing?.size !== size) {
      progress(`writing a ${(size / 2 ** 20).toFixed(0)} MiB message`);
      await writeLargeMessage(file, size);
    }
    return file;
  };
  return {
    m5: await make('m5.eml', plan.sizes.m5),
    m100: await make('m100.eml', plan.sizes.m100),
    huge: plan.sizes.huge === undefined ? undefined : await make('huge.eml', plan.sizes.huge),
  };
}

/** Maildir file name with the delivery time first, so every server orders messages alike. */
const fileName = (n: number, tag: string): string => `${1_700_000_000 + n}.M${n}P1.${tag}.popcheck-bench`;

async function maildir(root: string, user: string): Promise<string> {
  const dir = path.join(root, user);
  await Promise.all(['cur', 'new', 'tmp'].map((s) => fs.mkdir(path.join(dir, s), { recursive: true })));
  return dir;
}

/**
 * Lays the plan out under `root` (`root/<user>/{cur,new,tmp}`), limited to the first
 * `sessionUsersHere` session users (Dovecot needs fewer). Bounded concurrency.
 */
export async function buildMailRoot(root: string, plan: MailPlan, blobs: Blobs, sessionUsersHere = plan.sessionUsers): Promise<void> {
  await fs.mkdir(root, { recursive: true });
  const jobs: Array<() => Promise<void>> = [];
  for (const [u] of sessionUsers(Math.min(sessionUsersHere, plan.sessionUsers))) {
    jobs.push(async () => {
      const dir = await maildir(root, u);
      await fs.writeFile(path.join(dir, 'new', fileName(1, u)), smallMessage(u));
    });
  }
  jobs.push(async () => {
    const dir = await maildir(root, PROBE[0]);
    for (let n = 1; n <= 5; n++) await fs.writeFile(path.join(dir, 'new', fileName(n, 'probe')), smallMessage('probe', n));
  });
  const link = async (user: string, blob: string): Promise<void> => {
    const dir = await maildir(root, user);
    const target = path.join(dir, 'new', fileName(1, user));
    await fs.rm(target, { force: true });
    await fs.link(blob, target);
  };
  for (const [u] of retrUsers('m5', plan.retrConnections)) jobs.push(() => link(u, blobs.m5));
  for (const [u] of retrUsers('m100', plan.retrConnections)) jobs.push(() => link(u, blobs.m100));
  if (blobs.huge !== undefined) jobs.push(() => link(HUGE[0], blobs.huge!));
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < jobs.length) await jobs[next++]!();
    }),
  );
}
