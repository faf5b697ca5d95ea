/**
 * Whole listings for the one-shot mode: `users` and `stats` without an offset follow the "next"
 * offsets (spec §3.5) and return every line. USERS follows the AFTER cursor instead, which is
 * stable when users are added or removed meanwhile.
 */
import type { ManagerClient, ManagerReply } from '../client.js';

/** Upper bound on pages fetched, so a misbehaving server cannot keep the client looping. */
const MAX_PAGES = 100_000;

export function nextOffset(text: string): number | undefined {
  const m = /(?:^| )next=(\d+)(?: |$)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** True for a command the one-shot mode pages through: USERS or STATS with no argument. */
export function isWholeListing(command: string): boolean {
  return /^(users|stats)$/i.test(command.trim());
}

export async function fetchAll(client: ManagerClient, command: string): Promise<{ first: ManagerReply; lines: string[]; last: ManagerReply }> {
  const verb = command.trim().toUpperCase();
  const first = await client.request(verb);
  const lines = [...(first.lines ?? [])];
  let last = first;
  for (let pages = 1; last.ok && pages < MAX_PAGES; pages++) {
    const next = nextOffset(last.text);
    if (next === undefined) break;
    const cursor = verb === 'USERS' && lines.length > 0 ? `USERS AFTER ${lines[lines.length - 1]}` : `${verb} ${next}`;
    last = await client.request(cursor);
    lines.push(...(last.lines ?? []));
  }
  return { first, lines, last };
}
