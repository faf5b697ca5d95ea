/**
 * The client side of SCRAM-SHA-256 (RFC 5802 §3, RFC 7677), for tests and the conformance
 * harness: no channel binding ("n,,"). Kept beside the server side so both read the same RFC text.
 */
import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { hmacSha256, sha256 } from '../scram.js';
import { encodeSaslName } from './scram-sha-256.js';

export class ScramClient {
  private readonly clientNonce: string;
  private readonly clientFirstBare: string;
  private serverSignature: Buffer | undefined;

  constructor(
    private readonly user: string,
    private readonly password: string,
    nonce = randomBytes(18).toString('base64'),
  ) {
    this.clientNonce = nonce;
    this.clientFirstBare = `n=${encodeSaslName(user)},r=${nonce}`;
  }

  /** client-first-message. */
  first(): Buffer {
    return Buffer.from(`n,,${this.clientFirstBare}`, 'utf8');
  }

  /** client-final-message for the server-first-message; throws when the server's message is bad. */
  final(serverFirst: Buffer): Buffer {
    const text = serverFirst.toString('utf8');
    const attrs = new Map(text.split(',').map((p) => [p.slice(0, 1), p.slice(2)] as const));
    const nonce = attrs.get('r');
    const salt = attrs.get('s');
    const iterations = Number(attrs.get('i'));
    if (!nonce?.startsWith(this.clientNonce) || !salt || !Number.isInteger(iterations)) throw new Error(`bad server-first-message: ${text}`);
    const saltedPassword = pbkdf2Sync(this.password, Buffer.from(salt, 'base64'), iterations, 32, 'sha256');
    const clientKey = hmacSha256(saltedPassword, 'Client Key');
    const storedKey = sha256(clientKey);
    const withoutProof = `c=biws,r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${text},${withoutProof}`;
    const clientSignature = hmacSha256(storedKey, authMessage);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ clientSignature[i]!));
    this.serverSignature = hmacSha256(hmacSha256(saltedPassword, 'Server Key'), authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
  }

  /** Checks the server-final-message "v=..." (mutual authentication). */
  verifyServer(serverFinal: Buffer): boolean {
    const m = /^v=([A-Za-z0-9+/=]+)$/.exec(serverFinal.toString('utf8'));
    if (!m || !this.serverSignature) return false;
    const got = Buffer.from(m[1]!, 'base64');
    return got.length === this.serverSignature.length && timingSafeEqual(got, this.serverSignature);
  }
}
