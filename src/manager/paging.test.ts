import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_REPLY_OCTETS } from './limits.js';
import { indexAfter, page, pageText } from './paging.js';
import { engineHarness } from './testing/engine-harness.js';

const LONG_ID = 'f'.repeat(32);

/** Names of every length from 1 to 64, so pages are cut at every kind of boundary. */
function tenThousandUsers(): string[] {
  return Array.from({ length: 10_000 }, (_, i) => `u${i}`.padEnd(1 + (i % 64), 'x').slice(0, 64));
}

describe('USERS pagination over 10,000 users (spec §3.5, MGR-PAGE-1/2)', () => {
  it('every page fits one datagram; following next lists every user exactly once, in order', async () => {
    const names = tenThousandUsers();
    const h = engineHarness({ userNames: names });
    const seen: string[] = [];
    let offset: number | undefined = 0;
    let pages = 0;
    while (offset !== undefined) {
      const { reply, datagram } = await h.send(`USERS ${offset}`, { id: `${LONG_ID.slice(0, 24)}${String(pages).padStart(8, '0')}` });
      expect(datagram!.length).toBeLessThanOrEqual(MAX_REPLY_OCTETS);
      const m = /^count=(\d+) total=(\d+)(?: next=(\d+))?$/.exec(reply!.text)!;
      expect(Number(m[1])).toBe(reply!.lines!.length);
      expect(Number(m[2])).toBe(names.length);
      seen.push(...reply!.lines!);
      offset = m[3] === undefined ? undefined : Number(m[3]);
      pages++;
      // A page is "full": the next name would not have fitted.
      if (offset !== undefined) expect(datagram!.length + names[0]!.length).toBeGreaterThan(MAX_REPLY_OCTETS - 70);
    }
    expect(seen).toEqual([...names].sort());
    expect(pages).toBeGreaterThan(100);
  });

  it('the AFTER cursor walks the same list', async () => {
    const names = tenThousandUsers().slice(0, 2000);
    const h = engineHarness({ userNames: names });
    const seen: string[] = [];
    let cmd = 'USERS';
    for (let n = 0; ; n++) {
      const { reply, datagram } = await h.send(cmd, { id: `${LONG_ID.slice(0, 24)}${String(n).padStart(8, '0')}` });
      expect(datagram!.length).toBeLessThanOrEqual(MAX_REPLY_OCTETS);
      seen.push(...reply!.lines!);
      if (!reply!.text.includes('next=')) break;
      cmd = `USERS AFTER ${seen[seen.length - 1]}`;
    }
    expect(seen).toEqual([...names].sort());
  });
});

describe('page()', () => {
  it('is exact: never over the budget, and never leaves out a line that would fit', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 64 }).filter((x) => !/[\u0000-\u001f\u007f]/.test(x)), { maxLength: 200 }), fc.nat(250), fc.integer({ min: 200, max: 1200 }), (entries, offset, budget) => {
        const r = page(entries, offset, budget);
        if (!r.ok) return;
        const tail = (text: string, lines: readonly string[]): number =>
          Buffer.byteLength(` ${text}\r\n${lines.map((l) => `${l.startsWith('.') ? '.' : ''}${l}\r\n`).join('')}.\r\n`);
        expect(tail(r.text, r.lines!)).toBeLessThanOrEqual(budget);
        const end = offset + r.lines!.length;
        if (end < entries.length) {
          const bigger = entries.slice(offset, end + 1);
          const next = end + 1 < entries.length ? end + 1 : undefined;
          expect(tail(pageText(bigger.length, entries.length, next), bigger)).toBeGreaterThan(budget);
        }
      }),
    );
  });

  it('refuses, rather than loops, when one entry cannot fit at all', () => {
    expect(page(['x'.repeat(2000)], 0, 1100)).toMatchObject({ ok: false, code: 'SYS' });
  });

  it('indexAfter finds the first greater name', () => {
    const sorted = ['a', 'b', 'd'];
    expect([indexAfter(sorted, ''), indexAfter(sorted, 'a'), indexAfter(sorted, 'c'), indexAfter(sorted, 'd'), indexAfter(sorted, 'z')]).toEqual([0, 1, 2, 3, 3]);
  });
});
