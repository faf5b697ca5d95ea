import { describe, expect, it } from 'vitest';
import { isFresh, macEquals, replyMac, requestMac } from './auth.js';
import { assembleReply, encodeTail, formatRequest } from './codec.js';

// docs/manager-protocol.txt Appendix A (checked there independently with openssl).
const TOKEN = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const ID = '5f0c2a9e81d34b7a9c6e2f1d0b8a7c65';
const TS = '1764158400';
const REQ_MAC = '8bdc984a282554591af8e5e58ba0ecf1522650b850725f46d271a18a9ba7d405';
const REP_MAC = '20b78859da88886b10b766ecdea1693f8ea4abd887021095e05eeabd8d5efbc8';

describe('spec Appendix A test vectors', () => {
  it('request MAC', () => {
    expect(requestMac(TOKEN, ID, TS, Buffer.from('CAPA'))).toBe(REQ_MAC);
    expect(formatRequest(ID, TS, REQ_MAC, 'CAPA').toString()).toBe(`${ID} ${TS} ${REQ_MAC} CAPA`);
  });

  it('reply MAC over the tail after the MAC field', () => {
    const tail = encodeTail({ ok: true, text: '42' });
    expect(tail.toString()).toBe(' 42\r\n');
    expect(replyMac(TOKEN, ID, REQ_MAC, true, tail)).toBe(REP_MAC);
    expect(assembleReply(true, ID, REP_MAC, tail).toString()).toBe(`+OK ${ID} ${REP_MAC} 42\r\n`);
  });
});

describe('MACs', () => {
  it('differ for another token, id, timestamp, command, status or request', () => {
    const base = requestMac(TOKEN, ID, TS, Buffer.from('CAPA'));
    expect(requestMac(`${TOKEN}x`, ID, TS, Buffer.from('CAPA'))).not.toBe(base);
    expect(requestMac(TOKEN, `${ID}x`, TS, Buffer.from('CAPA'))).not.toBe(base);
    expect(requestMac(TOKEN, ID, '1764158401', Buffer.from('CAPA'))).not.toBe(base);
    expect(requestMac(TOKEN, ID, TS, Buffer.from('capa'))).not.toBe(base);
    const tail = Buffer.from(' 42\r\n');
    expect(replyMac(TOKEN, ID, REQ_MAC, false, tail)).not.toBe(REP_MAC);
    expect(replyMac(TOKEN, ID, REP_MAC, true, tail)).not.toBe(REP_MAC);
  });

  it('a reply MAC is never a valid request MAC (labels differ)', () => {
    // Same field values in both inputs: only the label separates them.
    expect(replyMac(TOKEN, ID, TS, true, Buffer.from('CAPA'))).not.toBe(requestMac(TOKEN, ID, TS, Buffer.from('CAPA')));
  });

  it('macEquals compares values, and refuses empty or uneven input', () => {
    expect(macEquals(REQ_MAC, REQ_MAC)).toBe(true);
    expect(macEquals(REQ_MAC, REP_MAC)).toBe(false);
    expect(macEquals('', '')).toBe(false);
    expect(macEquals(REQ_MAC, REQ_MAC.slice(0, 62))).toBe(false);
  });
});

describe('freshness (spec §4.3)', () => {
  const now = 1_764_158_400_000;
  it.each([
    [0, true],
    [60, true],
    [-60, true],
    [61, false],
    [-61, false],
    [-3600, false],
  ])('offset %i s -> %s', (offset, fresh) => {
    expect(isFresh(1_764_158_400 + offset, now)).toBe(fresh);
  });
});
