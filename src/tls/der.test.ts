import { describe, expect, it } from 'vitest';
import { generalName, integer, oid, time, tlv } from './der.js';

const hex = (b: Buffer): string => b.toString('hex');

describe('DER encoding', () => {
  it('encodes short and long lengths', () => {
    expect(hex(tlv(0x04, Buffer.alloc(3)))).toBe('0403000000');
    expect(hex(tlv(0x04, Buffer.alloc(200))).slice(0, 6)).toBe('0481c8');
    expect(hex(tlv(0x04, Buffer.alloc(300))).slice(0, 8)).toBe('0482012c');
  });

  it('encodes OIDs (X.690 §8.19)', () => {
    expect(hex(oid('2.5.4.3'))).toBe('0603550403');
    expect(hex(oid('1.2.840.10045.4.3.2'))).toBe('06082a8648ce3d040302');
    expect(hex(oid('1.2.840.113549.1.1.11'))).toBe('06092a864886f70d01010b');
  });

  it('encodes positive INTEGERs minimally', () => {
    expect(hex(integer(Buffer.from([2])))).toBe('020102');
    expect(hex(integer(Buffer.from([0x80])))).toBe('02020080');
    expect(hex(integer(Buffer.from([0, 0, 5])))).toBe('020105');
  });

  it('uses UTCTime before 2050 and GeneralizedTime after (RFC 5280 §4.1.2.5)', () => {
    expect(time(new Date('2026-01-02T03:04:05Z')).toString('latin1', 2)).toBe('260102030405Z');
    expect(time(new Date('2026-01-02T03:04:05Z'))[0]).toBe(0x17);
    expect(time(new Date('2051-01-02T03:04:05Z')).toString('latin1', 2)).toBe('20510102030405Z');
    expect(time(new Date('2051-01-02T03:04:05Z'))[0]).toBe(0x18);
  });

  it('encodes subjectAltName entries', () => {
    expect(hex(generalName('localhost'))).toBe(`8209${Buffer.from('localhost').toString('hex')}`);
    expect(hex(generalName('127.0.0.1'))).toBe('87047f000001');
    expect(hex(generalName('::1'))).toBe(`8710${'00'.repeat(15)}01`);
    expect(hex(generalName('2001:db8::ffff:1.2.3.4'))).toBe('871020010db8000000000000ffff01020304');
  });
});
