/**
 * Credentials behind USER/PASS (RFC 1939 §7) and APOP (RFC 1939 §7). Later issues add a hashed
 * users file and SASL; the server only ever talks to this interface.
 */
export interface UserDirectory {
  /** True when the password is right. Must take the same path for unknown users and wrong passwords. */
  verifyPassword(user: string, password: string): Promise<boolean>;
  /** The shared secret for APOP's MD5 digest, or undefined when the user has none (or is unknown). */
  apopSecret(user: string): Promise<string | undefined>;
  /** Names of the users, for the demo banner and the manager. */
  listUsers(): Promise<string[]>;
}
