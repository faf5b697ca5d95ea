/**
 * Pages of a listing (spec §3.5): as many entries as fit in one reply datagram, with
 * "count=C total=T [next=N]" in the status line. Sizes are computed exactly, dot-stuffing and CRLFs
 * included, so a page is never one octet over and never needlessly short.
 */
import { lineOctets } from './codec.js';
import { err, ok, type Reply } from './types.js';

const CRLF_OCTETS = 2;
const TERMINATOR_OCTETS = 3; // "." CRLF

export function pageText(count: number, total: number, next: number | undefined): string {
  return `count=${count} total=${total}${next === undefined ? '' : ` next=${next}`}`;
}

/**
 * The page of `entries` from `offset` that fits in `tailBudget` octets (the reply after its MAC
 * field: SP, status text, CRLF, lines, terminator). An offset at or past the end gives an empty
 * last page.
 */
export function page(entries: readonly string[], offset: number, tailBudget: number): Reply {
  const total = entries.length;
  const statusOctets = (count: number): number => {
    const end = offset + count;
    return 1 + Buffer.byteLength(pageText(count, total, end < total ? end : undefined)) + CRLF_OCTETS;
  };
  let used = TERMINATOR_OCTETS;
  let count = 0;
  while (offset + count < total) {
    const size = lineOctets(entries[offset + count]!);
    if (statusOctets(count + 1) + used + size > tailBudget) break;
    used += size;
    count++;
  }
  if (count === 0 && offset < total) {
    // Only an entry longer than a whole datagram gets here; answering an empty page with next=offset
    // would send a client round in circles.
    return err('SYS', `entry ${offset} is too long to list`);
  }
  const end = offset + count;
  return ok(pageText(count, total, end < total ? end : undefined), entries.slice(offset, end));
}

/** Index of the first entry greater than `name` in a sorted list (USERS AFTER). */
export function indexAfter(sorted: readonly string[], name: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
