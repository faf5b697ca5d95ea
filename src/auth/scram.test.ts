import { describe, expect, it } from 'vitest';
import { deriveScramCredentials, hmacSha256, sha256 } from './scram.js';

describe('deriveScramCredentials', () => {
  it('gives the keys of the RFC 7677 §3 example (user "user", password "pencil")', async () => {
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    const creds = await deriveScramCredentials('pencil', { salt, iterations: 4096 });
    expect(creds.salt.equals(salt)).toBe(true);
    expect(creds.iterations).toBe(4096);
    // The example's final messages fix ServerSignature and ClientProof; check both from the keys.
    const authMessage =
      'n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    expect(hmacSha256(creds.serverKey, authMessage).toString('base64')).toBe('6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
    const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
    const signature = hmacSha256(creds.storedKey, authMessage);
    const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]!));
    expect(sha256(clientKey).equals(creds.storedKey)).toBe(true);
  });

  it('uses a fresh 16-octet salt and 4096 iterations by default', async () => {
    const a = await deriveScramCredentials('secret');
    const b = await deriveScramCredentials('secret');
    expect(a.salt).toHaveLength(16);
    expect(a.iterations).toBe(4096);
    expect(a.salt.equals(b.salt)).toBe(false);
    expect(a.storedKey.equals(b.storedKey)).toBe(false);
  });

  it('SASLpreps the password and refuses one it prohibits', async () => {
    const salt = Buffer.alloc(16, 1);
    const prepped = await deriveScramCredentials('I\u00ADX', { salt, iterations: 4096 });
    const plain = await deriveScramCredentials('IX', { salt, iterations: 4096 });
    expect(prepped.storedKey.equals(plain.storedKey)).toBe(true);
    await expect(deriveScramCredentials('bad\u0007')).rejects.toThrow(/SASLprep/);
  });
});
