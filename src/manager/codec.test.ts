import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeTail, parseCommand, parseReply, parseRequestHeader, unauthenticatedReply, assembleReply } from './codec.js';
import { MAX_REQUEST_OCTETS } from './limits.js';

const MAC = 'a'.repeat(64);

describe('totality: no input makes a parser throw', () => {
  const anyBytes = fc.uint8Array({ minLength: 0, maxLength: 2 * MAX_REQUEST_OCTETS });
  // Near-misses of the real grammar find more paths than uniform noise.
  const nearMiss = fc
    .tuple(
      fc.stringMatching(/^[A-Za-z0-9_-]{0,34}$/),
      fc.stringMatching(/^[0-9]{0,14}$/),
      fc.stringMatching(/^[0-9a-fA-F]{60,66}$/),
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.constantFrom('', ' ', '  ', '\r\n', '\n', '\r'),
    )
    .map(([id, ts, mac, cmd, sep]) => Buffer.from(`${id} ${ts}${sep}${mac} ${cmd}`, 'utf8'));

  it('parseRequestHeader and parseCommand', () => {
    fc.assert(
      fc.property(fc.oneof(anyBytes, nearMiss), (bytes) => {
        const h = parseRequestHeader(bytes);
        if (h.kind === 'ok') parseCommand(h.header.command);
        parseCommand(bytes);
      }),
      { numRuns: 5000 },
    );
  });

  it('parseReply', () => {
    fc.assert(
      fc.property(anyBytes, (bytes) => {
        parseReply(bytes);
      }),
      { numRuns: 5000 },
    );
  });

  it('a subarray of a larger buffer is read at its own offset', () => {
    const whole = Buffer.from(`garbage id1 1 ${MAC} CAPA`);
    const h = parseRequestHeader(whole.subarray('garbage '.length));
    expect(h.kind).toBe('ok');
  });
});

describe('parseRequestHeader (spec §3.2, §4.6 steps 1-2)', () => {
  it('reads id, timestamp, MAC and the command without its line end', () => {
    for (const end of ['', '\n', '\r\n']) {
      const h = parseRequestHeader(Buffer.from(`req-1 1764158400 ${MAC} USERS AFTER bob${end}`));
      expect(h).toEqual({ kind: 'ok', header: { id: 'req-1', timestamp: '1764158400', mac: MAC, command: Buffer.from('USERS AFTER bob') } });
    }
  });

  it('empty, too big, malformed', () => {
    expect(parseRequestHeader(Buffer.alloc(0)).kind).toBe('empty');
    expect(parseRequestHeader(Buffer.alloc(MAX_REQUEST_OCTETS + 1, 0x41)).kind).toBe('too-big');
    expect(parseRequestHeader(Buffer.alloc(MAX_REQUEST_OCTETS, 0x41)).kind).toBe('malformed');
    // The seed's bare command: no header, so no id to echo.
    expect(parseRequestHeader(Buffer.from('CAPA'))).toEqual({ kind: 'malformed', id: undefined });
    expect(parseRequestHeader(Buffer.from(`id 12 ${MAC}`))).toEqual({ kind: 'malformed', id: 'id' });
    expect(parseRequestHeader(Buffer.from(`id 12 ${MAC} \r\n`))).toEqual({ kind: 'malformed', id: 'id' });
    expect(parseRequestHeader(Buffer.from(`id 12 ${MAC.toUpperCase()} CAPA`)).kind).toBe('malformed');
    expect(parseRequestHeader(Buffer.from(`id 1234567890123 ${MAC} CAPA`)).kind).toBe('malformed');
    expect(parseRequestHeader(Buffer.from(`${'x'.repeat(33)} 1 ${MAC} CAPA`))).toEqual({ kind: 'malformed', id: undefined });
    expect(parseRequestHeader(Buffer.from(`id  1 ${MAC} CAPA`)).kind).toBe('malformed');
  });
});

describe('parseCommand (spec §3.2)', () => {
  it('keywords are case-insensitive; arguments keep their case', () => {
    expect(parseCommand(Buffer.from('users AFTER Bob'))).toEqual({ ok: true, command: { verb: 'USERS', args: ['AFTER', 'Bob'], rest: 'AFTER Bob', cleanSpacing: true } });
  });

  it('refuses control characters, invalid UTF-8 and bad keywords', () => {
    expect(parseCommand(Buffer.from('ADD a:b\u0000c')).ok).toBe(false);
    expect(parseCommand(Buffer.from('ADD a:b\tc')).ok).toBe(false);
    expect(parseCommand(Buffer.from([0x41, 0x44, 0x44, 0x20, 0xff])).ok).toBe(false);
    expect(parseCommand(Buffer.from('LONGVERBXX')).ok).toBe(false);
    expect(parseCommand(Buffer.from('C4PA')).ok).toBe(false);
  });

  it('accepts UTF-8 arguments and flags double spaces', () => {
    const r = parseCommand(Buffer.from('ADD anna:pässwörd mit leer'));
    expect(r.ok && r.command.rest).toBe('anna:pässwörd mit leer');
    const d = parseCommand(Buffer.from('DEL  anna'));
    expect(d.ok && d.command.cleanSpacing).toBe(false);
  });
});

describe('replies (spec §3.3)', () => {
  it('round-trips single-line, multi-line (dot-stuffed) and error replies', () => {
    const id = 'abc';
    const multi = encodeTail({ ok: true, text: 'count=2 total=2', lines: ['.hidden', 'plain'] });
    expect(multi.toString()).toBe(' count=2 total=2\r\n..hidden\r\nplain\r\n.\r\n');
    const parsed = parseReply(assembleReply(true, id, MAC, multi));
    expect(parsed).toMatchObject({ ok: true, reply: { ok: true, id, mac: MAC, text: 'count=2 total=2', lines: ['.hidden', 'plain'], code: undefined } });
    const e = parseReply(assembleReply(false, id, MAC, encodeTail({ ok: false, code: 'NO-USER', text: 'no user x' })));
    expect(e).toMatchObject({ ok: true, reply: { ok: false, code: 'NO-USER', text: 'no user x', lines: undefined } });
  });

  it('unauthenticated replies carry "-" for the MAC and, when unknown, the id', () => {
    expect(unauthenticatedReply(undefined, 'MALFORMED', 'not a manager request').toString()).toBe('-ERR - - [MALFORMED] not a manager request\r\n');
    expect(parseReply(unauthenticatedReply('x1', 'AUTH', 'bad signature'))).toMatchObject({ ok: true, reply: { id: 'x1', mac: '-', code: 'AUTH' } });
  });

  it('control characters in texts cannot break the framing', () => {
    const tail = encodeTail({ ok: true, text: 'a\r\nb', lines: ['x\ry', '\n'] });
    expect(tail.toString()).toBe(' a??b\r\nx?y\r\n?\r\n.\r\n');
  });

  it('parseReply refuses replies without CRLF or without the terminator', () => {
    expect(parseReply(Buffer.from(`+OK a ${MAC} hi`)).ok).toBe(false);
    expect(parseReply(Buffer.from(`+OK a ${MAC} hi\r\nline\r\n`)).ok).toBe(false);
  });
});
