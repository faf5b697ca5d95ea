import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT_PARAMS,
  decodeStrictBase64,
  formatPasswordHash,
  hashPassword,
  parsePasswordHash,
  scryptAsync,
  verifyPasswordHash,
} from './password-hash.js';

const FAST = { N: 1024, r: 8, p: 1 };

describe('scrypt password hashes', () => {
  it('defaults to N=2^15, r=8, p=1', () => {
    expect(DEFAULT_SCRYPT_PARAMS).toEqual({ N: 32768, r: 8, p: 1 });
  });

  it('can hash with the default parameters (above Node\'s default maxmem)', async () => {
    const h = await hashPassword('x');
    expect(h.params).toEqual(DEFAULT_SCRYPT_PARAMS);
    expect(await verifyPasswordHash(h, 'x')).toBe(true);
  });

  it('matches the RFC 7914 §12 scrypt test vector (N=1024, r=8, p=16)', async () => {
    const key = await scryptAsync(Buffer.from('password'), Buffer.from('NaCl'), 64, { N: 1024, r: 8, p: 16 });
    expect(key.toString('hex')).toBe(
      'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640',
    );
  });

  it('verifies the right password and refuses others', async () => {
    const h = await hashPassword('wonderland', FAST);
    expect(await verifyPasswordHash(h, 'wonderland')).toBe(true);
    expect(await verifyPasswordHash(h, 'Wonderland')).toBe(false);
    expect(await verifyPasswordHash(h, '')).toBe(false);
  });

  it('round-trips through the {SCRYPT} text form', async () => {
    const h = await hashPassword('p\u00e4ss:word$', FAST);
    const text = formatPasswordHash(h);
    expect(text).toMatch(/^N=1024,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    const back = parsePasswordHash(text);
    expect(back.params).toEqual(FAST);
    expect(await verifyPasswordHash(back, 'p\u00e4ss:word$')).toBe(true);
  });

  it.each([
    ['N=1024,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==', /needs/],
    ['N=1000,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', /power of two/],
    ['N=2097152,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', /power of two/],
    ['N=1024,r=0,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', /r must/],
    ['n=1024,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', /parameters must read/],
    ['N=1024,r=8,p=1$AAAA*AAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', /salt is not valid base64/],
    ['N=1024,r=8,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', /salt must be at least 8/],
    ['N=1024,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA', /hash must be/],
  ])('refuses %j', (text, message) => {
    expect(() => parsePasswordHash(text)).toThrow(message);
  });

  it('refuses non-canonical base64', () => {
    expect(() => decodeStrictBase64('QR==', 'x')).toThrow(/canonical/);
    expect(decodeStrictBase64('QQ==', 'x').toString()).toBe('A');
  });
});
