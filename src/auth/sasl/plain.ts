/**
 * PLAIN (RFC 4616): one client message `[authzid] NUL authcid NUL passwd`, UTF-8.
 * - Each part up to 255 octets must be accepted (§2); we accept up to MAX_SASL_MESSAGE_OCTETS.
 * - authcid is SASLprep'd (lite) and must not come out empty (§2: verification SHALL fail).
 * - An authzid different from the authcid asks to act as another user: refused ('unsupported'),
 *   before any password check. An authzid equal to the authcid is accepted.
 * - The password goes to the directory as sent (USER/PASS hashes are of the unprepared password).
 * With no initial response the server sends an empty challenge (RFC 5034 §4).
 */
import { decodeUtf8, saslPrep } from '../saslprep.js';
import { BaseExchange, challenge, failure, plaintextAvailable, type SaslContext, type SaslMechanism, type SaslStep } from './types.js';

export const PLAIN: SaslMechanism = {
  name: 'PLAIN',
  initialResponse: true,
  plaintext: true,
  available: plaintextAvailable,
  start: (ctx) => new PlainExchange(ctx),
};

class PlainExchange extends BaseExchange {
  readonly mechanism = 'PLAIN';
  constructor(private readonly ctx: SaslContext) {
    super();
  }

  protected async next(response: Buffer | undefined): Promise<SaslStep> {
    if (response === undefined) return challenge(Buffer.alloc(0));
    const parsed = parsePlainMessage(response);
    if (typeof parsed === 'string') return failure('malformed', parsed);
    const user = saslPrep(parsed.authcid);
    if (user === undefined) return failure('credentials', 'the authentication identity is not valid after SASLprep');
    if (parsed.authzid !== '' && saslPrep(parsed.authzid) !== user) {
      return failure('unsupported', 'acting as another user (an authorization identity different from the authentication identity) is not supported', user);
    }
    if (!(await this.ctx.users.verifyPassword(user, parsed.passwd))) return failure('credentials', 'invalid user name or password', user);
    return { kind: 'success', user };
  }
}

export interface PlainMessage {
  authzid: string;
  authcid: string;
  passwd: string;
}

/** The three parts, or a reason why the message is malformed. */
export function parsePlainMessage(message: Buffer): PlainMessage | string {
  const first = message.indexOf(0);
  const second = first < 0 ? -1 : message.indexOf(0, first + 1);
  if (first < 0 || second < 0) return 'PLAIN message must be [authzid] NUL authcid NUL passwd';
  if (message.indexOf(0, second + 1) >= 0) return 'PLAIN message has more than two NUL separators';
  const [authzid, authcid, passwd] = [message.subarray(0, first), message.subarray(first + 1, second), message.subarray(second + 1)].map((b) => decodeUtf8(b));
  if (authzid === undefined || authcid === undefined || passwd === undefined) return 'PLAIN message is not valid UTF-8';
  if (authcid === '') return 'PLAIN authentication identity is empty';
  if (passwd === '') return 'PLAIN password is empty';
  return { authzid, authcid, passwd };
}
