import { describe, expect, it } from 'vitest';
import { StaticUsers } from '../static-users.js';
import type { UserDirectory } from '../types.js';
import { advertisedMechanisms, findMechanism, saslMechanisms } from './registry.js';

const names = (users: UserDirectory): string[] => saslMechanisms(users).map((m) => m.name);

describe('saslMechanisms', () => {
  it('offers CRAM-MD5 with StaticUsers only when every user has a shared secret', () => {
    expect(names(new StaticUsers([['a', 'b']]))).toEqual(['SCRAM-SHA-256', 'PLAIN', 'LOGIN']);
    expect(names(new StaticUsers([], { apopUsers: [['a', 'b']] }))).toEqual(['SCRAM-SHA-256', 'CRAM-MD5', 'PLAIN', 'LOGIN']);
  });

  it('offers only PLAIN and LOGIN with a bare directory', () => {
    const bare: UserDirectory = { verifyPassword: async () => false, apopSecret: async () => undefined, listUsers: async () => [] };
    expect(names(bare)).toEqual(['PLAIN', 'LOGIN']);
  });

  it('follows supports()', () => {
    const base = { verifyPassword: async () => false, apopSecret: async () => undefined, listUsers: async () => [], scramCredentials: async () => undefined };
    expect(names({ ...base, supports: (f) => f === 'shared-secret' })).toEqual(['CRAM-MD5', 'PLAIN', 'LOGIN']);
    expect(names({ ...base, supports: (f) => f === 'scram-sha-256' })).toEqual(['SCRAM-SHA-256', 'PLAIN', 'LOGIN']);
    // supports('scram-sha-256') without scramCredentials cannot work
    const { scramCredentials: _, ...noScram } = base;
    expect(names({ ...noScram, supports: () => true })).toEqual(['CRAM-MD5', 'PLAIN', 'LOGIN']);
  });

  it('finds mechanisms case-insensitively and advertises by connection security', () => {
    const list = saslMechanisms(new StaticUsers([], { apopUsers: [['dave', 'secret']] }));
    expect(findMechanism(list, 'scram-sha-256')?.name).toBe('SCRAM-SHA-256');
    expect(findMechanism(list, 'Plain')?.name).toBe('PLAIN');
    expect(findMechanism(list, 'GSSAPI')).toBeUndefined();
    expect(advertisedMechanisms(list, { secure: false })).toEqual(['SCRAM-SHA-256', 'CRAM-MD5']);
    expect(advertisedMechanisms(list, { secure: true })).toEqual(['SCRAM-SHA-256', 'CRAM-MD5', 'PLAIN', 'LOGIN']);
    expect(advertisedMechanisms(list, { secure: false, allowPlaintextPasswords: true })).toEqual(['SCRAM-SHA-256', 'CRAM-MD5', 'PLAIN', 'LOGIN']);
  });
});
