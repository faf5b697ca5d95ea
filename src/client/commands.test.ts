import { describe, expect, it } from 'vitest';
import { apopDigest, expectsMultiLine, greetingTimestamp } from './commands.js';

describe('expectsMultiLine (RFC 1939 §5, §7; RFC 2449 §5)', () => {
  it.each([
    ['RETR 1', true],
    ['TOP 1 0', true],
    ['CAPA', true],
    ['LIST', true],
    ['UIDL', true],
    ['list', true],
    ['LIST 1', false],
    ['UIDL 2', false],
    ['LIST ', false],
    ['STAT', false],
    ['USER alice', false],
    ['XYZZ', false],
    ['', false],
  ])('%j -> %s', (line, multi) => {
    expect(expectsMultiLine(line)).toBe(multi);
  });
});

describe('APOP (RFC 1939 §7)', () => {
  it('computes the digest of the RFC example', () => {
    expect(apopDigest('<1896.697170952@dbc.mtview.ca.us>', 'tanstaaf')).toBe('c4c9334bac560ecc979e58001b3e22fb');
  });

  it('finds the timestamp in a greeting', () => {
    expect(greetingTimestamp('+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>')).toBe('<1896.697170952@dbc.mtview.ca.us>');
    expect(greetingTimestamp('+OK POP3 server ready')).toBeUndefined();
    expect(greetingTimestamp('+OK a <b c> <d@e>')).toBe('<d@e>');
  });
});
