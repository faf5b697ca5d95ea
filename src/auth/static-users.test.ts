import { describe, expect, it } from 'vitest';
import { deriveScramCredentials } from './scram.js';
import { StaticUsers } from './static-users.js';

describe('StaticUsers', () => {
  const users = new StaticUsers([
    ['alice', 'wonderland'],
    ['bob', 'builder'],
  ]);

  it('verifies passwords; password users have no shared secret (RFC 1939 §13)', async () => {
    expect(await users.verifyPassword('alice', 'wonderland')).toBe(true);
    expect(await users.verifyPassword('alice', 'builder')).toBe(false);
    expect(await users.verifyPassword('carol', 'wonderland')).toBe(false);
    expect(await users.apopSecret('bob')).toBeUndefined();
    expect(await users.apopSecret('carol')).toBeUndefined();
    expect(await users.listUsers()).toEqual(['alice', 'bob']);
  });

  it('keeps APOP users apart: a shared secret, no password', async () => {
    const u = new StaticUsers([['alice', 'wonderland']], { apopUsers: [['dave', 'tlsarecool']] });
    expect(await u.apopSecret('dave')).toBe('tlsarecool');
    expect(await u.verifyPassword('dave', 'tlsarecool')).toBe(false);
    expect(await u.listUsers()).toEqual(['alice', 'dave']);
    expect(u.supports('apop')).toBe(true);
    // CRAM-MD5 only when every user could use it.
    expect(u.supports('shared-secret')).toBe(false);
    expect(new StaticUsers([], { apopUsers: [['dave', 'x']] }).supports('shared-secret')).toBe(true);
    expect(u.delete('dave')).toBe(true);
    expect(u.supports('apop')).toBe(false);
  });

  it('parses the seed\'s user:pass form', () => {
    expect(StaticUsers.parseSpec('a:b:c')).toEqual(['a', 'b:c']);
    expect(() => StaticUsers.parseSpec(':b')).toThrow();
    expect(() => StaticUsers.parseSpec('a:')).toThrow();
  });

  it('offers SCRAM-SHA-256 and derives stable keys from the passwords', async () => {
    expect(users.supports('shared-secret')).toBe(false);
    expect(users.supports('apop')).toBe(false);
    expect(users.supports('scram-sha-256')).toBe(true);
    const a = await users.scramCredentials('alice');
    const b = await users.scramCredentials('alice');
    expect(a).toBe(b);
    expect(a!.iterations).toBe(4096);
    const expected = await deriveScramCredentials('wonderland', { salt: a!.salt, iterations: 4096 });
    expect(a!.storedKey.equals(expected.storedKey)).toBe(true);
    expect(a!.serverKey.equals(expected.serverKey)).toBe(true);
    expect(await users.scramCredentials('carol')).toBeUndefined();
  });

  it('derives new SCRAM keys after set()', async () => {
    const u = new StaticUsers([['alice', 'one']]);
    const before = await u.scramCredentials('alice');
    u.set('alice', 'two');
    const after = await u.scramCredentials('alice');
    const expected = await deriveScramCredentials('two', { salt: after!.salt, iterations: after!.iterations });
    expect(after!.storedKey.equals(expected.storedKey)).toBe(true);
    expect(after!.storedKey.equals(before!.storedKey)).toBe(false);
  });

  it('has no SCRAM keys for a password SASLprep refuses', async () => {
    expect(await new StaticUsers([['x', 'bell\u0007']]).scramCredentials('x')).toBeUndefined();
  });
});
