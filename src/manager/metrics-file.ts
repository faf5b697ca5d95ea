/**
 * The metrics snapshot file of spec §8.2: the persistent counters as one JSON object, written
 * atomically (src/store/atomic-write.ts: temp file, fsync, rename, fsync of the folder) so that a
 * crash leaves the previous snapshot or the new one, never a torn mix. Reading validates every
 * field: a file that is not exactly what we write is treated as corrupt, not half-trusted.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../store/atomic-write.js';
import { MAX_TRACKED_VERBS } from './limits.js';

export const METRICS_FORMAT = 'popcheck-metrics/1';

/** The counters that survive a restart (not sessionsCurrent, not uptime). */
export interface PersistedCounters {
  since: number;
  sessionsTotal: number;
  bytesSent: number;
  messagesRetrieved: number;
  messagesDeleted: number;
  authFailures: number;
  logins: number;
  commands: Record<string, number>;
}

const COUNTER_FIELDS = ['sessionsTotal', 'bytesSent', 'messagesRetrieved', 'messagesDeleted', 'authFailures', 'logins'] as const;

export function emptyCounters(since: number): PersistedCounters {
  return { since, sessionsTotal: 0, bytesSent: 0, messagesRetrieved: 0, messagesDeleted: 0, authFailures: 0, logins: 0, commands: {} };
}

export function encodeCounters(c: PersistedCounters, savedAt: number): string {
  const { since, commands, ...counts } = c;
  return `${JSON.stringify({ format: METRICS_FORMAT, savedAt: new Date(savedAt).toISOString(), since: new Date(since).toISOString(), ...counts, commands }, null, 2)}\n`;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Parses a snapshot; a string says what is wrong with it. */
export function decodeCounters(text: string): PersistedCounters | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'not a JSON object';
  const o = raw as Record<string, unknown>;
  if (o.format !== METRICS_FORMAT) return `format is not ${METRICS_FORMAT}`;
  const since = typeof o.since === 'string' ? Date.parse(o.since) : NaN;
  if (!Number.isFinite(since)) return 'since is not a date';
  const out = emptyCounters(since);
  for (const f of COUNTER_FIELDS) {
    if (!isCount(o[f])) return `${f} is not a count`;
    out[f] = o[f];
  }
  const commands = o.commands;
  if (typeof commands !== 'object' || commands === null || Array.isArray(commands)) return 'commands is not an object';
  const entries = Object.entries(commands as Record<string, unknown>);
  if (entries.length > MAX_TRACKED_VERBS + 1) return 'too many command counters';
  for (const [verb, n] of entries) {
    if (!/^[a-z0-9-]{1,32}$/.test(verb) || !isCount(n)) return `bad command counter ${JSON.stringify(verb)}`;
    out.commands[verb] = n;
  }
  return out;
}

export type LoadResult =
  | { readonly kind: 'restored'; readonly counters: PersistedCounters }
  | { readonly kind: 'missing' }
  /** The file was moved aside to `movedTo`. */
  | { readonly kind: 'corrupt'; readonly problem: string; readonly movedTo: string };

export async function loadCounters(file: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw e;
  }
  const decoded = decodeCounters(text);
  if (typeof decoded !== 'string') return { kind: 'restored', counters: decoded };
  // Kept for a post-mortem rather than silently overwritten by the next save.
  const movedTo = `${file}.corrupt`;
  await fs.rename(file, movedTo);
  return { kind: 'corrupt', problem: decoded, movedTo };
}

export async function saveCounters(file: string, counters: PersistedCounters, savedAt: number): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, encodeCounters(counters, savedAt));
}
