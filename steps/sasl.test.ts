/**
 * Unit tests of the suite's client side of SASL (support/sasl.ts), against the examples of the
 * RFCs. Cucumber imports every steps/**\/*.ts file, this one too: the tests are declared only
 * under vitest.
 */
import { describe, expect, it } from 'vitest';
import { parseStatusLine, statusLineViolations } from '../src/protocol/index.js';
import type { ResponseLine } from '../src/client/index.js';
import {
  base64WithPadInside,
  challengeData,
  cramMd5Response,
  insertInBase64,
  isChallenge,
  isMsgId,
  isStrictBase64,
  parseServerFirst,
  plainMessage,
  saslName,
  ScramSha256,
  toBase64,
} from './support/sasl.js';

function line(text: string): ResponseLine {
  const raw = Buffer.from(`${text}\r\n`, 'latin1');
  const status = parseStatusLine(text);
  return { raw, text, status, ok: status?.ok === true, violations: statusLineViolations(raw) };
}

if (process.env.VITEST) {
  describe('strict base64 (RFC 5034 §5)', () => {
    it.each([
      ['', true],
      ['dGVzdAB0ZXN0AHRlc3Q=', true],
      ['AGFsaWNl', true],
      ['=AAA', false],
      ['AAA=BBB', false],
      ['AA==AA==', false],
      ['AG!hbGlj', false],
      ['AGFsaWN', false],
      ['AGFs aWNl', false],
    ])('%j -> %s', (text, ok) => {
      expect(isStrictBase64(text)).toBe(ok);
    });

    it('puts the insertion at a 4-character boundary, so skipping it would decode the original', () => {
      const b64 = toBase64(plainMessage('', 'alice', 'wonderland'));
      const broken = insertInBase64(b64, '!');
      expect(isStrictBase64(broken)).toBe(false);
      expect(Buffer.from(broken.replace('!', ''), 'base64').equals(plainMessage('', 'alice', 'wonderland'))).toBe(true);
      expect(broken.indexOf('!') % 4).toBe(0);
    });

    it('makes two padded pieces with "=" inside', () => {
      const text = base64WithPadInside(plainMessage('', 'alice', 'wonderland'));
      expect(text.startsWith('AA==')).toBe(true);
      expect(isStrictBase64(text)).toBe(false);
    });
  });

  describe('challenges (RFC 5034 §4: "+" SP base64)', () => {
    it('reads the empty challenge and a base64 one', () => {
      expect(isChallenge(line('+ '))).toBe(true);
      expect(challengeData(line('+ '))).toBe('');
      expect(challengeData(line('+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+'))).toMatch(/^PDE4/);
    });

    it('refuses text besides the base64, and is not fooled by +OK', () => {
      expect(challengeData(line('+ abc def'))).toBeUndefined();
      expect(challengeData(line('+'))).toBeUndefined();
      expect(challengeData(line('+ VXNlcm5hbWU6 please'))).toBeUndefined();
      expect(isChallenge(line('+OK done'))).toBe(false);
      expect(isChallenge(line('-ERR no'))).toBe(false);
    });
  });

  describe('CRAM-MD5 (RFC 2195 §2 example)', () => {
    it('answers the example challenge with the example digest', () => {
      const challenge = Buffer.from('<1896.697170952@postoffice.reston.mci.net>');
      expect(isMsgId(challenge.toString())).toBe(true);
      expect(cramMd5Response('tim', 'tanstaaftanstaaf', challenge).toString()).toBe('tim b913a602c7eda7a495b4e6e7334d3890');
      expect(toBase64(cramMd5Response('tim', 'tanstaaftanstaaf', challenge))).toBe('dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw');
    });
  });

  describe('SCRAM-SHA-256 (RFC 7677 §3 example)', () => {
    const serverFirst = Buffer.from('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');

    it('computes the example proof and verifies the example server signature', () => {
      const scram = new ScramSha256('user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
      expect(scram.clientFirst().toString()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
      const first = parseServerFirst(serverFirst);
      if (typeof first === 'string') throw new Error(first);
      expect(first.iterations).toBe(4096);
      expect(scram.clientFinal(first).toString()).toBe('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
      expect(scram.verifies(Buffer.from('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='))).toBe(true);
      expect(scram.verifies(Buffer.from('v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='))).toBe(false);
      expect(scram.verifies(Buffer.from('e=invalid-proof'))).toBe(false);
    });

    it('breaks the client-final-message on request', () => {
      const scram = new ScramSha256('user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
      const first = parseServerFirst(serverFirst);
      if (typeof first === 'string') throw new Error(first);
      expect(scram.clientFinal(first, { channelBinding: 'y,,' }).toString()).toMatch(/^c=eSws,/);
      expect(scram.clientFinal(first, { nonceSuffix: 'x' }).toString()).toMatch(/hNlF\$k0x,p=/);
    });

    it('refuses a malformed server-first-message and escapes saslnames', () => {
      expect(typeof parseServerFirst(Buffer.from('s=abc,i=1'))).toBe('string');
      expect(typeof parseServerFirst(Buffer.from('r=abc,s=!!,i=1'))).toBe('string');
      expect(saslName('a,b=c')).toBe('a=2Cb=3Dc');
    });
  });
}
