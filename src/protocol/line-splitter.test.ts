import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_COMMAND_OCTETS } from './limits.js';
import { LineSplitter, type SplitEvent } from './line-splitter.js';
import { RUNS, cut } from './testing/property-support.js';

/** Bytes with CR, LF and long runs well represented. */
const bytesArb = fc
  .array(fc.oneof(fc.constantFrom(0x0d, 0x0a, 0x41), fc.integer({ min: 0, max: 255 })), { maxLength: 400 })
  .map((a) => Buffer.from(a));

const line = (text: string): SplitEvent => ({ kind: 'line', bytes: Buffer.from(text, 'latin1') });
const overflow = (limit = MAX_COMMAND_OCTETS): SplitEvent => ({ kind: 'overflow', limit });

function feedAll(s: LineSplitter, chunks: readonly Buffer[]): SplitEvent[] {
  return chunks.flatMap((c) => s.push(c));
}

describe('LineSplitter: line endings', () => {
  it('splits CRLF lines and strips the CRLF', () => {
    const s = new LineSplitter(MAX_COMMAND_OCTETS);
    expect(s.push(Buffer.from('USER bob\r\nPASS x y\r\n'))).toEqual([line('USER bob'), line('PASS x y')]);
    expect(s.bufferedOctets).toBe(0);
  });

  it('accepts a bare LF as a line end', () => {
    const s = new LineSplitter(MAX_COMMAND_OCTETS);
    expect(s.push(Buffer.from('STAT\nLIST\r\nQUIT\n'))).toEqual([line('STAT'), line('LIST'), line('QUIT')]);
  });

  it('reports an empty line for a lone CRLF or LF', () => {
    const s = new LineSplitter(MAX_COMMAND_OCTETS);
    expect(s.push(Buffer.from('\r\n\n'))).toEqual([line(''), line('')]);
  });

  it('keeps a CR that is not before the LF', () => {
    const s = new LineSplitter(MAX_COMMAND_OCTETS);
    expect(s.push(Buffer.from('A\rB\r\r\n'))).toEqual([line('A\rB\r')]);
  });

  it('holds an unfinished line until its end arrives', () => {
    const s = new LineSplitter(MAX_COMMAND_OCTETS);
    expect(s.push(Buffer.from('NO'))).toEqual([]);
    expect(s.bufferedOctets).toBe(2);
    expect(s.push(Buffer.from('OP'))).toEqual([]);
    expect(s.push(Buffer.from('\r\n'))).toEqual([line('NOOP')]);
    expect(s.bufferedOctets).toBe(0);
  });

  it('handles a CR at the end of one chunk and the LF at the start of the next', () => {
    const s = new LineSplitter(MAX_COMMAND_OCTETS);
    expect(s.push(Buffer.from('STAT\r'))).toEqual([]);
    expect(s.push(Buffer.from('\nLI'))).toEqual([line('STAT')]);
    expect(s.push(Buffer.from('ST\r'))).toEqual([]);
    expect(s.push(Buffer.from('\n'))).toEqual([line('LIST')]);
  });

  it('does not alias the caller buffer (pooled chunks are reused)', () => {
    const s = new LineSplitter(MAX_COMMAND_OCTETS);
    const chunk = Buffer.from('USER a');
    s.push(chunk);
    chunk.fill(0x5a);
    const out = s.push(Buffer.from('lice\r\n'));
    expect(out).toEqual([line('USER alice')]);
  });

  it('reset() forgets an unfinished line and any discarding', () => {
    const s = new LineSplitter(10);
    s.push(Buffer.from('0123456789ABC'));
    s.reset();
    expect(s.bufferedOctets).toBe(0);
    expect(s.push(Buffer.from('ok\r\n'))).toEqual([line('ok')]);
  });
});

describe('LineSplitter: the 255-octet limit (RFC 2449 §4)', () => {
  const body = (n: number) => 'A'.repeat(n);

  it('accepts 255 octets including CRLF', () => {
    const s = new LineSplitter(MAX_COMMAND_OCTETS);
    expect(s.push(Buffer.from(`${body(253)}\r\n`))).toEqual([line(body(253))]);
  });

  it('rejects 256 octets including CRLF', () => {
    const s = new LineSplitter(MAX_COMMAND_OCTETS);
    expect(s.push(Buffer.from(`${body(254)}\r\n`))).toEqual([overflow()]);
  });

  it('accepts 255 octets including a bare LF', () => {
    const s = new LineSplitter(MAX_COMMAND_OCTETS);
    expect(s.push(Buffer.from(`${body(254)}\n`))).toEqual([line(body(254))]);
  });

  it('rejects 256 octets including a bare LF', () => {
    const s = new LineSplitter(MAX_COMMAND_OCTETS);
    expect(s.push(Buffer.from(`${body(255)}\n`))).toEqual([overflow()]);
  });

  it('decides the same way one octet at a time', () => {
    for (const [text, expected] of [
      [`${body(253)}\r\n`, [line(body(253))]],
      [`${body(254)}\r\n`, [overflow()]],
      [`${body(254)}\n`, [line(body(254))]],
      [`${body(255)}\n`, [overflow()]],
    ] as const) {
      const s = new LineSplitter(MAX_COMMAND_OCTETS);
      const bytes = Buffer.from(text);
      const events: SplitEvent[] = [];
      for (let i = 0; i < bytes.length; i++) {
        events.push(...s.push(bytes.subarray(i, i + 1)));
        expect(s.bufferedOctets).toBeLessThanOrEqual(MAX_COMMAND_OCTETS);
      }
      expect(events).toEqual(expected);
    }
  });

  it('reports overflow once per long line, discards its rest, and parses the next line', () => {
    const s = new LineSplitter(MAX_COMMAND_OCTETS);
    const events = feedAll(s, [
      Buffer.from('X'.repeat(300)),
      Buffer.from('Y'.repeat(300)),
      Buffer.from('STAT tail of the long line\r\nNOOP\r\n'),
      Buffer.from(`${'Z'.repeat(1000)}\nQUIT\r\n`),
    ]);
    expect(events).toEqual([overflow(), line('NOOP'), overflow(), line('QUIT')]);
    expect(s.bufferedOctets).toBe(0);
  });

  it('reports overflow when the limit is crossed, before the line ends', () => {
    const s = new LineSplitter(MAX_COMMAND_OCTETS);
    expect(s.push(Buffer.from(body(254)))).toEqual([]);
    expect(s.push(Buffer.from('B'))).toEqual([overflow()]);
    expect(s.bufferedOctets).toBe(0);
    expect(s.push(Buffer.from('more'))).toEqual([]);
    expect(s.push(Buffer.from('\r\nUSER a\r\n'))).toEqual([line('USER a')]);
  });

  it('keeps memory bounded while 10 MB arrive with no line break', () => {
    const s = new LineSplitter(MAX_COMMAND_OCTETS);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const events: SplitEvent[] = [];
    let fed = 0;
    let maxBuffered = 0;
    while (fed < 10 * 1024 * 1024) {
      events.push(...s.push(chunk));
      fed += chunk.length;
      maxBuffered = Math.max(maxBuffered, s.bufferedOctets);
    }
    // Odd-sized chunks too, so the limit is crossed mid-chunk and between chunks.
    const small = Buffer.alloc(97, 0x62);
    for (let i = 0; i < 1000; i++) {
      events.push(...s.push(small));
      maxBuffered = Math.max(maxBuffered, s.bufferedOctets);
    }
    expect(maxBuffered).toBeLessThanOrEqual(MAX_COMMAND_OCTETS);
    expect(events).toEqual([overflow()]);
    expect(s.push(Buffer.from('\r\nQUIT\r\n'))).toEqual([line('QUIT')]);
  });
});

describe('LineSplitter: properties', () => {
  it('gives the same events for any chunking as for the whole input, and never throws', () => {
    fc.assert(
      fc.property(bytesArb, fc.array(fc.nat(), { maxLength: 30 }), fc.integer({ min: 1, max: 40 }), (bytes, points, limit) => {
        const whole = new LineSplitter(limit).push(bytes);
        const s = new LineSplitter(limit);
        const chunks = cut(bytes, points).map((c) => Buffer.from(c));
        const events: SplitEvent[] = [];
        for (const c of chunks) {
          events.push(...s.push(c));
          c.fill(0xff); // the caller may reuse its buffer
          expect(s.bufferedOctets).toBeLessThanOrEqual(limit);
        }
        expect(events).toEqual(whole);
      }),
      { numRuns: RUNS },
    );
  });

  it('emits lines that fit the limit and hold no LF, and one overflow per over-long line', () => {
    fc.assert(
      fc.property(bytesArb, fc.integer({ min: 1, max: 40 }), (bytes, limit) => {
        const events = new LineSplitter(limit).push(bytes);
        // Reference model: split on LF, measure each complete line with its terminator.
        const segments = bytes.toString('latin1').split('\n');
        const tail = segments.pop()!;
        const expected: SplitEvent[] = [];
        for (const seg of segments) {
          if (seg.length + 1 > limit) expected.push({ kind: 'overflow', limit });
          else expected.push({ kind: 'line', bytes: Buffer.from(seg.endsWith('\r') ? seg.slice(0, -1) : seg, 'latin1') });
        }
        // An unfinished line is reported as overflow as soon as it cannot fit with a terminator.
        if (tail.length > limit - 1) expected.push({ kind: 'overflow', limit });
        expect(events).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });
});
