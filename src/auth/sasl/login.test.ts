import { describe, expect, it } from 'vitest';
import { LOGIN } from './login.js';
import { TestDirectory } from './testing/test-directory.js';

const users = new TestDirectory({ alice: { password: 'wonderland' } });
const ctx = { users, hostname: 'pop.example.org' };
const b = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('LOGIN', () => {
  it('asks Username: then Password:', async () => {
    const ex = LOGIN.start(ctx);
    expect(await ex.step(undefined)).toEqual({ kind: 'challenge', data: b('Username:') });
    expect(await ex.step(b('alice'))).toEqual({ kind: 'challenge', data: b('Password:') });
    expect(await ex.step(b('wonderland'))).toEqual({ kind: 'success', user: 'alice' });
  });

  it('takes the user name as an initial response', async () => {
    const ex = LOGIN.start(ctx);
    expect(await ex.step(b('alice'))).toEqual({ kind: 'challenge', data: b('Password:') });
    expect(await ex.step(b('wonderland'))).toEqual({ kind: 'success', user: 'alice' });
  });

  it('fails on a wrong password', async () => {
    const ex = LOGIN.start(ctx);
    await ex.step(undefined);
    await ex.step(b('alice'));
    expect(await ex.step(b('nope'))).toMatchObject({ kind: 'failure', reason: 'credentials', user: 'alice' });
  });

  it('refuses empty or invalid values and a missing response', async () => {
    expect(await LOGIN.start(ctx).step(Buffer.alloc(0))).toMatchObject({ kind: 'failure', reason: 'malformed' });
    const ex = LOGIN.start(ctx);
    await ex.step(undefined);
    expect(await ex.step(Buffer.from([0xff]))).toMatchObject({ kind: 'failure', reason: 'malformed' });
    const ex2 = LOGIN.start(ctx);
    await ex2.step(undefined);
    await ex2.step(b('alice'));
    expect(await ex2.step(Buffer.alloc(0))).toMatchObject({ kind: 'failure', reason: 'malformed' });
    const ex3 = LOGIN.start(ctx);
    await ex3.step(undefined);
    expect(await ex3.step(undefined)).toMatchObject({ kind: 'failure', reason: 'malformed' });
  });

  it('is a clear-text mechanism', () => {
    expect(LOGIN.plaintext).toBe(true);
    expect(LOGIN.available({ secure: false })).toBe(false);
    expect(LOGIN.available({ secure: true })).toBe(true);
  });
});
