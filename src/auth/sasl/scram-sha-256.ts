/**
 * SCRAM-SHA-256 (RFC 5802 with SHA-256, RFC 7677), server side, without channel binding:
 *
 *   C: gs2-header client-first-message-bare          n,,n=user,r=<c-nonce>
 *   S: server-first-message                          r=<c-nonce><s-nonce>,s=<salt>,i=<count>
 *   C: client-final-message                          c=biws,r=<nonce>,p=<ClientProof>
 *   S: server-final-message                          v=<ServerSignature>
 *
 * - gs2-cbind-flag "n" and "y" are accepted (we do not offer SCRAM-SHA-256-PLUS, so "y" is no
 *   downgrade); "p=..." is refused ('unsupported', e=channel-binding-not-supported).
 * - An authzid ("a=") other than the user name is refused; "m=" (mandatory extensions) is refused;
 *   other extensions are ignored as the grammar requires.
 * - saslname: "=" only as "=2C" (",") or "=3D" ("="); then UTF-8 and SASLprep-lite.
 * - c= must be the base64 of the gs2-header exactly; r= must be the nonce we sent.
 * - Unknown users get a made-up but stable salt (HMAC of the name with a per-process key) and the
 *   default iteration count, so the server-first-message does not tell who exists; they then
 *   fail at the proof like a wrong password.
 * - POP3 has no additional data with success: unless the context says otherwise, the
 *   server-final-message goes out as a challenge and the client must answer with an empty line,
 *   after which the exchange succeeds (RFC 4422 §3.6, RFC 5034 §4).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeUtf8, saslPrep } from '../saslprep.js';
import { DEFAULT_SCRAM_ITERATIONS, hmacSha256, SCRAM_KEY_OCTETS, SCRAM_SALT_OCTETS, sha256 } from '../scram.js';
import type { ScramCredentials } from '../types.js';
import { decodeSaslBase64 } from './base64.js';
import { BaseExchange, challenge, failure, type SaslContext, type SaslMechanism, type SaslStep } from './types.js';

export interface ScramOptions {
  /** Makes the server's nonce part (printable ASCII without ","). Default: 18 random octets, base64. */
  serverNonce?: () => string;
  /** Iteration count shown for unknown users. Default 4096; set it to the count most users have. */
  decoyIterations?: number;
}

const DECOY_SALT_KEY = randomBytes(32);
const PRINTABLE = /^[\x21-\x2B\x2D-\x7E]+$/;
const SASLNAME = /^(?:[^=,\0]|=2C|=3D)+$/;
const ATTR_VAL = /^[A-Za-z]=.+$/s;

export function scramSha256(options: ScramOptions = {}): SaslMechanism {
  return {
    name: 'SCRAM-SHA-256',
    initialResponse: true,
    plaintext: false,
    available: () => true,
    start: (ctx) => new ScramExchange(ctx, options),
  };
}

export const SCRAM_SHA_256: SaslMechanism = scramSha256();

/** Decodes a saslname (RFC 5802 §5.1): undefined when "=" is not part of "=2C" or "=3D". */
export function decodeSaslName(text: string): string | undefined {
  if (!SASLNAME.test(text)) return undefined;
  return text.replace(/=2C|=3D/g, (m) => (m === '=2C' ? ',' : '='));
}

/** Encodes a user name as a saslname: "," as "=2C" and "=" as "=3D". */
export function encodeSaslName(name: string): string {
  return name.replace(/[=,]/g, (c) => (c === ',' ? '=2C' : '=3D'));
}

type State =
  | { at: 'client-first' }
  | { at: 'client-final'; gs2Header: string; bare: string; serverFirst: string; nonce: string; user: string; creds: ScramCredentials; known: boolean }
  | { at: 'server-final-sent'; user: string };

class ScramExchange extends BaseExchange {
  readonly mechanism = 'SCRAM-SHA-256';
  private state: State = { at: 'client-first' };

  constructor(
    private readonly ctx: SaslContext,
    private readonly options: ScramOptions,
  ) {
    super();
  }

  protected async next(response: Buffer | undefined): Promise<SaslStep> {
    if (response === undefined) return challenge(Buffer.alloc(0));
    switch (this.state.at) {
      case 'client-first':
        return this.clientFirst(response);
      case 'client-final':
        return this.clientFinal(response, this.state);
      case 'server-final-sent':
        if (response.length !== 0) return failure('malformed', 'expected an empty response after the server-final-message', this.state.user);
        return { kind: 'success', user: this.state.user };
    }
  }

  private async clientFirst(response: Buffer): Promise<SaslStep> {
    const text = decodeUtf8(response);
    if (text === undefined) return failure('malformed', 'e=invalid-encoding: client-first-message is not UTF-8');
    const m = /^(n|y|p=[A-Za-z0-9.-]+),(a=[^,]*)?,(.*)$/s.exec(text);
    if (!m) return failure('malformed', 'e=invalid-encoding: client-first-message must start with a gs2-header (n,, or y,,)');
    const [, cbind, authzidAttr, bare] = m as unknown as [string, string, string | undefined, string];
    if (cbind.startsWith('p=')) return failure('unsupported', 'e=channel-binding-not-supported: SCRAM-SHA-256-PLUS is not offered');
    const attrs = bare.split(',');
    if (attrs[0]?.startsWith('m=')) return failure('unsupported', 'e=extensions-not-supported: mandatory extension (m=) requested');
    const [nameAttr, nonceAttr, ...extensions] = attrs;
    if (!nameAttr?.startsWith('n=') || !nonceAttr?.startsWith('r=')) return failure('malformed', 'e=invalid-encoding: expected n=<user>,r=<nonce>');
    if (!extensions.every((e) => ATTR_VAL.test(e))) return failure('malformed', 'e=invalid-encoding: malformed extension attribute');
    const decodedName = decodeSaslName(nameAttr.slice(2));
    if (decodedName === undefined) return failure('malformed', 'e=invalid-username-encoding: "=" must be followed by 2C or 3D');
    const user = saslPrep(decodedName);
    if (user === undefined) return failure('malformed', 'e=invalid-username-encoding: the user name fails SASLprep');
    const clientNonce = nonceAttr.slice(2);
    if (!PRINTABLE.test(clientNonce)) return failure('malformed', 'e=invalid-encoding: the client nonce must be printable ASCII without ","', user);
    if (authzidAttr !== undefined) {
      const authzid = decodeSaslName(authzidAttr.slice(2));
      if (authzid === undefined) return failure('malformed', 'e=invalid-encoding: malformed authzid', user);
      if (saslPrep(authzid) !== user) return failure('unsupported', 'e=other-error: acting as another user (a=) is not supported', user);
    }

    const stored = await this.ctx.users.scramCredentials?.(user);
    const creds = stored ?? this.decoy(user);
    const serverNonce = this.options.serverNonce?.() ?? randomBytes(18).toString('base64');
    if (!PRINTABLE.test(serverNonce)) throw new Error('SCRAM server nonce must be printable ASCII without ","');
    const nonce = clientNonce + serverNonce;
    const serverFirst = `r=${nonce},s=${creds.salt.toString('base64')},i=${creds.iterations}`;
    this.state = { at: 'client-final', gs2Header: `${cbind},${authzidAttr ?? ''},`, bare, serverFirst, nonce, user, creds, known: stored !== undefined };
    return challenge(serverFirst);
  }

  private clientFinal(response: Buffer, s: Extract<State, { at: 'client-final' }>): SaslStep {
    const text = decodeUtf8(response);
    if (text === undefined) return failure('malformed', 'e=invalid-encoding: client-final-message is not UTF-8', s.user);
    const attrs = text.split(',');
    const cAttr = attrs[0];
    const rAttr = attrs[1];
    const pAttr = attrs[attrs.length - 1];
    const extensions = attrs.slice(2, -1);
    if (attrs.length < 3 || !cAttr?.startsWith('c=') || !rAttr?.startsWith('r=') || !pAttr?.startsWith('p=') || !extensions.every((e) => ATTR_VAL.test(e))) {
      return failure('malformed', 'e=invalid-encoding: expected c=<binding>,r=<nonce>,p=<proof>', s.user);
    }
    const binding = decodeSaslBase64(cAttr.slice(2), 'response');
    if (binding === undefined || binding.length === 0) return failure('malformed', 'e=invalid-encoding: c= is not base64', s.user);
    if (!binding.equals(Buffer.from(s.gs2Header, 'utf8'))) return failure('malformed', 'e=channel-bindings-dont-match: c= does not repeat the gs2-header', s.user);
    if (rAttr.slice(2) !== s.nonce) return failure('malformed', 'e=other-error: the nonce is not the one the server sent', s.user);
    const proof = decodeSaslBase64(pAttr.slice(2), 'response');
    if (proof === undefined || proof.length !== SCRAM_KEY_OCTETS) return failure('malformed', 'e=invalid-encoding: p= must be the base64 of 32 octets', s.user);

    const withoutProof = text.slice(0, text.length - pAttr.length - 1);
    const authMessage = `${s.bare},${s.serverFirst},${withoutProof}`;
    const clientSignature = hmacSha256(s.creds.storedKey, authMessage);
    const clientKey = Buffer.alloc(SCRAM_KEY_OCTETS);
    for (let i = 0; i < SCRAM_KEY_OCTETS; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    const match = timingSafeEqual(sha256(clientKey), s.creds.storedKey);
    if (!s.known || !match) return failure('credentials', 'e=invalid-proof', s.user);

    const serverFinal = Buffer.from(`v=${hmacSha256(s.creds.serverKey, authMessage).toString('base64')}`, 'utf8');
    if (this.ctx.additionalDataWithSuccess) return { kind: 'success', user: s.user, data: serverFinal };
    this.state = { at: 'server-final-sent', user: s.user };
    return challenge(serverFinal);
  }

  private decoy(user: string): ScramCredentials {
    return {
      salt: hmacSha256(DECOY_SALT_KEY, `salt\0${user}`).subarray(0, SCRAM_SALT_OCTETS),
      iterations: this.options.decoyIterations ?? DEFAULT_SCRAM_ITERATIONS,
      storedKey: randomBytes(SCRAM_KEY_OCTETS),
      serverKey: randomBytes(SCRAM_KEY_OCTETS),
    };
  }
}
