import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize } from './crlf-normalizer.js';
import { DotStuffer, MultiLineDecoder, stuff, StuffState, TERMINATOR, unstuff, type DecodeStep } from './dot-stuffing.js';
import { RUNS, STREAM_RUNS, cut } from './testing/property-support.js';

/** Message-like bytes: ".", CR and LF are frequent so dotted lines and odd endings are common. */
const bytesArb = fc
  .array(fc.oneof(fc.constantFrom(0x2e, 0x2e, 0x0d, 0x0a, 0x61), fc.integer({ min: 0, max: 255 })), { maxLength: 300 })
  .map((a) => Buffer.from(a));
/** Message text built from lines, so "." at a line start and "." alone on a line are frequent. */
const linesArb = fc
  .array(fc.constantFrom('', '.', '..', '.a', 'a.', 'abc', '. ', '.\r', '\r'), { maxLength: 12 })
  .chain((lines) => fc.constantFrom('\r\n', '\n').map((eol) => Buffer.from(lines.join(eol), 'latin1')));
const messageArb = fc.oneof(bytesArb, linesArb);
const pointsArb = fc.array(fc.nat(), { maxLength: 20 });

/** Reference model: split after every LF (bare or not) and put one more "." before a line that starts with one. */
function referenceStuff(x: Buffer): Buffer {
  const lines = x.toString('latin1').split(/(?<=\n)/);
  return Buffer.from(lines.map((l) => (l.startsWith('.') ? `.${l}` : l)).join(''), 'latin1');
}

const s = (text: string) => stuff(Buffer.from(text, 'latin1')).toString('latin1');

/** Feeds chunks until the decoder reports done; returns data, the step that ended it, and the unfed chunks. */
function decodeChunks(chunks: readonly Buffer[]) {
  const d = new MultiLineDecoder();
  const data: Buffer[] = [];
  let last: DecodeStep | undefined;
  let i = 0;
  for (; i < chunks.length; i++) {
    last = d.push(chunks[i]!);
    data.push(last.data);
    if (last.done) break;
  }
  return { decoder: d, data: Buffer.concat(data), done: last?.done ?? false, rest: last?.rest ?? Buffer.alloc(0), doneAt: i, unfed: chunks.slice(i + 1) };
}

async function throughStuffer(chunks: readonly Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), new DotStuffer(), async (source: AsyncIterable<Buffer>) => {
    for await (const c of source) out.push(c);
  });
  return Buffer.concat(out);
}

describe('stuff (RFC 1939 §3 byte-stuffing)', () => {
  it('adds one "." to a line that starts with "."', () => {
    expect(s('a\r\n.b\r\n')).toBe('a\r\n..b\r\n');
    expect(s('a\r\n..b\r\n')).toBe('a\r\n...b\r\n');
  });

  it('stuffs a line that is only "."', () => {
    expect(s('a\r\n.\r\nb\r\n')).toBe('a\r\n..\r\nb\r\n');
  });

  it('stuffs the first line of the body', () => {
    expect(s('.first\r\n')).toBe('..first\r\n');
    expect(s('.\r\n')).toBe('..\r\n');
  });

  it('leaves dots that are not at a line start alone', () => {
    expect(s('a.b\r\nc.\r\n')).toBe('a.b\r\nc.\r\n');
  });

  it('stuffs consecutive dotted lines', () => {
    expect(s('.\r\n.\r\n.\r\n')).toBe('..\r\n..\r\n..\r\n');
  });

  it('returns an empty body unchanged', () => {
    expect(s('')).toBe('');
  });
});

describe('StuffState across chunks', () => {
  it('stuffs a "." that starts a chunk after a chunk ending in CRLF', () => {
    const st = new StuffState();
    const out = [st.convert(Buffer.from('a\r\n')), st.convert(Buffer.from('.b\r\n'))];
    expect(Buffer.concat(out).toString('latin1')).toBe('a\r\n..b\r\n');
  });

  it('stuffs when "\\r\\n." is split between the CR and the LF', () => {
    const st = new StuffState();
    const out = [st.convert(Buffer.from('a\r')), st.convert(Buffer.from('\n.b\r\n'))];
    expect(Buffer.concat(out).toString('latin1')).toBe('a\r\n..b\r\n');
  });

  it('does not stuff a "." that starts a chunk in the middle of a line', () => {
    const st = new StuffState();
    const out = [st.convert(Buffer.from('a')), st.convert(Buffer.from('.b\r\n'))];
    expect(Buffer.concat(out).toString('latin1')).toBe('a.b\r\n');
  });

  it('keeps its line-start state over empty chunks', () => {
    const st = new StuffState();
    const out = [st.convert(Buffer.from('a\r\n')), st.convert(Buffer.alloc(0)), st.convert(Buffer.from('.'))];
    expect(Buffer.concat(out).toString('latin1')).toBe('a\r\n..');
  });

  it('gives the same bytes over any chunking as stuff() of the whole (property)', () => {
    fc.assert(
      fc.property(messageArb, pointsArb, (x, points) => {
        const c = canonicalize(x);
        const st = new StuffState();
        const out = Buffer.concat(cut(c, points).map((p) => st.convert(p)));
        expect(out.equals(stuff(c))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('stuffs in place when there is room: equal to a line-by-line reference over any chunking (property)', () => {
    // The server stuffs each chunk inside its pooled read buffer; too little room falls back to a new buffer.
    fc.assert(
      fc.property(messageArb, pointsArb, fc.nat({ max: 8 }), (x, points, room) => {
        const st = new StuffState();
        const parts: Buffer[] = [];
        for (const chunk of cut(x, points)) {
          const buf = Buffer.alloc(chunk.length + room, 0x78); // stale bytes after the text must not leak
          chunk.copy(buf);
          parts.push(Buffer.from(st.convertInPlace(buf, chunk.length)));
        }
        expect(Buffer.concat(parts).equals(referenceStuff(x))).toBe(true);
        expect(st.lineStart).toBe(x.length === 0 || x[x.length - 1] === 0x0a);
      }),
      { numRuns: RUNS },
    );
  });

  it('dense dots (dot art, "....." lines) and sparse ones: both searches agree with the reference over any chunking (property)', () => {
    // Long bodies where most dots are inside lines, so the search switches from "." to "\n." mid-chunk.
    const dottyLine = fc.oneof(fc.constantFrom('.', '..', '....................', '. . . .', 'a.b.c.d.e.f', '.x.y.z', '', 'abc'), fc.string({ maxLength: 40 }));
    const dotty = fc
      .array(dottyLine, { minLength: 50, maxLength: 400 })
      .chain((lines) => fc.constantFrom('\r\n', '\n').map((eol) => Buffer.from(lines.join(eol), 'latin1')));
    fc.assert(
      fc.property(dotty, pointsArb, fc.nat({ max: 64 }), (x, points, room) => {
        const inPlace = new StuffState();
        const copied = new StuffState();
        const a: Buffer[] = [];
        const b: Buffer[] = [];
        for (const chunk of cut(x, points)) {
          const buf = Buffer.alloc(chunk.length + room, 0x78);
          chunk.copy(buf);
          a.push(Buffer.from(inPlace.convertInPlace(buf, chunk.length)));
          b.push(copied.convert(chunk));
        }
        const expected = referenceStuff(x);
        expect(Buffer.concat(a).equals(expected)).toBe(true);
        expect(Buffer.concat(b).equals(expected)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('stuffs in place inside the given buffer, and leaves a chunk without dot lines as it is', () => {
    const buf = Buffer.alloc(64, 0x78);
    buf.write('.a\r\nb\r\n.c\r\n\n.');
    const stuffed = new StuffState().convertInPlace(buf, 11);
    expect(stuffed.toString('latin1')).toBe('..a\r\nb\r\n..c\r\n');
    expect(stuffed.buffer).toBe(buf.buffer);
    const plain = Buffer.from('a\r\nb.\r\n');
    expect(new StuffState().convertInPlace(plain, plain.length).equals(plain)).toBe(true);
  });

  it('DotStuffer (Transform) gives the same bytes as stuff() (property)', async () => {
    await fc.assert(
      fc.asyncProperty(messageArb, pointsArb, async (x, points) => {
        const c = canonicalize(x);
        expect((await throughStuffer(cut(c, points))).equals(stuff(c))).toBe(true);
      }),
      { numRuns: STREAM_RUNS },
    );
  });
});

describe('MultiLineDecoder', () => {
  it('unstuffs dotted lines and stops at the terminator', () => {
    const d = new MultiLineDecoder();
    const step = d.push(Buffer.from('a\r\n..b\r\n..\r\n.\r\n'));
    expect(step.done).toBe(true);
    expect(step.data.toString('latin1')).toBe('a\r\n.b\r\n.\r\n');
    expect(step.rest).toHaveLength(0);
    expect(d.violations).toEqual([]);
  });

  it('decodes an empty body', () => {
    expect(unstuff(TERMINATOR)).toHaveLength(0);
  });

  it('returns the bytes after the terminator (a pipelined next response)', () => {
    const step = new MultiLineDecoder().push(Buffer.from('x\r\n.\r\n+OK next\r\n'));
    expect(step.done).toBe(true);
    expect(step.data.toString('latin1')).toBe('x\r\n');
    expect(step.rest.toString('latin1')).toBe('+OK next\r\n');
  });

  it('finds "\\r\\n." split across chunks, and a terminator split anywhere', () => {
    const d = new MultiLineDecoder();
    const steps = ['a\r', '\n.', '.b\r\n.', '\r', '\n+OK'].map((c) => d.push(Buffer.from(c)));
    expect(steps.map((x) => x.done)).toEqual([false, false, false, false, true]);
    expect(Buffer.concat(steps.map((x) => x.data)).toString('latin1')).toBe('a\r\n.b\r\n');
    expect(steps[4]!.rest.toString('latin1')).toBe('+OK');
  });

  it('holds an unfinished line', () => {
    const d = new MultiLineDecoder();
    expect(d.push(Buffer.from('abc')).data).toHaveLength(0);
    expect(d.pendingOctets).toBe(3);
    expect(d.push(Buffer.from('\r\n')).data.toString('latin1')).toBe('abc\r\n');
    expect(d.pendingOctets).toBe(0);
  });

  it('keeps a bare LF as data and does not end a line on it', () => {
    const step = new MultiLineDecoder().push(Buffer.from('a\n.\r\nb\r\n.\r\n'));
    expect(step.data.toString('latin1')).toBe('a\n.\r\nb\r\n');
    expect(step.done).toBe(true);
  });

  it('does not take ".\\r\\n" inside a line for the terminator', () => {
    const step = new MultiLineDecoder().push(Buffer.from('a.\r\n.\r\n'));
    expect(step.data.toString('latin1')).toBe('a.\r\n');
    expect(step.done).toBe(true);
  });

  it('reports a data line that starts with an unstuffed "."', () => {
    const d = new MultiLineDecoder();
    const step = d.push(Buffer.from('ok\r\n.bad\r\n..good\r\n.\r\n'));
    expect(step.done).toBe(true);
    expect(step.data.toString('latin1')).toBe('ok\r\nbad\r\n.good\r\n');
    expect(d.violations).toEqual(['line 2 starts with an unstuffed "."']);
  });

  it('reports an unstuffed "." followed by a lone CR (a "." line whose CRLF is garbled)', () => {
    const d = new MultiLineDecoder();
    d.push(Buffer.from('.\r\r\n.\r\n'));
    expect(d.violations).toEqual(['line 1 starts with an unstuffed "."']);
  });

  it('unstuff() throws when the terminator is missing', () => {
    expect(() => unstuff(Buffer.from('a\r\n'))).toThrow(/terminator/);
  });
});

describe('dot-stuffing: properties', () => {
  it('unstuff(stuff(canonicalize(x)) + ".\\r\\n") equals canonicalize(x)', () => {
    fc.assert(
      fc.property(messageArb, (x) => {
        const c = canonicalize(x);
        const d = new MultiLineDecoder();
        const step = d.push(Buffer.concat([stuff(c), TERMINATOR]));
        expect(step.done).toBe(true);
        expect(step.data.equals(c)).toBe(true);
        expect(step.rest).toHaveLength(0);
        expect(d.violations).toEqual([]);
        expect(unstuff(Buffer.concat([stuff(c), TERMINATOR])).equals(c)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('never puts "\\r\\n.\\r\\n" in the stuffed form before the terminator', () => {
    fc.assert(
      fc.property(messageArb, (x) => {
        const stuffed = stuff(canonicalize(x));
        expect(Buffer.concat([Buffer.from('\r\n'), stuffed]).includes('\r\n.\r\n')).toBe(false);
        // Every line of the stuffed form that starts with "." starts with "..".
        for (const l of `\r\n${stuffed.toString('latin1')}`.split('\r\n').slice(1)) {
          if (l.startsWith('.')) expect(l.startsWith('..')).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('decodes the same over any chunking, stops exactly at the terminator and returns what follows', () => {
    const nextArb = fc.oneof(
      fc.constant(Buffer.alloc(0)),
      fc.constantFrom('+OK 1 200\r\n', '.\r\n', '-ERR no\r\n+OK\r\n').map((t) => Buffer.from(t)),
      bytesArb,
    );
    fc.assert(
      fc.property(messageArb, nextArb, pointsArb, (x, next, points) => {
        const c = canonicalize(x);
        const body = Buffer.concat([stuff(c), TERMINATOR]);
        const wire = Buffer.concat([body, next]);
        const chunks = cut(wire, points);
        const r = decodeChunks(chunks);
        expect(r.done).toBe(true);
        expect(r.data.equals(c)).toBe(true);
        // The decoder stopped in the chunk holding the terminator's last octet ...
        const endOfChunk = chunks.slice(0, r.doneAt + 1).reduce((n, ch) => n + ch.length, 0);
        const startOfChunk = endOfChunk - chunks[r.doneAt]!.length;
        expect(startOfChunk).toBeLessThan(body.length);
        expect(endOfChunk).toBeGreaterThanOrEqual(body.length);
        // ... and handed back every octet after it, in order.
        expect(Buffer.concat([r.rest, ...r.unfed]).equals(next)).toBe(true);
        expect(r.decoder.violations).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('is chunking-invariant on arbitrary (even malformed) input', () => {
    fc.assert(
      fc.property(bytesArb, pointsArb, (wire, points) => {
        const whole = new MultiLineDecoder();
        const w = whole.push(wire);
        const r = decodeChunks(cut(wire, points));
        expect(r.done).toBe(w.done);
        expect(r.data.equals(w.data)).toBe(true);
        if (w.done) expect(Buffer.concat([r.rest, ...r.unfed]).equals(w.rest)).toBe(true);
        expect(r.decoder.violations).toEqual(whole.violations);
        if (!w.done) expect(r.decoder.pendingOctets).toBe(whole.pendingOctets);
      }),
      { numRuns: RUNS },
    );
  });
});
