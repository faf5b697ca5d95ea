import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize } from './crlf-normalizer.js';
import { TopFilter, TopState } from './top-filter.js';
import { RUNS, STREAM_RUNS, cut } from './testing/property-support.js';

const MSG = 'From: a@example.org\r\nSubject: hi\r\n\r\nline 1\r\nline 2\r\n\r\nline 4\r\n';
const HEADER = 'From: a@example.org\r\nSubject: hi\r\n\r\n';

function top(message: string | Buffer, n: number, chunks?: readonly Buffer[]): { out: string; done: boolean } {
  const st = new TopState(n);
  const input = typeof message === 'string' ? Buffer.from(message, 'latin1') : message;
  const out = (chunks ?? [input]).map((c) => st.take(c));
  return { out: Buffer.concat(out).toString('latin1'), done: st.done };
}

/** Reference model of RFC 1939 §7 over canonical text: header, blank line, then n body lines. */
function model(canonical: Buffer, n: number): { out: string; done: boolean } {
  const text = canonical.toString('latin1');
  let pos = 0;
  let inHeader = true;
  let left = n;
  while (pos < text.length) {
    const eol = text.indexOf('\r\n', pos);
    const end = eol === -1 ? text.length : eol + 2;
    const blank = eol === pos;
    pos = end;
    if (inHeader) {
      if (blank) inHeader = false;
    } else {
      left--;
    }
    if (!inHeader && left === 0) return { out: text.slice(0, pos), done: true };
  }
  return { out: text, done: false };
}

/** Message-like canonical text: header lines, maybe a blank line, body lines (some empty, some with CR or "."). */
const messageArb = fc
  .tuple(
    fc.array(fc.constantFrom('From: a', 'Subject: b', 'X: \r', ' folded', 'A'), { maxLength: 4 }),
    fc.boolean(),
    fc.array(fc.constantFrom('', 'body', '.', 'x\ry', '\r', 'a'), { maxLength: 8 }),
  )
  .map(([head, blank, body]) => {
    const lines = blank ? [...head, '', ...body] : head;
    return Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1');
  });
const rawArb = fc
  .array(fc.oneof(fc.constantFrom(0x0d, 0x0a, 0x0a, 0x61), fc.integer({ min: 0, max: 255 })), { maxLength: 200 })
  .map((a) => canonicalize(Buffer.from(a)));
const canonicalArb = fc.oneof(messageArb, rawArb);
const countArb = fc.integer({ min: 0, max: 10 });
const pointsArb = fc.array(fc.nat(), { maxLength: 20 });

describe('TopState (RFC 1939 §7)', () => {
  it('gives the header and the blank line for 0 lines, and sets done', () => {
    expect(top(MSG, 0)).toEqual({ out: HEADER, done: true });
  });

  it('gives n body lines after the blank line', () => {
    expect(top(MSG, 1)).toEqual({ out: `${HEADER}line 1\r\n`, done: true });
    expect(top(MSG, 2)).toEqual({ out: `${HEADER}line 1\r\nline 2\r\n`, done: true });
  });

  it('counts an empty body line as a line', () => {
    expect(top(MSG, 3)).toEqual({ out: `${HEADER}line 1\r\nline 2\r\n\r\n`, done: true });
  });

  it('gives the whole message when n is the body line count, and sets done', () => {
    expect(top(MSG, 4)).toEqual({ out: MSG, done: true });
  });

  it('gives the whole message when n is greater than the body', () => {
    expect(top(MSG, 5)).toEqual({ out: MSG, done: false });
    expect(top(MSG, 1_000_000)).toEqual({ out: MSG, done: false });
  });

  it('gives the whole message when there is no blank line (all header)', () => {
    const m = 'From: a\r\nSubject: b\r\n';
    expect(top(m, 0)).toEqual({ out: m, done: false });
    expect(top(m, 3)).toEqual({ out: m, done: false });
  });

  it('handles a message that starts with the blank line (no header)', () => {
    expect(top('\r\nbody 1\r\nbody 2\r\n', 0)).toEqual({ out: '\r\n', done: true });
    expect(top('\r\nbody 1\r\nbody 2\r\n', 1)).toEqual({ out: '\r\nbody 1\r\n', done: true });
  });

  it('does not take a header line holding only a CR before CRLF for the blank line', () => {
    expect(top('A: 1\r\n\r\r\nB: 2\r\n\r\nbody\r\n', 0)).toEqual({ out: 'A: 1\r\n\r\r\nB: 2\r\n\r\n', done: true });
  });

  it('gives an empty message as empty', () => {
    expect(top('', 0)).toEqual({ out: '', done: false });
  });

  it('finds the blank line when its CR and LF are in different chunks', () => {
    const chunks = ['From: a\r\n\r', '\nbody\r', '\nmore\r\n'].map((c) => Buffer.from(c));
    expect(top('', 1, chunks)).toEqual({ out: 'From: a\r\n\r\nbody\r\n', done: true });
  });

  it('sets done in the chunk that completes the count and passes nothing after it', () => {
    const st = new TopState(1);
    expect(st.take(Buffer.from('H: 1\r\n\r\nbo')).toString()).toBe('H: 1\r\n\r\nbo');
    expect(st.done).toBe(false);
    expect(st.take(Buffer.from('dy\r\nnext\r\n')).toString()).toBe('dy\r\n');
    expect(st.done).toBe(true);
    expect(st.take(Buffer.from('later\r\n'))).toHaveLength(0);
  });

  it('sets done when the count is reached exactly at a chunk end', () => {
    const st = new TopState(0);
    expect(st.take(Buffer.from('H: 1\r\n\r\n')).toString()).toBe('H: 1\r\n\r\n');
    expect(st.done).toBe(true);
    expect(st.take(Buffer.from('body\r\n'))).toHaveLength(0);
  });
});

describe('TopState: properties', () => {
  it('matches the reference model', () => {
    fc.assert(
      fc.property(canonicalArb, countArb, (c, n) => {
        expect(top(c, n)).toEqual(model(c, n));
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the same output and done over any chunking as for one chunk', () => {
    fc.assert(
      fc.property(canonicalArb, countArb, pointsArb, (c, n, points) => {
        const whole = top(c, n);
        const chunked = top(c, n, cut(c, points));
        expect(chunked).toEqual(whole);
      }),
      { numRuns: RUNS },
    );
  });

  it('always gives a prefix of the message that ends at a line end', () => {
    fc.assert(
      fc.property(canonicalArb, countArb, (c, n) => {
        const { out } = top(c, n);
        const text = c.toString('latin1');
        expect(text.startsWith(out)).toBe(true);
        if (out.length > 0) expect(out.endsWith('\r\n')).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('TopFilter (Transform)', () => {
  async function filter(chunks: readonly Buffer[], n: number): Promise<string> {
    const out: Buffer[] = [];
    await pipeline(Readable.from(chunks), new TopFilter(n), async (source: AsyncIterable<Buffer>) => {
      for await (const c of source) out.push(c);
    });
    return Buffer.concat(out).toString('latin1');
  }

  it('passes the header, blank line and n lines', async () => {
    expect(await filter([Buffer.from(MSG)], 1)).toBe(`${HEADER}line 1\r\n`);
  });

  it('matches TopState over any chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(canonicalArb, countArb, pointsArb, async (c, n, points) => {
        expect(await filter(cut(c, points), n)).toBe(top(c, n).out);
      }),
      { numRuns: STREAM_RUNS },
    );
  });
});
