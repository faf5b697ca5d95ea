import { describe, expect, it } from 'vitest';
import { decodeUtf8, saslPrep } from './saslprep.js';

describe('saslPrep (RFC 4013, lite)', () => {
  it('leaves printable ASCII unchanged', () => {
    expect(saslPrep('user')).toBe('user');
    expect(saslPrep('pencil')).toBe('pencil');
    expect(saslPrep('a b=c,d')).toBe('a b=c,d');
  });

  // The examples of RFC 4013 §3.
  it.each([
    ['I\u00ADX', 'IX', 'SOFT HYPHEN mapped to nothing'],
    ['user', 'user', 'no transformation'],
    ['USER', 'USER', 'case preserved'],
    ['\u00AA', 'a', 'NFKC'],
    ['\u2168', 'IX', 'NFKC'],
  ])('%j -> %j (%s)', (input, output) => {
    expect(saslPrep(input)).toBe(output);
  });

  it('refuses prohibited characters (RFC 4013 §3: U+0007)', () => {
    expect(saslPrep('\u0007')).toBeUndefined();
    expect(saslPrep('a\u0000b')).toBeUndefined();
    expect(saslPrep('a\uE000')).toBeUndefined(); // private use
    expect(saslPrep('a\uFFFF')).toBeUndefined(); // non-character
    expect(saslPrep('a\uD800')).toBeUndefined(); // lone surrogate
    expect(saslPrep('a\u200E')).toBeUndefined(); // LRM
    expect(saslPrep('a\u{E0041}')).toBeUndefined(); // tag
  });

  it('maps non-ASCII spaces to SPACE and refuses an empty result', () => {
    expect(saslPrep('a\u00A0b')).toBe('a b');
    expect(saslPrep('\u00AD')).toBeUndefined();
    expect(saslPrep('')).toBeUndefined();
  });
});

describe('decodeUtf8', () => {
  it('decodes valid UTF-8 and refuses invalid sequences', () => {
    expect(decodeUtf8(Buffer.from('h\u00e9', 'utf8'))).toBe('h\u00e9');
    expect(decodeUtf8(Buffer.from([0xc3]))).toBeUndefined();
    expect(decodeUtf8(Buffer.from([0xc0, 0xaf]))).toBeUndefined(); // overlong "/"
    expect(decodeUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBeUndefined(); // encoded surrogate
  });
});
