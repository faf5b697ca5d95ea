import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeForStep, escapeOctets, unescapeOctets } from './escape.js';

describe('escapeOctets', () => {
  it('writes CR, LF, controls, 8-bit octets and the Gherkin specials visibly', () => {
    expect(escapeOctets(Buffer.from('A\r\n\x00"|\\\xff', 'latin1'))).toBe('A\\r\\n\\x00\\x22\\x7c\\x5c\\xff');
    expect(escapeOctets(Buffer.from('abcdef'), 3)).toBe('abc… (+3 octets)');
  });

  it('round-trips any octets and never produces CR, LF, quote or bar', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (a) => {
        const text = escapeOctets(Buffer.from(a));
        expect(/[\r\n"|]/.test(text)).toBe(false);
        expect(unescapeOctets(text).equals(Buffer.from(a))).toBe(true);
      }),
    );
  });
});

describe('escapeForStep', () => {
  it('also hides $ (placeholders) and spaces at either end (trimmed in table cells)', () => {
    expect(escapeForStep(Buffer.from(' ${user} '))).toBe('\\x20\\x24{user}\\x20');
    expect(escapeForStep(Buffer.from('  '))).toBe('\\x20\\x20');
    expect(escapeForStep(Buffer.from('a b'))).toBe('a b');
  });

  it('round-trips any octets, with no $ and no space at either end', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (a) => {
        const text = escapeForStep(Buffer.from(a));
        expect(/[\r\n"|$]|^ | $/.test(text)).toBe(false);
        expect(unescapeOctets(text).equals(Buffer.from(a))).toBe(true);
      }),
    );
  });
});
