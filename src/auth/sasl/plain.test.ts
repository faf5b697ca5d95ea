import { describe, expect, it } from 'vitest';
import { decodeSaslBase64 } from './base64.js';
import { parsePlainMessage, PLAIN } from './plain.js';
import { TestDirectory } from './testing/test-directory.js';

const users = new TestDirectory({ tim: { password: 'tanstaaftanstaaf' }, Kurt: { password: 'xipj3plmq' }, Ursel: { password: 'u' } });
const ctx = { users, hostname: 'pop.example.org' };
const msg = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('PLAIN (RFC 4616)', () => {
  it('RFC 4616 §4 example 1: empty challenge, then <NUL>tim<NUL>tanstaaftanstaaf', async () => {
    const ex = PLAIN.start(ctx);
    expect(await ex.step(undefined)).toEqual({ kind: 'challenge', data: Buffer.alloc(0) });
    expect(await ex.step(msg('\0tim\0tanstaaftanstaaf'))).toEqual({ kind: 'success', user: 'tim' });
  });

  it('RFC 4616 §4 example 2: Ursel<NUL>Kurt<NUL>xipj3plmq as an initial response is refused', async () => {
    const ex = PLAIN.start(ctx);
    const step = await ex.step(msg('Ursel\0Kurt\0xipj3plmq'));
    expect(step).toMatchObject({ kind: 'failure', reason: 'unsupported', user: 'Kurt' });
  });

  it('the base64 initial response of example 1 decodes and succeeds', async () => {
    const ex = PLAIN.start(ctx);
    expect(await ex.step(decodeSaslBase64('AHRpbQB0YW5zdGFhZnRhbnN0YWFm'))).toEqual({ kind: 'success', user: 'tim' });
  });

  it('accepts an authzid equal to the authcid', async () => {
    expect(await PLAIN.start(ctx).step(msg('tim\0tim\0tanstaaftanstaaf'))).toEqual({ kind: 'success', user: 'tim' });
  });

  it('fails on a wrong password or unknown user, naming the user', async () => {
    expect(await PLAIN.start(ctx).step(msg('\0tim\0wrong'))).toMatchObject({ kind: 'failure', reason: 'credentials', user: 'tim' });
    expect(await PLAIN.start(ctx).step(msg('\0nobody\0x'))).toMatchObject({ kind: 'failure', reason: 'credentials', user: 'nobody' });
  });

  it.each([
    ['', 'empty'],
    ['tim', 'no NUL'],
    ['\0tim', 'one NUL'],
    ['\0tim\0a\0b', 'three NULs'],
    ['\0\0pw', 'empty authcid'],
    ['\0tim\0', 'empty password'],
  ])('refuses %j as malformed (%s)', async (text) => {
    expect(await PLAIN.start(ctx).step(msg(text))).toMatchObject({ kind: 'failure', reason: 'malformed' });
  });

  it('refuses invalid UTF-8', async () => {
    expect(await PLAIN.start(ctx).step(Buffer.from([0, 0x74, 0, 0xff]))).toMatchObject({ kind: 'failure', reason: 'malformed' });
  });

  it('accepts 255-octet fields (§2 MUST) and refuses oversized messages', async () => {
    const long = 'a'.repeat(255);
    expect(parsePlainMessage(msg(`${long}\0${long}\0${long}`))).toEqual({ authzid: long, authcid: long, passwd: long });
    expect(await PLAIN.start(ctx).step(msg(`\0tim\0${'x'.repeat(5000)}`))).toMatchObject({ kind: 'failure', reason: 'malformed' });
  });

  it('fails a prohibited authcid as credentials (RFC 4616 §2: preparation failure)', async () => {
    expect(await PLAIN.start(ctx).step(msg('\0ti\u0007m\0x'))).toMatchObject({ kind: 'failure', reason: 'credentials' });
  });

  it('is over after success or failure', async () => {
    const ex = PLAIN.start(ctx);
    await ex.step(msg('\0tim\0wrong'));
    expect(await ex.step(msg('\0tim\0tanstaaftanstaaf'))).toMatchObject({ kind: 'failure', reason: 'malformed' });
  });

  it('is offered only under TLS unless clear-text passwords are allowed', () => {
    expect(PLAIN.available({ secure: false })).toBe(false);
    expect(PLAIN.available({ secure: true })).toBe(true);
    expect(PLAIN.available({ secure: false, allowPlaintextPasswords: true })).toBe(true);
    expect(PLAIN.initialResponse).toBe(true);
  });
});
