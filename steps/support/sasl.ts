/**
 * The client side of the SASL exchanges the suite runs over POP3 AUTH (RFC 5034), written apart
 * from the server's code (src/auth/sasl/) on purpose, as the suite's oracle: a bug there cannot
 * hide itself here. Also the strict base64 of RFC 5034 §5 and the forms of broken base64 the
 * scenarios send.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ResponseLine } from '../../src/client/index.js';

// --- base64 (RFC 5034 §5, RFC 4648 §4) --------------------------------------------------------

/** base64 = base64-terminal / ( 1*(4base64-CHAR) [base64-terminal] ), or nothing (an empty challenge). */
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isStrictBase64(text: string): boolean {
  return STRICT_BASE64.test(text);
}

export function toBase64(bytes: Buffer | string): string {
  return Buffer.from(bytes).toString('base64');
}

/**
 * `text` with `insert` put in at a 4-character boundary near the middle: a decoder that skipped
 * what it does not know (the leniency RFC 5034 §4 forbids: "MUST reject (and not ignore) any
 * character not explicitly allowed") would still decode the original bytes.
 */
export function insertInBase64(text: string, insert: string): string {
  const at = Math.max(4, Math.floor(text.length / 8) * 4);
  return text.slice(0, at) + insert + text.slice(at);
}

/**
 * The bytes as two separately padded base64 strings, one after the other ("AA==AGFs..."): the pad
 * character inside, as in RFC 5034 §4's "AAA=BBB", which a decoder going piece by piece would
 * still turn into the original bytes.
 */
export function base64WithPadInside(bytes: Buffer): string {
  // One octet first, so its base64 ends in "==" whatever it is.
  return toBase64(bytes.subarray(0, 1)) + toBase64(bytes.subarray(1));
}

// --- challenges (RFC 5034 §4, §5: continue-req = "+" SP [base64] CRLF) --------------------------

/** A line that is neither +OK nor -ERR but begins with "+": a server challenge, or a malformed one. */
export function isChallenge(line: ResponseLine): boolean {
  return line.status === undefined && line.text.startsWith('+');
}

/** The base64 of a challenge line, if it is exactly "+" SP base64 CRLF. */
export function challengeData(line: ResponseLine): string | undefined {
  if (!line.raw.subarray(-2).equals(Buffer.from('\r\n'))) return undefined;
  const m = /^\+ (.*)$/s.exec(line.text);
  return m && isStrictBase64(m[1]!) ? m[1]! : undefined;
}

// --- PLAIN (RFC 4616 §2) ------------------------------------------------------------------------

/** message = [authzid] UTF8NUL authcid UTF8NUL passwd */
export function plainMessage(authzid: string, authcid: string, passwd: string): Buffer {
  return Buffer.from(`${authzid}\0${authcid}\0${passwd}`, 'utf8');
}

// --- CRAM-MD5 (RFC 2195 §2) ---------------------------------------------------------------------

/** "user SP digest", the digest being HMAC-MD5(secret, challenge) in lower-case hex. */
export function cramMd5Response(user: string, secret: string, challenge: Buffer): Buffer {
  const digest = createHmac('md5', Buffer.from(secret, 'utf8')).update(challenge).digest('hex');
  return Buffer.from(`${user} ${digest}`, 'utf8');
}

/** RFC 822 §6.1 msg-id = "<" addr-spec ">", addr-spec = local-part "@" domain (loosely). */
export function isMsgId(text: string): boolean {
  return /^<[^<>@\s]+@[^<>@\s]+>$/.test(text);
}

// --- SCRAM-SHA-256 (RFC 5802 §3, §5, §7 with SHA-256, RFC 7677 §3) --------------------------------

export interface ServerFirst {
  readonly text: string;
  readonly nonce: string;
  readonly salt: Buffer;
  readonly iterations: number;
}

/** Reads server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count ["," extensions]. */
export function parseServerFirst(message: Buffer): ServerFirst | string {
  const text = message.toString('utf8');
  const m = /^(?:m=[^,]*,)?r=([^,]+),s=([^,]+),i=(\d+)(?:,.*)?$/s.exec(text);
  if (!m) return `not r=<nonce>,s=<salt>,i=<count>: ${JSON.stringify(text)}`;
  if (!isStrictBase64(m[2]!)) return `the salt is not base64: ${JSON.stringify(m[2])}`;
  return { text, nonce: m[1]!, salt: Buffer.from(m[2]!, 'base64'), iterations: Number(m[3]) };
}

const h = (data: Buffer): Buffer => createHash('sha256').update(data).digest();
const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();

/** saslname: "," as "=2C" and "=" as "=3D" (RFC 5802 §5.1). */
export function saslName(name: string): string {
  return name.replace(/[=,]/g, (c) => (c === ',' ? '=2C' : '=3D'));
}

/** What a scenario may break in the client-final-message, to see that the server notices. */
export interface ScramTampering {
  /** Send this GS2 header's base64 as c= instead of the one of the first message. */
  readonly channelBinding?: string;
  /** Append this to the combined nonce in the client-final-message. */
  readonly nonceSuffix?: string;
}

export class ScramSha256 {
  readonly gs2Header = 'n,,';
  private serverSignature: Buffer | undefined;

  constructor(
    readonly user: string,
    private readonly password: string,
    /** Printable ASCII without ","; fixed only by tests (RFC 7677 §3's example). */
    readonly clientNonce = randomBytes(18).toString('base64'),
  ) {}

  get clientFirstBare(): string {
    return `n=${saslName(this.user)},r=${this.clientNonce}`;
  }

  clientFirst(): Buffer {
    return Buffer.from(this.gs2Header + this.clientFirstBare, 'utf8');
  }

  /** client-final-message = channel-binding "," nonce ["," extensions] "," proof */
  clientFinal(first: ServerFirst, tamper: ScramTampering = {}): Buffer {
    // The password is used as is: the test accounts are ASCII, which SASLprep leaves alone.
    const salted = pbkdf2Sync(Buffer.from(this.password, 'utf8'), first.salt, first.iterations, 32, 'sha256');
    const clientKey = hmac(salted, 'Client Key');
    const storedKey = h(clientKey);
    const withoutProof = `c=${toBase64(tamper.channelBinding ?? this.gs2Header)},r=${first.nonce}${tamper.nonceSuffix ?? ''}`;
    const authMessage = `${this.clientFirstBare},${first.text},${withoutProof}`;
    const clientSignature = hmac(storedKey, authMessage);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ clientSignature[i]!));
    this.serverSignature = hmac(hmac(salted, 'Server Key'), authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
  }

  /** server-final-message = (server-error / verifier) ["," extensions]: true when v= is right. */
  verifies(serverFinal: Buffer): boolean {
    const m = /^v=([A-Za-z0-9+/=]+)(?:,.*)?$/s.exec(serverFinal.toString('utf8'));
    if (!m || !this.serverSignature) return false;
    const got = Buffer.from(m[1]!, 'base64');
    return got.length === this.serverSignature.length && timingSafeEqual(got, this.serverSignature);
  }
}
