/**
 * CRAM-MD5 (RFC 2195 §2): the server sends `<random.timestamp@hostname>` (an RFC 822 msg-id);
 * the client answers `user SP hex(HMAC-MD5(shared secret, challenge))` in lower-case hex (upper
 * case is accepted too, as for APOP). Needs the cleartext shared secret (UserDirectory.apopSecret);
 * an unknown user or a user without a secret is checked against a decoy key, so it costs the same.
 * CRAM-MD5 is server-first: an initial response with AUTH is refused (RFC 5034 §4).
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { decodeUtf8 } from '../saslprep.js';
import { BaseExchange, challenge, failure, type SaslContext, type SaslMechanism, type SaslStep } from './types.js';

export interface CramMd5Options {
  /** Makes the challenge; default `<random digits.milliseconds@hostname>`. For known-answer tests. */
  challenge?: (hostname: string) => string;
}

export function defaultCramChallenge(hostname: string): string {
  return `<${randomInt(1, 2 ** 48 - 1)}.${Date.now()}@${hostname}>`;
}

export function cramMd5(options: CramMd5Options = {}): SaslMechanism {
  const makeChallenge = options.challenge ?? defaultCramChallenge;
  return {
    name: 'CRAM-MD5',
    initialResponse: false,
    plaintext: false,
    available: () => true,
    start: (ctx) => new CramMd5Exchange(ctx, makeChallenge(ctx.hostname)),
  };
}

export const CRAM_MD5: SaslMechanism = cramMd5();

const DECOY_KEY = randomBytes(32);

class CramMd5Exchange extends BaseExchange {
  readonly mechanism = 'CRAM-MD5';
  constructor(
    private readonly ctx: SaslContext,
    private readonly challengeText: string,
  ) {
    super();
  }

  protected async next(response: Buffer | undefined, first: boolean): Promise<SaslStep> {
    if (first) {
      if (response !== undefined) return failure('malformed', 'CRAM-MD5 does not take an initial response');
      return challenge(this.challengeText);
    }
    const text = decodeUtf8(response!);
    const m = text === undefined ? null : /^([^\0]+) ([0-9a-fA-F]{32})$/.exec(text);
    if (!m) return failure('malformed', 'CRAM-MD5 response must be "user SP 32 hex digits"');
    const user = m[1]!;
    const given = Buffer.from(m[2]!.toLowerCase(), 'hex');
    const secret = await this.ctx.users.apopSecret(user);
    const key = secret === undefined ? DECOY_KEY : Buffer.from(secret, 'utf8');
    const expected = createHmac('md5', key).update(this.challengeText, 'utf8').digest();
    const match = timingSafeEqual(expected, given);
    if (secret === undefined || !match) return failure('credentials', 'invalid user name or digest', user);
    return { kind: 'success', user };
  }
}
