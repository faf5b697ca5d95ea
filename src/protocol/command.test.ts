import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCommand, hasCleanSpacing, parseCommandLine, parseMessageNumber, parseNonNegative, type CommandParse } from './command.js';
import { RUNS } from './testing/property-support.js';

const parse = (text: string): CommandParse => parseCommandLine(Buffer.from(text, 'latin1'));

function command(text: string) {
  const r = parse(text);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got ${r.reason}`);
  return r.command;
}

describe('parseCommandLine', () => {
  it('treats keywords case-insensitively and upper-cases the verb', () => {
    for (const k of ['stat', 'STAT', 'StAt', 'sTAT']) expect(command(k).verb).toBe('STAT');
    expect(command('uidl 3').verb).toBe('UIDL');
  });

  it('accepts 3- and 4-character keywords only', () => {
    expect(command('TOP 1 0').verb).toBe('TOP');
    expect(command('USER a').verb).toBe('USER');
    expect(parse('NO')).toEqual({ ok: false, reason: 'bad-keyword' });
    expect(parse('NOOPS')).toEqual({ ok: false, reason: 'bad-keyword' });
    expect(parse('X 1')).toEqual({ ok: false, reason: 'bad-keyword' });
  });

  it('rejects a keyword with non-printable or non-ASCII characters', () => {
    expect(parse('ST\xe9T')).toEqual({ ok: false, reason: 'bad-keyword' });
    expect(parse(' USER a')).toEqual({ ok: false, reason: 'bad-keyword' });
  });

  it('reports an empty line', () => {
    expect(parse('')).toEqual({ ok: false, reason: 'empty' });
  });

  it('gives no args and an empty rest for a bare keyword', () => {
    expect(command('QUIT')).toEqual({ verb: 'QUIT', args: [], rest: '' });
  });

  it('splits parameters on single spaces', () => {
    const c = command('TOP 12 5');
    expect(c.args).toEqual(['12', '5']);
    expect(c.rest).toBe('12 5');
    expect(hasCleanSpacing(c)).toBe(true);
  });

  it('keeps empty parameters for doubled, leading and trailing spaces, so spacing can be checked', () => {
    expect(command('TOP  1 2').args).toEqual(['', '1', '2']);
    expect(command('TOP 1  2').args).toEqual(['1', '', '2']);
    expect(command('DELE 1 ').args).toEqual(['1', '']);
    expect(command('NOOP ').args).toEqual(['']);
    for (const l of ['TOP  1 2', 'TOP 1  2', 'DELE 1 ', 'NOOP ']) expect(hasCleanSpacing(command(l))).toBe(false);
  });

  it('keeps the rest of the line, spaces included, for PASS (RFC 1939 §7)', () => {
    const c = command('PASS  my secret  pass ');
    expect(c.verb).toBe('PASS');
    expect(c.rest).toBe(' my secret  pass ');
  });

  it('keeps bytes 0x80-0xFF in parameters as latin1 characters', () => {
    const c = parseCommandLine(Buffer.from([0x50, 0x41, 0x53, 0x53, 0x20, 0xe9, 0xff]));
    expect(c).toEqual({ ok: true, command: { verb: 'PASS', args: ['\xe9\xff'], rest: '\xe9\xff' } });
  });

  it('rejects control characters anywhere in the line', () => {
    for (const l of ['USER\tbob', 'USER b\x00b', 'PASS a\rb', 'PASS a\nb', 'STAT\x7f', '\x1bSTAT', 'LIST 1\x01']) {
      expect(parse(l)).toEqual({ ok: false, reason: 'control-char' });
    }
  });
});

describe('parseMessageNumber (RFC 1939 §5)', () => {
  it('accepts positive decimal numbers', () => {
    expect(parseMessageNumber('1')).toBe(1);
    expect(parseMessageNumber('42')).toBe(42);
    expect(parseMessageNumber('999999999999999')).toBe(999999999999999);
  });

  it.each(['0', '00', '-1', '+1', '1.0', ' 1', '1 ', '', '99999999999999999999', '0x1', '1e3', 'one', '\uff11', 'Infinity', 'NaN'])(
    'rejects %j',
    (text) => {
      expect(parseMessageNumber(text)).toBeUndefined();
    },
  );
});

describe('parseNonNegative (RFC 1939 §7, TOP)', () => {
  it('accepts zero and positive decimal numbers', () => {
    expect(parseNonNegative('0')).toBe(0);
    expect(parseNonNegative('7')).toBe(7);
    expect(parseNonNegative('999999999999999')).toBe(999999999999999);
  });

  it.each(['-1', '+0', '1.5', ' 0', '', '99999999999999999999', '0x10', '1e2'])('rejects %j', (text) => {
    expect(parseNonNegative(text)).toBeUndefined();
  });

  it('parses every in-range decimal numeral exactly (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,15}$/), (digits) => {
        const n = parseNonNegative(digits);
        expect(n).toBe(Number.parseInt(digits, 10));
        expect(Number.isSafeInteger(n)).toBe(true);
        expect(parseMessageNumber(digits)).toBe(n! >= 1 ? n : undefined);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('formatCommand', () => {
  it('joins the verb and arguments with single spaces and adds CRLF', () => {
    expect(formatCommand('TOP', 1, 10)).toBe('TOP 1 10\r\n');
    expect(formatCommand('QUIT')).toBe('QUIT\r\n');
    expect(formatCommand('PASS', 'a b')).toBe('PASS a b\r\n');
  });

  it('throws on CR or LF in any part', () => {
    expect(() => formatCommand('USER', 'a\r\nDELE 1')).toThrow(/CR or LF/);
    expect(() => formatCommand('USER', 'a\nb')).toThrow();
    expect(() => formatCommand('USER', 'a\rb')).toThrow();
    expect(() => formatCommand('US\nER')).toThrow();
  });

  it('round-trips through parseCommandLine (property)', () => {
    const keyword = fc.stringMatching(/^[A-Za-z]{3,4}$/);
    const arg = fc.stringMatching(/^[\x21-\x7e]{1,10}$/);
    fc.assert(
      fc.property(keyword, fc.array(arg, { maxLength: 4 }), (verb, args) => {
        const wire = formatCommand(verb, ...args);
        expect(wire.endsWith('\r\n')).toBe(true);
        expect(wire.slice(0, -2)).not.toMatch(/[\r\n]/);
        const c = command(wire.slice(0, -2));
        expect(c.verb).toBe(verb.toUpperCase());
        expect(c.args).toEqual(args);
        expect(hasCleanSpacing(c)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parseCommandLine: properties', () => {
  it('is total on arbitrary bytes, and a parsed verb is always a 3-4 char upper-case keyword', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.array(fc.constantFrom(0x20, 0x41, 0x61, 0x0d, 0x0a, 0x00, 0x7f, 0xe9, 0x31), { maxLength: 20 }).map((a) => Uint8Array.from(a)),
    );
    fc.assert(
      fc.property(bytes, (raw) => {
        const buf = Buffer.from(raw);
        let r: CommandParse | undefined;
        expect(() => {
          r = parseCommandLine(buf);
        }).not.toThrow();
        if (!r!.ok) return;
        const { verb, args, rest } = r!.command;
        expect(verb).toBe(verb.toUpperCase());
        expect(verb).toMatch(/^[\x21-\x7e]{3,4}$/);
        expect(rest).not.toMatch(/[\x00-\x1f\x7f]/);
        expect(args.length === 0 ? rest : args.join(' ')).toBe(rest);
        const text = buf.toString('latin1');
        expect(text.toUpperCase().startsWith(verb)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
