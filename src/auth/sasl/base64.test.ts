import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSaslBase64, encodeSaslBase64 } from './base64.js';

describe('decodeSaslBase64 (RFC 5034 §4, RFC 4648 §4)', () => {
  it('decodes padded base64', () => {
    expect(decodeSaslBase64('AHRpbQB0YW5zdGFhZnRhbnN0YWFm')?.toString('latin1')).toBe('\0tim\0tanstaaftanstaaf');
    expect(decodeSaslBase64('QQ==')?.toString()).toBe('A');
    expect(decodeSaslBase64('QUI=')?.toString()).toBe('AB');
    expect(decodeSaslBase64('+/+/')).toEqual(Buffer.from([0xfb, 0xff, 0xbf]));
  });

  it('"=" is an empty initial response; an empty line is an empty response', () => {
    expect(decodeSaslBase64('=')).toEqual(Buffer.alloc(0));
    expect(decodeSaslBase64('')).toEqual(Buffer.alloc(0));
    expect(decodeSaslBase64('=', 'initial-response')).toEqual(Buffer.alloc(0));
    expect(decodeSaslBase64('', 'initial-response')).toBeUndefined();
    expect(decodeSaslBase64('', 'response')).toEqual(Buffer.alloc(0));
    expect(decodeSaslBase64('=', 'response')).toBeUndefined();
  });

  it.each([
    ['=AAA', 'pad at the start'],
    ['AAA=BBBB', 'pad in the middle'],
    ['QQ', 'missing padding'],
    ['QQ=', 'short padding'],
    ['QQ===', 'too much padding'],
    ['Q===', 'three pad characters'],
    ['QR==', 'non-zero unused bits'],
    ['QUJ=', 'non-zero unused bits'],
    ['QUJD\r\n', 'line end'],
    ['QU JD', 'space'],
    ['QUJD-_', 'URL alphabet'],
    ['QUJD!', 'other character'],
    ['*', 'cancel is the caller\'s'],
  ])('refuses %j (%s)', (text) => {
    expect(decodeSaslBase64(text)).toBeUndefined();
  });

  it('round-trips any bytes and accepts only the canonical encoding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (bytes) => {
        const text = encodeSaslBase64(bytes);
        expect(decodeSaslBase64(text)).toEqual(Buffer.from(bytes));
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        const decoded = decodeSaslBase64(text);
        if (decoded !== undefined && decoded.length > 0) expect(encodeSaslBase64(decoded)).toBe(text);
      }),
    );
  });

  it('encodes an empty challenge as nothing', () => {
    expect(encodeSaslBase64(Buffer.alloc(0))).toBe('');
    expect(encodeSaslBase64(undefined)).toBe('');
  });
});
