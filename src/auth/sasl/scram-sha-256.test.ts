import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveScramCredentials } from '../scram.js';
import { decodeSaslName, encodeSaslName, SCRAM_SHA_256, scramSha256 } from './scram-sha-256.js';
import { TestDirectory } from './testing/test-directory.js';
import type { SaslExchange, SaslStep } from './types.js';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');
const text = (step: SaslStep): string => (step.kind === 'challenge' ? step.data.toString('utf8') : `(${step.kind})`);

/** A by-the-book SCRAM-SHA-256 client, to check the server against. */
function clientFinal(opts: { password: string; gs2: string; bare: string; serverFirst: string; nonce?: string; binding?: string }): { message: string; serverSignature: string } {
  const attrs = Object.fromEntries(opts.serverFirst.split(',').map((a) => [a[0], a.slice(2)]));
  const salted = pbkdf2Sync(opts.password, Buffer.from(attrs.s!, 'base64'), Number(attrs.i), 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const withoutProof = `c=${opts.binding ?? Buffer.from(opts.gs2).toString('base64')},r=${opts.nonce ?? attrs.r}`;
  const authMessage = `${opts.bare},${opts.serverFirst},${withoutProof}`;
  const signature = createHmac('sha256', storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((x, i) => x ^ signature[i]!));
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return { message: `${withoutProof},p=${proof.toString('base64')}`, serverSignature: `v=${createHmac('sha256', serverKey).update(authMessage).digest('base64')}` };
}

async function login(ex: SaslExchange, user: string, password: string, gs2 = 'n,,'): Promise<SaslStep[]> {
  const bare = `n=${encodeSaslName(user)},r=${randomBytes(12).toString('base64')}`;
  const steps: SaslStep[] = [await ex.step(b(gs2 + bare))];
  if (steps[0]!.kind !== 'challenge') return steps;
  const final = clientFinal({ password, gs2, bare, serverFirst: text(steps[0]!) });
  steps.push(await ex.step(b(final.message)));
  if (steps[1]!.kind === 'challenge') {
    expect(text(steps[1]!)).toBe(final.serverSignature);
    steps.push(await ex.step(Buffer.alloc(0)));
  }
  return steps;
}

describe('SCRAM-SHA-256 (RFC 5802, RFC 7677)', () => {
  it('RFC 7677 §3 example, message for message', async () => {
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    const users = new TestDirectory({ user: { password: 'pencil', scram: await deriveScramCredentials('pencil', { salt, iterations: 4096 }) } });
    const mech = scramSha256({ serverNonce: () => '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0' });
    const ex = mech.start({ users, hostname: 'h' });
    const first = await ex.step(b('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'));
    expect(text(first)).toBe('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    const final = await ex.step(b('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='));
    // POP3 has no additional data with success: the server-final-message is one more challenge.
    expect(text(final)).toBe('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
    expect(await ex.step(Buffer.alloc(0))).toEqual({ kind: 'success', user: 'user' });
  });

  it('gives the server-final-message with success when the protocol can carry it', async () => {
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    const users = new TestDirectory({ user: { password: 'pencil', scram: await deriveScramCredentials('pencil', { salt, iterations: 4096 }) } });
    const ex = scramSha256({ serverNonce: () => '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0' }).start({ users, hostname: 'h', additionalDataWithSuccess: true });
    await ex.step(b('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'));
    const final = await ex.step(b('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='));
    expect(final).toEqual({ kind: 'success', user: 'user', data: b('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=') });
  });

  it('works with an empty first challenge when AUTH has no initial response', async () => {
    const users = await TestDirectory.withScram({ alice: 'wonderland' });
    const ex = SCRAM_SHA_256.start({ users, hostname: 'h' });
    expect(await ex.step(undefined)).toEqual({ kind: 'challenge', data: Buffer.alloc(0) });
    const steps = await login(ex, 'alice', 'wonderland');
    expect(steps.at(-1)).toEqual({ kind: 'success', user: 'alice' });
  });

  it('accepts "y,," (client supports channel binding, thinks we do not) and a matching authzid', async () => {
    const users = await TestDirectory.withScram({ alice: 'wonderland' });
    expect((await login(SCRAM_SHA_256.start({ users, hostname: 'h' }), 'alice', 'wonderland', 'y,,')).at(-1)).toEqual({ kind: 'success', user: 'alice' });
    expect((await login(SCRAM_SHA_256.start({ users, hostname: 'h' }), 'alice', 'wonderland', 'n,a=alice,')).at(-1)).toEqual({ kind: 'success', user: 'alice' });
  });

  it('handles user names with "," and "=" through =2C and =3D', async () => {
    expect(decodeSaslName('a=2Cb=3Dc')).toBe('a,b=c');
    expect(encodeSaslName('a,b=c')).toBe('a=2Cb=3Dc');
    const users = await TestDirectory.withScram({ 'a=b': 'pw' });
    expect((await login(SCRAM_SHA_256.start({ users, hostname: 'h' }), 'a=b', 'pw')).at(-1)).toEqual({ kind: 'success', user: 'a=b' });
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((n) => !n.includes('\0')), (name) => {
        expect(decodeSaslName(encodeSaslName(name))).toBe(name);
      }),
    );
  });

  it('fails a wrong password with e=invalid-proof', async () => {
    const users = await TestDirectory.withScram({ alice: 'wonderland' });
    const steps = await login(SCRAM_SHA_256.start({ users, hostname: 'h' }), 'alice', 'wrong');
    expect(steps.at(-1)).toMatchObject({ kind: 'failure', reason: 'credentials', detail: 'e=invalid-proof', user: 'alice' });
  });

  it('does not reveal unknown users: stable decoy salt, default iterations, then a proof failure', async () => {
    const users = await TestDirectory.withScram({ alice: 'wonderland' });
    const first = async (user: string): Promise<string> => text(await SCRAM_SHA_256.start({ users, hostname: 'h' }).step(b(`n,,n=${user},r=abc`)));
    const a = await first('nobody');
    const c = await first('nobody');
    expect(a).toMatch(/^r=abc[^,]+,s=[A-Za-z0-9+/]{22}==,i=4096$/);
    expect(a.split(',')[1]).toBe(c.split(',')[1]);
    expect((await first('someone')).split(',')[1]).not.toBe(a.split(',')[1]);
    const steps = await login(SCRAM_SHA_256.start({ users, hostname: 'h' }), 'nobody', 'wonderland');
    expect(steps.at(-1)).toMatchObject({ kind: 'failure', reason: 'credentials', detail: 'e=invalid-proof' });
  });

  it('refuses channel binding (p=), other authzids and mandatory extensions as unsupported', async () => {
    const users = await TestDirectory.withScram({ alice: 'wonderland' });
    const start = (msg: string): Promise<SaslStep> => SCRAM_SHA_256.start({ users, hostname: 'h' }).step(b(msg));
    expect(await start('p=tls-unique,,n=alice,r=abc')).toMatchObject({ kind: 'failure', reason: 'unsupported', detail: expect.stringMatching(/^e=channel-binding-not-supported/) });
    expect(await start('n,a=bob,n=alice,r=abc')).toMatchObject({ kind: 'failure', reason: 'unsupported' });
    expect(await start('n,,m=ext,n=alice,r=abc')).toMatchObject({ kind: 'failure', reason: 'unsupported', detail: expect.stringMatching(/^e=extensions-not-supported/) });
  });

  it.each([
    ['', 'empty'],
    ['n=alice,r=abc', 'no gs2 header'],
    ['x,,n=alice,r=abc', 'bad cbind flag'],
    ['n,,r=abc,n=alice', 'attributes out of order'],
    ['n,,n=alice', 'no nonce'],
    ['n,,n=,r=abc', 'empty user name'],
    ['n,,n=al=ice,r=abc', '"=" not followed by 2C or 3D'],
    ['n,,n=al=2cice,r=abc', 'lower-case escape'],
    ['n,,n=alice,r=a,bc', 'malformed extension'],
    ['n,,n=alice,r=', 'empty nonce'],
    ['n,,n=alice,r=a\u00e9', 'non-printable nonce'],
    ['n,,n=al\u0007ice,r=abc', 'SASLprep failure'],
  ])('refuses client-first %j as malformed (%s)', async (msg) => {
    const users = await TestDirectory.withScram({ alice: 'wonderland' });
    expect(await SCRAM_SHA_256.start({ users, hostname: 'h' }).step(b(msg))).toMatchObject({ kind: 'failure', reason: 'malformed' });
  });

  it('ignores extensions it does not know in the client-first-message', async () => {
    const users = await TestDirectory.withScram({ alice: 'wonderland' });
    expect(text(await SCRAM_SHA_256.start({ users, hostname: 'h' }).step(b('n,,n=alice,r=abc,x=future')))).toMatch(/^r=abc/);
  });

  describe('client-final-message checks', () => {
    async function atFinal(): Promise<{ ex: SaslExchange; serverFirst: string; bare: string; users: TestDirectory }> {
      const users = await TestDirectory.withScram({ alice: 'wonderland' });
      const ex = SCRAM_SHA_256.start({ users, hostname: 'h' });
      const bare = 'n=alice,r=clientnonce';
      const serverFirst = text(await ex.step(b(`n,,${bare}`)));
      return { ex, serverFirst, bare, users };
    }

    it('refuses a c= that does not repeat the gs2-header', async () => {
      const { ex, serverFirst, bare } = await atFinal();
      const final = clientFinal({ password: 'wonderland', gs2: 'n,,', bare, serverFirst, binding: Buffer.from('y,,').toString('base64') });
      expect(await ex.step(b(final.message))).toMatchObject({ kind: 'failure', reason: 'malformed', detail: expect.stringMatching(/channel-bindings-dont-match/) });
    });

    it('refuses a nonce other than the one sent', async () => {
      const { ex, serverFirst, bare } = await atFinal();
      const final = clientFinal({ password: 'wonderland', gs2: 'n,,', bare, serverFirst, nonce: 'clientnonceX' });
      expect(await ex.step(b(final.message))).toMatchObject({ kind: 'failure', reason: 'malformed' });
    });

    it.each([
      ['c=biws,p=AAAA', 'no nonce'],
      ['c=biws,r=x', 'no proof'],
      ['r=x,c=biws,p=AAAA', 'out of order'],
      ['c=bi*s,r=x,p=AAAA', 'bad base64'],
    ])('refuses %j (%s)', async (msg) => {
      const { ex } = await atFinal();
      expect(await ex.step(b(msg))).toMatchObject({ kind: 'failure', reason: 'malformed' });
    });

    it('refuses a proof of the wrong length', async () => {
      const { ex, serverFirst } = await atFinal();
      const r = serverFirst.split(',')[0]!;
      expect(await ex.step(b(`c=biws,${r},p=AAAA`))).toMatchObject({ kind: 'failure', reason: 'malformed' });
    });

    it('accepts extensions between r= and p=', async () => {
      const { ex, serverFirst, bare } = await atFinal();
      const attrs = Object.fromEntries(serverFirst.split(',').map((a) => [a[0], a.slice(2)]));
      const salted = pbkdf2Sync('wonderland', Buffer.from(attrs.s!, 'base64'), Number(attrs.i), 32, 'sha256');
      const clientKey = createHmac('sha256', salted).update('Client Key').digest();
      const storedKey = createHash('sha256').update(clientKey).digest();
      const withoutProof = `c=biws,r=${attrs.r},x=ext`;
      const signature = createHmac('sha256', storedKey).update(`${bare},${serverFirst},${withoutProof}`).digest();
      const proof = Buffer.from(clientKey.map((x, i) => x ^ signature[i]!)).toString('base64');
      expect((await ex.step(b(`${withoutProof},p=${proof}`))).kind).toBe('challenge');
      expect(await ex.step(Buffer.alloc(0))).toEqual({ kind: 'success', user: 'alice' });
    });

    it('refuses a non-empty answer to the server-final-message', async () => {
      const { ex, serverFirst, bare } = await atFinal();
      const final = clientFinal({ password: 'wonderland', gs2: 'n,,', bare, serverFirst });
      expect((await ex.step(b(final.message))).kind).toBe('challenge');
      expect(await ex.step(b('x'))).toMatchObject({ kind: 'failure', reason: 'malformed' });
    });
  });

  it('is available without TLS and takes an initial response', () => {
    expect(SCRAM_SHA_256.available({ secure: false })).toBe(true);
    expect(SCRAM_SHA_256.initialResponse).toBe(true);
    expect(SCRAM_SHA_256.plaintext).toBe(false);
  });
});
