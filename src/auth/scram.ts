/**
 * SCRAM-SHA-256 key derivation (RFC 5802 §3 with SHA-256, RFC 7677):
 *
 *   SaltedPassword = Hi(Normalize(password), salt, i)        (Hi = PBKDF2-HMAC-SHA-256)
 *   ClientKey      = HMAC(SaltedPassword, "Client Key")
 *   StoredKey      = H(ClientKey)
 *   ServerKey      = HMAC(SaltedPassword, "Server Key")
 *
 * Only StoredKey and ServerKey (with salt and i) are kept; Normalize is SASLprep (saslprep.ts).
 */
import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { saslPrep } from './saslprep.js';
import type { ScramCredentials } from './types.js';

const pbkdf2Async = promisify(pbkdf2);

/** RFC 7677 §3: the iteration count "SHOULD be at least 4096". */
export const DEFAULT_SCRAM_ITERATIONS = 4096;
export const MIN_SCRAM_ITERATIONS = 4096;
/** Upper bound accepted from a users file, so a typo cannot stall every login. */
export const MAX_SCRAM_ITERATIONS = 10_000_000;
export const SCRAM_SALT_OCTETS = 16;
export const SCRAM_KEY_OCTETS = 32;

export const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();
export const hmacSha256 = (key: Buffer, data: Buffer | string): Buffer => createHmac('sha256', key).update(data).digest();

export interface DeriveScramOptions {
  /** Default: 16 random octets. */
  salt?: Buffer;
  /** Default: DEFAULT_SCRAM_ITERATIONS. Values below 4096 are allowed only for tests. */
  iterations?: number;
}

/**
 * StoredKey and ServerKey for a password. Throws when SASLprep rejects the password (a client
 * could not produce the same SaltedPassword).
 */
export async function deriveScramCredentials(password: string, options: DeriveScramOptions = {}): Promise<ScramCredentials> {
  const prepared = saslPrep(password);
  if (prepared === undefined) throw new Error('the password contains characters SASLprep prohibits (controls, private use, ...) or is empty');
  const salt = options.salt ?? randomBytes(SCRAM_SALT_OCTETS);
  const iterations = options.iterations ?? DEFAULT_SCRAM_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new Error(`invalid SCRAM iteration count ${iterations}`);
  const salted = await pbkdf2Async(Buffer.from(prepared, 'utf8'), salt, iterations, SCRAM_KEY_OCTETS, 'sha256');
  return {
    salt,
    iterations,
    storedKey: sha256(hmacSha256(salted, 'Client Key')),
    serverKey: hmacSha256(salted, 'Server Key'),
  };
}
