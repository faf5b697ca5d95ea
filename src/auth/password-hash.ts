/**
 * scrypt password hashes for USER/PASS, PLAIN and LOGIN, in the users file's `{SCRYPT}` form:
 *
 *   {SCRYPT}N=32768,r=8,p=1$<salt, base64>$<hash, base64>
 *
 * The hash is scrypt(UTF-8 password, salt, 32 octets, N, r, p). The password is hashed as given,
 * without SASLprep, because USER/PASS (RFC 1939) sends it unprepared.
 * Verification runs scrypt off the main thread (libuv pool) and compares in constant time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** N = 2^15, r = 8, p = 1: 32 MiB and some tens of milliseconds per hash. */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });
/** Bounds accepted when parsing, so a hostile or mistyped file cannot exhaust memory. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
export const SCRYPT_SALT_OCTETS = 16;
export const SCRYPT_HASH_OCTETS = 32;

export interface PasswordHash {
  readonly params: Readonly<ScryptParams>;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

export function scryptAsync(password: Buffer, salt: Buffer, keylen: number, params: ScryptParams): Promise<Buffer> {
  // Node's default maxmem (32 MiB) is exactly 128*N*r for N=2^15, r=8, which it refuses.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export function checkScryptParams(params: ScryptParams): string | undefined {
  const { N, r, p } = params;
  if (!Number.isSafeInteger(N) || N < 2 || N > MAX_N || (N & (N - 1)) !== 0) return `N must be a power of two from 2 to 2^20, got ${N}`;
  if (!Number.isSafeInteger(r) || r < 1 || r > MAX_R) return `r must be 1 to ${MAX_R}, got ${r}`;
  if (!Number.isSafeInteger(p) || p < 1 || p > MAX_P) return `p must be 1 to ${MAX_P}, got ${p}`;
  return undefined;
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS, salt = randomBytes(SCRYPT_SALT_OCTETS)): Promise<PasswordHash> {
  const problem = checkScryptParams(params);
  if (problem) throw new Error(`invalid scrypt parameters: ${problem}`);
  const hash = await scryptAsync(Buffer.from(password, 'utf8'), salt, SCRYPT_HASH_OCTETS, params);
  return { params: { ...params }, salt, hash };
}

export async function verifyPasswordHash(stored: PasswordHash, password: string): Promise<boolean> {
  const computed = await scryptAsync(Buffer.from(password, 'utf8'), stored.salt, stored.hash.length, stored.params);
  return timingSafeEqual(computed, stored.hash);
}

/** `N=..,r=..,p=..$salt$hash`, the part after `{SCRYPT}`. */
export function formatPasswordHash(h: PasswordHash): string {
  return `N=${h.params.N},r=${h.params.r},p=${h.params.p}$${h.salt.toString('base64')}$${h.hash.toString('base64')}`;
}

/** Parses the part after `{SCRYPT}`; throws a message without the line number (the caller adds it). */
export function parsePasswordHash(text: string): PasswordHash {
  const parts = text.split('$');
  if (parts.length !== 3) throw new Error('{SCRYPT} needs N=..,r=..,p=..$salt$hash');
  const [paramText, saltText, hashText] = parts as [string, string, string];
  const m = /^N=(\d{1,8}),r=(\d{1,3}),p=(\d{1,3})$/.exec(paramText);
  if (!m) throw new Error(`{SCRYPT} parameters must read N=<n>,r=<r>,p=<p>, got ${JSON.stringify(paramText)}`);
  const params = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  const problem = checkScryptParams(params);
  if (problem) throw new Error(`{SCRYPT} ${problem}`);
  const salt = decodeStrictBase64(saltText, '{SCRYPT} salt');
  const hash = decodeStrictBase64(hashText, '{SCRYPT} hash');
  if (salt.length < 8) throw new Error('{SCRYPT} salt must be at least 8 octets');
  if (hash.length < 16 || hash.length > 64) throw new Error('{SCRYPT} hash must be 16 to 64 octets');
  return { params, salt, hash };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Canonical padded base64 or a thrown error naming the field. */
export function decodeStrictBase64(text: string, what: string): Buffer {
  if (!BASE64.test(text)) throw new Error(`${what} is not valid base64`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) throw new Error(`${what} is not canonical base64`);
  return bytes;
}
