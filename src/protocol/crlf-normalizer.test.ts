import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize, canonicalSize, CrlfNormalizer, CrlfState } from './crlf-normalizer.js';
import { RUNS, STREAM_RUNS, cut } from './testing/property-support.js';

/** Message-like bytes: CR, LF and "." are frequent so line structure varies a lot. */
const bytesArb = fc
  .array(fc.oneof(fc.constantFrom(0x0d, 0x0a, 0x2e, 0x61), fc.integer({ min: 0, max: 255 })), { maxLength: 300 })
  .map((a) => Buffer.from(a));
const pointsArb = fc.array(fc.nat(), { maxLength: 20 });
/**
 * Text that is canonical or one edit away from it: CRLF lines (with bare CRs and dots inside),
 * then maybe one octet removed or turned into CR or LF. Random bytes are almost never canonical.
 */
const nearCanonicalArb = fc
  .tuple(
    fc.array(fc.array(fc.constantFrom(0x0d, 0x2e, 0x61, 0x20), { maxLength: 6 }), { maxLength: 8 }),
    fc.constantFrom('none', 'remove', 'cr', 'lf'),
    fc.nat(),
  )
  .map(([lines, edit, where]) => {
    const text = [...Buffer.concat(lines.map((l) => Buffer.from([...l, 0x0d, 0x0a])))];
    if (edit !== 'none' && text.length > 0) {
      const i = where % text.length;
      if (edit === 'remove') text.splice(i, 1);
      else text[i] = edit === 'cr' ? 0x0d : 0x0a;
    }
    return Buffer.from(text);
  });

const canon = (text: string) => canonicalize(Buffer.from(text, 'latin1')).toString('latin1');

async function throughTransform(chunks: readonly Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), new CrlfNormalizer(), async (source: AsyncIterable<Buffer>) => {
    for await (const c of source) out.push(c);
  });
  return Buffer.concat(out);
}

describe('canonicalize', () => {
  it('turns a bare LF into CRLF', () => {
    expect(canon('a\nb\n')).toBe('a\r\nb\r\n');
    expect(canon('\n\n')).toBe('\r\n\r\n');
  });

  it('keeps CRLF as it is', () => {
    expect(canon('a\r\nb\r\n')).toBe('a\r\nb\r\n');
    expect(canon('\r\n')).toBe('\r\n');
  });

  it('keeps a lone CR inside the text', () => {
    expect(canon('a\rb\r\n')).toBe('a\rb\r\n');
    expect(canon('a\r\rb\n')).toBe('a\r\rb\r\n');
    expect(canon('\r\r\n')).toBe('\r\r\n');
  });

  it('turns a CR at the very end into CRLF', () => {
    expect(canon('a\r')).toBe('a\r\n');
    expect(canon('\r')).toBe('\r\n');
    expect(canon('a\r\r')).toBe('a\r\r\n');
  });

  it('adds a final CRLF only when the text does not end in a line break', () => {
    expect(canon('a')).toBe('a\r\n');
    expect(canon('a\r\nb')).toBe('a\r\nb\r\n');
    expect(canon('a\n')).toBe('a\r\n');
    expect(canon('a\r\n')).toBe('a\r\n');
  });

  it('keeps an empty message empty', () => {
    expect(canonicalize(Buffer.alloc(0))).toHaveLength(0);
  });

  it('mixes all cases', () => {
    expect(canon('From: a\nSubject: b\r\n\n.\nbody\rmore')).toBe('From: a\r\nSubject: b\r\n\r\n.\r\nbody\rmore\r\n');
  });
});

describe('CrlfState', () => {
  it('handles a CRLF split across chunks', () => {
    const s = new CrlfState();
    const out = [s.convert(Buffer.from('a\r')), s.convert(Buffer.from('\nb')), s.finish()];
    expect(Buffer.concat(out).toString('latin1')).toBe('a\r\nb\r\n');
    expect(s.octets).toBe(6);
  });

  it('converts an LF at a chunk start after a non-CR', () => {
    const s = new CrlfState();
    const out = [s.convert(Buffer.from('a')), s.convert(Buffer.from('\n')), s.convert(Buffer.alloc(0)), s.finish()];
    expect(Buffer.concat(out).toString('latin1')).toBe('a\r\n');
  });

  it('returns the same buffer when nothing changes', () => {
    const s = new CrlfState();
    const b = Buffer.from('abc\r\ndef');
    expect(s.convert(b)).toBe(b);
  });

  it('adds nothing at the end when there was no input, or only empty chunks', () => {
    const s = new CrlfState();
    s.convert(Buffer.alloc(0));
    expect(s.finish()).toHaveLength(0);
    expect(s.octets).toBe(0);
  });
});

describe('canonicalize: properties', () => {
  it('is idempotent', () => {
    fc.assert(
      fc.property(bytesArb, (x) => {
        const once = canonicalize(x);
        expect(canonicalize(once).equals(once)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('matches a regular-expression reference model', () => {
    const model = (x: Buffer): string => {
      const t = x.toString('latin1').replace(/(?<!\r)\n/g, '\r\n');
      if (t.length === 0 || t.endsWith('\n')) return t;
      return t.endsWith('\r') ? `${t}\n` : `${t}\r\n`;
    };
    fc.assert(
      fc.property(bytesArb, (x) => {
        const text = canonicalize(x).toString('latin1');
        expect(text).toBe(model(x));
        expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
        expect(x.length === 0 ? text === '' : text.endsWith('\r\n')).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the same bytes over any chunking as canonicalize of the whole', () => {
    fc.assert(
      fc.property(bytesArb, pointsArb, (x, points) => {
        const s = new CrlfState();
        const parts = cut(x, points).map((c) => s.convert(c));
        parts.push(s.finish());
        const whole = canonicalize(x);
        expect(Buffer.concat(parts).equals(whole)).toBe(true);
        expect(s.octets).toBe(whole.length);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('canonical size equals stored size (the store skips normalisation then)', () => {
  // Normalising only ever adds octets (a CR before a bare LF, a final CRLF or LF) and never drops or
  // changes one, so equal sizes mean nothing was added: the stored bytes are already canonical.
  it('equal sizes hold exactly when canonicalize changes nothing (property)', () => {
    fc.assert(
      fc.property(fc.oneof(bytesArb, nearCanonicalArb), (x) => {
        const c = canonicalize(x);
        expect(c.length >= x.length).toBe(true);
        expect(c.length === x.length).toBe(c.equals(x));
      }),
      { numRuns: RUNS },
    );
  });

  it('when the sizes are equal, every chunk passes unchanged and nothing is added at the end, over any chunking (property)', () => {
    fc.assert(
      fc.property(nearCanonicalArb, pointsArb, (x, points) => {
        fc.pre(canonicalize(x).length === x.length);
        const s = new CrlfState();
        for (const chunk of cut(x, points)) expect(s.convert(chunk)).toBe(chunk);
        expect(s.finish().length).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('a bare CR inside a line is canonical; a bare LF, a final CR or no final line break is not', () => {
    const same = (t: string) => canonicalize(Buffer.from(t, 'latin1')).length === t.length;
    expect(same('a\rb\r\n')).toBe(true);
    expect(same('\r\r\n')).toBe(true);
    expect(same('')).toBe(true);
    expect(same('a\nb\r\n')).toBe(false);
    expect(same('a\r\nb\r')).toBe(false);
    expect(same('a\r\nb')).toBe(false);
  });
});

describe('canonicalSize', () => {
  it('counts the canonical form of a stream', async () => {
    expect(await canonicalSize(Readable.from([Buffer.from('a\nb')]))).toBe(6);
    expect(await canonicalSize(Readable.from([]))).toBe(0);
  });

  it('equals canonicalize(x).length over any chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(bytesArb, pointsArb, async (x, points) => {
        const size = await canonicalSize(Readable.from(cut(x, points)));
        expect(size).toBe(canonicalize(x).length);
      }),
      { numRuns: STREAM_RUNS },
    );
  });
});

describe('CrlfNormalizer (Transform)', () => {
  it('normalises a stream', async () => {
    const out = await throughTransform([Buffer.from('a\r'), Buffer.from('\nb\n'), Buffer.from('c\r')]);
    expect(out.toString('latin1')).toBe('a\r\nb\r\nc\r\n');
  });

  it('outputs nothing for an empty stream', async () => {
    expect(await throughTransform([])).toHaveLength(0);
  });

  it('gives the same bytes as canonicalize over any chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(bytesArb, pointsArb, async (x, points) => {
        const out = await throughTransform(cut(x, points));
        expect(out.equals(canonicalize(x))).toBe(true);
      }),
      { numRuns: STREAM_RUNS },
    );
  });
});
