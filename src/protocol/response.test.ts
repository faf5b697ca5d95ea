import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_RESPONSE_LINE_OCTETS } from './limits.js';
import { formatStatusLine, parseStatusLine, statusLineViolations, type ResponseCode } from './response.js';
import { RUNS } from './testing/property-support.js';

const CODES: readonly ResponseCode[] = ['IN-USE', 'LOGIN-DELAY', 'SYS/TEMP', 'SYS/PERM', 'AUTH'];
const wire = (line: Buffer) => line.toString('latin1');
const rules = (raw: string | Buffer) =>
  statusLineViolations(typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw).map((v) => v.rule);

/** Text that survives the wire unchanged: latin1 characters that are not controls. */
const printableChar = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }),
  fc.integer({ min: 0x80, max: 0xff }),
  fc.constantFrom(0x20, 0x5b, 0x5d), // space and brackets, to probe the code syntax
).map((c) => String.fromCharCode(c));
const printableText = (maxLength: number) => fc.array(printableChar, { maxLength }).map((a) => a.join(''));

/** Anything a caller might pass: any UTF-16 code units, controls and lone surrogates included. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 600 }),
  fc.string({ unit: 'binary-ascii', maxLength: 10_240 }),
  fc.array(fc.constantFrom('a', ' ', '\r', '\n', '\x00', '\u010a', '\u010d', '\u0100', '\u20ac', '\ud83d\ude00'), { maxLength: 40 }).map((a) =>
    a.join(''),
  ),
);
const maybeCode = fc.option(fc.constantFrom(...CODES), { nil: undefined });

describe('formatStatusLine', () => {
  it('formats a bare status', () => {
    expect(wire(formatStatusLine(true))).toBe('+OK\r\n');
    expect(wire(formatStatusLine(false))).toBe('-ERR\r\n');
    expect(wire(formatStatusLine(true, ''))).toBe('+OK\r\n');
  });

  it('formats a status with text', () => {
    expect(wire(formatStatusLine(true, '2 320'))).toBe('+OK 2 320\r\n');
    expect(wire(formatStatusLine(false, 'no such message'))).toBe('-ERR no such message\r\n');
  });

  it('puts a response code in brackets right after the status (RFC 2449 §8)', () => {
    expect(wire(formatStatusLine(false, 'maildrop locked', 'IN-USE'))).toBe('-ERR [IN-USE] maildrop locked\r\n');
    expect(wire(formatStatusLine(false, '', 'SYS/TEMP'))).toBe('-ERR [SYS/TEMP]\r\n');
    expect(wire(formatStatusLine(false, undefined, 'AUTH'))).toBe('-ERR [AUTH]\r\n');
  });

  it('replaces control characters with "?"', () => {
    expect(wire(formatStatusLine(false, 'bad\r\ncommand\x00\t\x7f'))).toBe('-ERR bad??command???\r\n');
  });

  it('keeps latin1 text unchanged', () => {
    expect(wire(formatStatusLine(true, 'caf\xe9 \xff'))).toBe('+OK caf\xe9 \xff\r\n');
  });

  it('does not let characters beyond latin1 turn into CR, LF or NUL on the wire', () => {
    // U+010D, U+010A and U+0100 have 0x0D, 0x0A and 0x00 as their low byte; a latin1 encoder keeps only that byte.
    const line = formatStatusLine(false, 'user \u010d\u010a.\u0100 \u20ac');
    expect(wire(line)).toBe('-ERR user ??.? ?\r\n');
    expect(rules(line)).toEqual([]);
  });

  it('cuts a long text so the line is exactly 512 octets with CRLF', () => {
    for (const code of [undefined, ...CODES]) {
      for (const ok of [true, false]) {
        const line = formatStatusLine(ok, 'x'.repeat(10_240), code);
        expect(line.length).toBe(MAX_RESPONSE_LINE_OCTETS);
        expect(wire(line).endsWith('x\r\n')).toBe(true);
        expect(rules(line)).toEqual([]);
      }
    }
  });

  it('does not cut a text that just fits', () => {
    const text = 'y'.repeat(MAX_RESPONSE_LINE_OCTETS - '+OK '.length - 2);
    expect(wire(formatStatusLine(true, text))).toBe(`+OK ${text}\r\n`);
    expect(wire(formatStatusLine(true, `${text}z`))).toBe(`+OK ${text}\r\n`);
  });

  it('always yields one grammatical line of at most 512 octets ending in CRLF (property)', () => {
    fc.assert(
      fc.property(fc.boolean(), anyText, maybeCode, (ok, text, code) => {
        const line = formatStatusLine(ok, text, code);
        expect(line.length).toBeLessThanOrEqual(MAX_RESPONSE_LINE_OCTETS);
        expect(line.subarray(-2).toString('latin1')).toBe('\r\n');
        const body = line.subarray(0, -2);
        expect(body.includes(0x0d) || body.includes(0x0a) || body.includes(0x00)).toBe(false);
        expect(rules(line).filter((r) => r !== 'rfc1939-3-space')).toEqual([]);
        const parsed = parseStatusLine(wire(body));
        expect(parsed?.ok).toBe(ok);
        if (code) expect(parsed?.code).toBe(code);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parseStatusLine', () => {
  it('parses status, code and text', () => {
    expect(parseStatusLine('+OK')).toEqual({ ok: true, text: '' });
    expect(parseStatusLine('+OK 2 320')).toEqual({ ok: true, text: '2 320' });
    expect(parseStatusLine('-ERR [IN-USE] locked')).toEqual({ ok: false, code: 'IN-USE', text: 'locked' });
    expect(parseStatusLine('-ERR [SYS/PERM]')).toEqual({ ok: false, code: 'SYS/PERM', text: '' });
  });

  it('keeps a bracket that is not a code as text', () => {
    expect(parseStatusLine('-ERR [unclosed')).toEqual({ ok: false, text: '[unclosed' });
    expect(parseStatusLine('-ERR [AUTH]x')).toEqual({ ok: false, text: '[AUTH]x' });
  });

  it('returns undefined without a status indicator', () => {
    for (const l of ['', 'OK', '+ok', '-err x', ' +OK', 'hello']) expect(parseStatusLine(l)).toBeUndefined();
  });

  it('never lets free text start with "[" where it would read as a response code (RFC 2449 §6.4)', () => {
    expect(wire(formatStatusLine(false, '[IN-USE] spoofed'))).toBe('-ERR (IN-USE] spoofed\r\n');
    expect(parseStatusLine('-ERR (IN-USE] spoofed')?.code).toBeUndefined();
  });

  it('round-trips formatStatusLine output (property)', () => {
    fc.assert(
      fc.property(fc.boolean(), printableText(200), maybeCode, (ok, text, code) => {
        // Without a code, a text that starts with "[" is changed so it cannot read back as a code
        // (RFC 2449 §6.4); such texts are only round-tripped together with a code.
        fc.pre(code !== undefined || !text.startsWith('['));
        const line = wire(formatStatusLine(ok, text, code));
        const parsed = parseStatusLine(line.slice(0, -2));
        expect(parsed).toEqual(code ? { ok, code, text } : { ok, text });
      }),
      { numRuns: RUNS },
    );
  });

  it('reads back a prefix of a text that was cut to fit (property)', () => {
    fc.assert(
      fc.property(fc.boolean(), printableText(1200), maybeCode, (ok, text, code) => {
        fc.pre(code !== undefined || !text.startsWith('['));
        const parsed = parseStatusLine(wire(formatStatusLine(ok, text, code)).slice(0, -2));
        expect(parsed?.ok).toBe(ok);
        expect(parsed?.code).toBe(code);
        expect(text.startsWith(parsed!.text)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('statusLineViolations', () => {
  it('passes good lines', () => {
    for (const l of ['+OK\r\n', '-ERR\r\n', '+OK 2 320\r\n', '-ERR [IN-USE] locked\r\n', `+OK ${'a'.repeat(506)}\r\n`]) {
      expect(rules(l)).toEqual([]);
    }
  });

  it('catches a lower-case status indicator', () => {
    const v = statusLineViolations(Buffer.from('+ok fine\r\n'));
    expect(v.map((x) => x.rule)).toEqual(['rfc1939-3-status']);
    expect(v[0]!.detail).toMatch(/wrong case/);
    expect(rules('-Err no\r\n')).toEqual(['rfc1939-3-status']);
  });

  it('catches a missing status indicator', () => {
    const v = statusLineViolations(Buffer.from('hello\r\n'));
    expect(v.map((x) => x.rule)).toEqual(['rfc1939-3-status']);
    expect(v[0]!.detail).toMatch(/no status indicator/);
  });

  it('catches a missing CRLF', () => {
    expect(rules('+OK')).toEqual(['rfc1939-3-crlf']);
    expect(rules('+OK done\r')).toContain('rfc1939-3-crlf');
    expect(rules('')).toContain('rfc1939-3-crlf');
  });

  it('catches a bare LF ending', () => {
    const r = rules('+OK done\n');
    expect(r).toContain('rfc1939-3-crlf');
    expect(r).toContain('rfc1939-3-chars');
  });

  it('catches a line over 512 octets, and not one of exactly 512', () => {
    expect(rules(`+OK ${'a'.repeat(506)}\r\n`)).toEqual([]);
    expect(rules(`+OK ${'a'.repeat(507)}\r\n`)).toEqual(['rfc2449-4-line-length']);
  });

  it('catches more than one space after the status', () => {
    expect(rules('+OK  two spaces\r\n')).toEqual(['rfc1939-3-space']);
  });

  it('catches a status not followed by a space', () => {
    expect(rules('+OKdone\r\n')).toEqual(['rfc1939-3-space']);
    expect(rules('-ERR[IN-USE]\r\n')).toEqual(['rfc1939-3-space']);
  });

  it('catches NUL, CR and LF inside the line', () => {
    expect(rules('+OK a\x00b\r\n')).toEqual(['rfc1939-3-chars']);
    expect(rules('+OK a\rb\r\n')).toEqual(['rfc1939-3-chars']);
    expect(rules('+OK a\nb\r\n')).toEqual(['rfc1939-3-chars']);
  });

  it('reports every rule broken at once', () => {
    expect(rules(`+ok ${'\x00'.repeat(600)}\n`).sort()).toEqual(
      ['rfc1939-3-chars', 'rfc1939-3-crlf', 'rfc1939-3-status', 'rfc2449-4-line-length'].sort(),
    );
  });

  it('never throws on arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), (raw) => {
        const v = statusLineViolations(Buffer.from(raw));
        for (const x of v) {
          expect(typeof x.rule).toBe('string');
          expect(typeof x.detail).toBe('string');
        }
      }),
      { numRuns: RUNS },
    );
  });
});
