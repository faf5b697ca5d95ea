/**
 * Server-side SASL (RFC 4422) mechanisms as pure state machines: no sockets, no base64, no POP3.
 * The AUTH command (RFC 5034) owns the wire: it decodes each client line (decodeSaslBase64),
 * handles "*" cancellation and line limits, feeds the bytes to step() and encodes challenges.
 *
 * Contract of an exchange:
 * - The first step() gets the AUTH command's initial response (decoded; an empty Buffer for "=")
 *   or undefined when the command had none. A mechanism that cannot take an initial response
 *   (see SaslMechanism.initialResponse) fails with 'malformed' when given one (RFC 5034 §4).
 * - Later step() calls get each decoded client line (an empty line is an empty Buffer).
 * - Once a step returns 'success' or 'failure' the exchange is over; further steps fail.
 * - Exceptions (a directory that cannot be read) propagate: answer them as [SYS/TEMP].
 */
import type { UserDirectory } from '../types.js';

export type SaslFailureReason =
  /** Wrong password, unknown user, bad proof: RFC 3206 [AUTH]. */
  | 'credentials'
  /** The client's message breaks the mechanism's syntax (or came when none was expected). */
  | 'malformed'
  /** A feature we do not offer: authorization as another user, channel binding, extensions. */
  | 'unsupported';

export type SaslStep =
  /** Send "+ " and the base64 of data (empty data: "+ " alone), then read one client line. */
  | { kind: 'challenge'; data: Buffer }
  /**
   * Authenticated as `user`. `data` (additional data with success, RFC 4422 §3.6) is only ever
   * set when the context asked for it with additionalDataWithSuccess; POP3 has no such thing, so
   * by default a mechanism sends its final data as one more challenge instead.
   */
  | { kind: 'success'; user: string; data?: Buffer }
  /** Answer -ERR. `user` is the identity the client claimed, when one was parsed (for logs). */
  | { kind: 'failure'; reason: SaslFailureReason; detail: string; user?: string };

export interface SaslContext {
  readonly users: UserDirectory;
  /** The server's host name, used in CRAM-MD5 challenges. */
  readonly hostname: string;
  /** The protocol can carry data with its success reply (POP3 cannot: RFC 5034). Default false. */
  readonly additionalDataWithSuccess?: boolean;
}

export interface SaslAvailability {
  /** The connection is protected by TLS (implicit TLS or after STLS). */
  readonly secure: boolean;
  /**
   * Offer mechanisms that send the password in the clear (PLAIN, LOGIN) without TLS too.
   * RFC 2595 §6 says they MUST NOT be, except for backwards compatibility; tests and the demo on
   * loopback may want them. Default false.
   */
  readonly allowPlaintextPasswords?: boolean;
}

export interface SaslMechanism {
  /** Upper-case IANA name, as in CAPA's SASL line. */
  readonly name: string;
  /** The client may send the first message with the AUTH command (client-first mechanisms). */
  readonly initialResponse: boolean;
  /** The password crosses the wire in the clear (PLAIN, LOGIN). */
  readonly plaintext: boolean;
  available(opts: SaslAvailability): boolean;
  start(ctx: SaslContext): SaslExchange;
}

export interface SaslExchange {
  readonly mechanism: string;
  step(response: Buffer | undefined): Promise<SaslStep>;
}

/** Longest client message any of our mechanisms accepts (PLAIN needs 3 x 255 + 2 at least). */
export const MAX_SASL_MESSAGE_OCTETS = 4096;

export const challenge = (data: Buffer | string): SaslStep => ({ kind: 'challenge', data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data });
export const failure = (reason: SaslFailureReason, detail: string, user?: string): SaslStep =>
  user === undefined ? { kind: 'failure', reason, detail } : { kind: 'failure', reason, detail, user };

/** Ends the exchange after the first success or failure and guards the input size. */
export abstract class BaseExchange implements SaslExchange {
  private over = false;
  private started = false;
  abstract readonly mechanism: string;

  async step(response: Buffer | undefined): Promise<SaslStep> {
    if (this.over) return failure('malformed', 'the authentication exchange is already over');
    const first = !this.started;
    this.started = true;
    if (!first && response === undefined) {
      this.over = true;
      return failure('malformed', 'a client response is required');
    }
    if (response !== undefined && response.length > MAX_SASL_MESSAGE_OCTETS) {
      this.over = true;
      return failure('malformed', `client message longer than ${MAX_SASL_MESSAGE_OCTETS} octets`);
    }
    try {
      const result = await this.next(response, first);
      if (result.kind !== 'challenge') this.over = true;
      return result;
    } catch (err) {
      this.over = true;
      throw err;
    }
  }

  /** `response` is undefined only on the first step, when AUTH had no initial response. */
  protected abstract next(response: Buffer | undefined, first: boolean): Promise<SaslStep>;
}

/** PLAIN and LOGIN: offered under TLS, or when the server allows clear-text passwords. */
export const plaintextAvailable = (opts: SaslAvailability): boolean => opts.secure || opts.allowPlaintextPasswords === true;
