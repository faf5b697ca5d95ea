import { describe, expect, it } from 'vitest';
import { decodeSaslBase64, encodeSaslBase64 } from './base64.js';
import { CRAM_MD5, cramMd5, defaultCramChallenge } from './cram-md5.js';
import { TestDirectory } from './testing/test-directory.js';

const users = new TestDirectory({ tim: { password: 'x', secret: 'tanstaaftanstaaf' }, nosecret: { password: 'x' } });
const ctx = { users, hostname: 'postoffice.reston.mci.net' };
const rfcMechanism = cramMd5({ challenge: () => '<1896.697170952@postoffice.reston.mci.net>' });

describe('CRAM-MD5 (RFC 2195)', () => {
  it('RFC 2195 §2 example, byte for byte on the wire', async () => {
    const ex = rfcMechanism.start(ctx);
    const first = await ex.step(undefined);
    expect(first.kind).toBe('challenge');
    expect(encodeSaslBase64((first as { data: Buffer }).data)).toBe('PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+');
    const response = decodeSaslBase64('dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw');
    expect(response?.toString()).toBe('tim b913a602c7eda7a495b4e6e7334d3890');
    expect(await ex.step(response)).toEqual({ kind: 'success', user: 'tim' });
  });

  it('accepts upper-case hex', async () => {
    const ex = rfcMechanism.start(ctx);
    await ex.step(undefined);
    expect(await ex.step(Buffer.from('tim B913A602C7EDA7A495B4E6E7334D3890'))).toEqual({ kind: 'success', user: 'tim' });
  });

  it('fails a wrong digest, an unknown user and a user without a shared secret, after the same lookup', async () => {
    for (const user of ['tim', 'nobody', 'nosecret']) {
      users.calls.length = 0;
      const ex = rfcMechanism.start(ctx);
      await ex.step(undefined);
      expect(await ex.step(Buffer.from(`${user} 00000000000000000000000000000000`))).toMatchObject({ kind: 'failure', reason: 'credentials', user });
      expect(users.calls).toEqual([`apopSecret ${user}`]);
    }
  });

  it('refuses an initial response (RFC 5034 §4) and malformed responses', async () => {
    expect(CRAM_MD5.initialResponse).toBe(false);
    expect(await CRAM_MD5.start(ctx).step(Buffer.from('tim 00'))).toMatchObject({ kind: 'failure', reason: 'malformed' });
    for (const bad of ['tim', 'tim b913a602c7eda7a495b4e6e7334d389', 'b913a602c7eda7a495b4e6e7334d3890', 'tim  b913a602c7eda7a495b4e6e7334d389g']) {
      const ex = rfcMechanism.start(ctx);
      await ex.step(undefined);
      expect(await ex.step(Buffer.from(bad))).toMatchObject({ kind: 'failure', reason: 'malformed' });
    }
  });

  it('makes msg-id challenges <digits.digits@hostname>, different each time', () => {
    const a = defaultCramChallenge('pop.example.org');
    expect(a).toMatch(/^<\d+\.\d+@pop\.example\.org>$/);
    expect(defaultCramChallenge('pop.example.org')).not.toBe(a);
  });

  it('is available without TLS (the secret never crosses the wire)', () => {
    expect(CRAM_MD5.available({ secure: false })).toBe(true);
  });
});
