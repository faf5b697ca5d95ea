/**
 * LOGIN (draft-murchison-sasl-login, the de-facto mechanism of Outlook-era clients): the server
 * asks "Username:" then "Password:", the client answers each with the value (UTF-8).
 * An initial response with AUTH is taken as the user name (the draft allows it), so the first
 * challenge is then "Password:".
 */
import { decodeUtf8 } from '../saslprep.js';
import { BaseExchange, challenge, failure, plaintextAvailable, type SaslContext, type SaslMechanism, type SaslStep } from './types.js';

export const LOGIN: SaslMechanism = {
  name: 'LOGIN',
  initialResponse: true,
  plaintext: true,
  available: plaintextAvailable,
  start: (ctx) => new LoginExchange(ctx),
};

export const LOGIN_USERNAME_CHALLENGE = 'Username:';
export const LOGIN_PASSWORD_CHALLENGE = 'Password:';

class LoginExchange extends BaseExchange {
  readonly mechanism = 'LOGIN';
  private user: string | undefined;

  constructor(private readonly ctx: SaslContext) {
    super();
  }

  protected async next(response: Buffer | undefined, first: boolean): Promise<SaslStep> {
    if (response === undefined) return challenge(LOGIN_USERNAME_CHALLENGE);
    if (this.user === undefined) {
      const user = decodeUtf8(response);
      if (user === undefined || user === '' || user.includes('\0')) {
        return failure('malformed', first ? 'LOGIN initial response must be the user name' : 'LOGIN user name is empty or not valid UTF-8');
      }
      this.user = user;
      return challenge(LOGIN_PASSWORD_CHALLENGE);
    }
    const password = decodeUtf8(response);
    if (password === undefined || password === '' || password.includes('\0')) return failure('malformed', 'LOGIN password is empty or not valid UTF-8', this.user);
    if (!(await this.ctx.users.verifyPassword(this.user, password))) return failure('credentials', 'invalid user name or password', this.user);
    return { kind: 'success', user: this.user };
  }
}
