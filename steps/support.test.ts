/**
 * Unit tests of the small step helpers: response-code rules, octet escapes, placeholders, listing
 * parsing and lock refusals. Cucumber imports every steps/**\/*.ts file, this one too: the tests
 * are declared only under vitest.
 */
import { describe, expect, it } from 'vitest';
import { parseStatusLine, statusLineViolations } from '../src/protocol/index.js';
import type { ResponseLine } from '../src/client/index.js';
import { responseCodeProblems } from './support/codes.js';
import { decodeOctets } from './support/octets.js';
import { expandPlaceholders, UNKNOWN_USER } from './support/placeholders.js';
import { isLockRefusal, parseDropListing, parseListingLine } from './support/session.js';
import { isLoopbackHost } from './support/addresses.js';

function line(text: string): ResponseLine {
  const raw = Buffer.from(`${text}\r\n`, 'latin1');
  const status = parseStatusLine(text);
  return { raw, text, status, ok: status?.ok === true, violations: statusLineViolations(raw) };
}

if (process.env.VITEST) {
  describe('responseCodeProblems (RFC 2449 §8, RFC 3206)', () => {
    it.each([
      ['PASS x', '-ERR [IN-USE] locked', false],
      ['PASS x', '-ERR [AUTH] bad', false],
      ['USER x', '-ERR [LOGIN-DELAY] wait', false],
      ['RETR 1', '-ERR [SYS/TEMP] later', false],
      ['RETR 1', '+OK [SYS/TEMP] odd', true],
      ['RETR 1', '-ERR [AUTH] bad', true],
      ['USER x', '-ERR [IN-USE] no', true],
      ['PASS x', '+OK [IN-USE] no', true],
      ['STAT', '-ERR [LOGIN-DELAY] no', true],
      ['STAT', '-ERR [a]b] no', false],
      ['STAT', '-ERR [A//B] bad', true],
      ['STAT', '-ERR [UNKNOWN-CODE] fine', false],
    ])('%s -> %s: problem %s', (command, text, problem) => {
      expect(responseCodeProblems(command, line(text), false).length > 0).toBe(problem);
    });

    it('with RESP-CODES, text that begins with "[" must be a code', () => {
      expect(responseCodeProblems('STAT', line('-ERR [oops'), true)).toHaveLength(1);
      expect(responseCodeProblems('STAT', line('-ERR [oops'), false)).toHaveLength(0);
    });
  });

  describe('decodeOctets', () => {
    it('decodes escapes', () => {
      expect(decodeOctets('A\\r\\n\\x00\\t\\\\b')).toEqual(Buffer.from([0x41, 0x0d, 0x0a, 0x00, 0x09, 0x5c, 0x62]));
    });
    it('rejects unknown escapes', () => {
      expect(() => decodeOctets('\\q')).toThrow(/unknown escape/);
    });
  });

  describe('placeholders', () => {
    const p = { account: { user: 'alice', pass: 'wonderland' }, account2: undefined };
    it('expands the account placeholders', () => {
      expect(expandPlaceholders('USER ${user}', p)).toBe('USER alice');
      expect(expandPlaceholders('PASS ${wrong-pass}', p)).toBe('PASS wonderland-not');
      expect(expandPlaceholders('USER ${unknown-user}', p)).toBe(`USER ${UNKNOWN_USER}`);
    });
    it('says when a second account is needed', () => {
      expect(() => expandPlaceholders('USER ${user2}', p)).toThrow(/second account/);
    });
  });

  describe('listings (RFC 1939 §5, §7)', () => {
    it('parses drop listings', () => {
      expect(parseDropListing(line('+OK 2 320'))).toEqual({ count: 2, octets: 320, rest: '' });
      expect(parseDropListing(line('+OK 2 320 extra'))).toEqual({ count: 2, octets: 320, rest: ' extra' });
      expect(parseDropListing(line('+OK 2 320x'))).toBeUndefined();
      expect(parseDropListing(line('+OK two'))).toBeUndefined();
    });
    it('parses scan and unique-id listing lines', () => {
      expect(parseListingLine('1 120')).toEqual({ number: 1, value: '120', rest: '', line: '1 120' });
      expect(parseListingLine('2 QhdPYR:00WBw1Ph7x7 x')).toMatchObject({ number: 2, value: 'QhdPYR:00WBw1Ph7x7', rest: ' x' });
      expect(parseListingLine('1  120')).toBeUndefined();
    });
  });

  describe('isLockRefusal', () => {
    it.each([
      ['-ERR [IN-USE] busy', true],
      ['-ERR maildrop already locked', true],
      ['-ERR unable to lock maildrop', true],
      ['-ERR invalid password', false],
      ['+OK locked and loaded', false],
    ])('%s -> %s', (text, want) => {
      expect(isLockRefusal(line(text))).toBe(want);
    });
  });

  describe('isLoopbackHost', () => {
    it.each([
      ['localhost', true],
      ['127.0.0.1', true],
      ['127.1.2.3', true],
      ['::1', true],
      ['[::1]', true],
      ['mail.example.org', false],
      ['10.0.0.1', false],
    ])('%s -> %s', (host, want) => {
      expect(isLoopbackHost(host)).toBe(want);
    });
  });
}
