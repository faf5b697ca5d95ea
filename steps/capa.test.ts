/**
 * Unit tests of CAPA parsing and the capability rules (support/capa.ts).
 * Cucumber imports every steps/**\/*.ts file, this one too: the tests are declared only under vitest.
 */
import { describe, expect, it } from 'vitest';
import { changedAtLogin, findCapability, missingAfterLogin, parseCapabilities, parsePolicy, policyProblems, saslProblems } from './support/capa.js';

const list = (text: string) => parseCapabilities(Buffer.from(text, 'latin1'));

if (process.env.VITEST) {
  describe('parseCapabilities (RFC 2449 §3, §5)', () => {
    it('reads the example of §5', () => {
      const caps = list('TOP\r\nUSER\r\nSASL CRAM-MD5 KERBEROS_V4\r\nRESP-CODES\r\nLOGIN-DELAY 900\r\nPIPELINING\r\nEXPIRE 60\r\nUIDL\r\nIMPLEMENTATION Shlemazle-Plotz-v302\r\n');
      expect(caps.problems).toEqual([]);
      expect(caps.capabilities.map((c) => c.tag)).toEqual(['TOP', 'USER', 'SASL', 'RESP-CODES', 'LOGIN-DELAY', 'PIPELINING', 'EXPIRE', 'UIDL', 'IMPLEMENTATION']);
      expect(findCapability(caps, 'sasl')?.params).toEqual(['CRAM-MD5', 'KERBEROS_V4']);
    });

    it('treats tags case-insensitively', () => {
      expect(findCapability(list('top\r\n'), 'TOP')).toBeDefined();
    });

    it.each([
      ['X.Y\r\n', /capa-tag/],
      ['SASL  PLAIN\r\n', /single-space/],
      ['SASL PLAIN \r\n', /single-space/],
      [' TOP\r\n', /capa-tag/],
      [`IMPLEMENTATION ${'x'.repeat(600)}\r\n`, /512/],
      ['TOP\r\nUSER', /does not end in CRLF/],
      ['TOP\nUSER\r\n', /bare CR or LF/],
    ])('reports %j', (text, problem) => {
      expect(list(text).problems.join('\n')).toMatch(problem);
    });

    it('accepts an empty list', () => {
      expect(list('')).toEqual({ capabilities: [], problems: [] });
    });
  });

  describe('capabilities before and after login (RFC 2449 §5)', () => {
    it('finds capabilities missing after login', () => {
      expect(missingAfterLogin(list('TOP\r\nUSER\r\n').capabilities, list('TOP\r\n').capabilities)).toEqual(['USER']);
    });

    it('does not ask for STLS after login (RFC 2595 §8: announced in AUTHORIZATION only)', () => {
      expect(missingAfterLogin(list('TOP\r\nSTLS\r\n').capabilities, list('TOP\r\n').capabilities)).toEqual([]);
    });

    it('finds arguments that changed although the capability says they cannot', () => {
      const before = list('IMPLEMENTATION a\r\nLOGIN-DELAY 900 USER\r\n').capabilities;
      const after = list('IMPLEMENTATION b\r\nLOGIN-DELAY 300\r\n').capabilities;
      expect(changedAtLogin(before, after)).toEqual(['IMPLEMENTATION: "a" before login, "b" after']);
    });
  });

  describe('LOGIN-DELAY and EXPIRE values (RFC 2449 §6.5, §6.7)', () => {
    const cap = (line: string) => list(`${line}\r\n`).capabilities[0]!;

    it.each([
      ['LOGIN-DELAY 900', 'AUTHORIZATION', { value: 900, user: false }],
      ['LOGIN-DELAY 900 USER', 'AUTHORIZATION', { value: 900, user: true }],
      ['EXPIRE NEVER', 'TRANSACTION', { value: Infinity, user: false }],
      ['EXPIRE 0', 'TRANSACTION', { value: 0, user: false }],
    ] as const)('%s in %s', (line, state, want) => {
      expect(parsePolicy(cap(line), state)).toEqual(want);
    });

    it.each([
      ['LOGIN-DELAY', 'AUTHORIZATION', /no value/],
      ['LOGIN-DELAY NEVER', 'AUTHORIZATION', /whole number of seconds/],
      ['LOGIN-DELAY 900 USER', 'TRANSACTION', /only appended in AUTHORIZATION/],
      ['EXPIRE 5 ALL', 'AUTHORIZATION', /only token allowed/],
      ['EXPIRE 5 USER X', 'AUTHORIZATION', /too many/],
    ] as const)('rejects %s in %s', (line, state, problem) => {
      expect(parsePolicy(cap(line), state)).toMatch(problem);
    });

    it('wants the largest LOGIN-DELAY and the smallest EXPIRE before login', () => {
      expect(policyProblems('LOGIN-DELAY', { value: 300, user: true }, { value: 900, user: false }).must).toHaveLength(1);
      expect(policyProblems('LOGIN-DELAY', { value: 900, user: true }, { value: 300, user: false })).toEqual({ must: [], should: [] });
      expect(policyProblems('EXPIRE', { value: 30, user: true }, { value: 5, user: false }).must).toHaveLength(1);
      expect(policyProblems('EXPIRE', { value: 5, user: true }, { value: Infinity, user: false })).toEqual({ must: [], should: [] });
    });

    it('wants "USER" before login when the value changes, and the value after login', () => {
      expect(policyProblems('EXPIRE', { value: 5, user: false }, { value: 30, user: false }).should).toHaveLength(1);
      expect(policyProblems('LOGIN-DELAY', { value: 900, user: true }, undefined)).toEqual({
        must: ['LOGIN-DELAY is announced before login but not after (RFC 2449 §5)'],
        should: ['LOGIN-DELAY 900 USER: after login the more accurate value should be announced'],
      });
    });
  });

  describe('SASL mechanism names', () => {
    it('accepts registered-style names and rejects others', () => {
      expect(saslProblems(list('SASL PLAIN SCRAM-SHA-256 X_Y\r\n').capabilities[0]!)).toEqual([]);
      expect(saslProblems(list('SASL\r\n').capabilities[0]!)).toEqual(['SASL lists no mechanism ("SASL")']);
      expect(saslProblems(list('SASL plain\r\n').capabilities[0]!)).toHaveLength(1);
    });
  });
}
