/**
 * Credentials behind USER/PASS (RFC 1939 §7), APOP (RFC 1939 §7) and AUTH (RFC 5034, SASL).
 * Implementations: StaticUsers (command line / embedding, passwords in memory) and UsersFile
 * (`--users FILE`, hashed). The server and the SASL mechanisms only ever talk to this interface.
 */
export interface UserDirectory {
  /** True when the password is right. Must take the same path for unknown users and wrong passwords. */
  verifyPassword(user: string, password: string): Promise<boolean>;
  /**
   * The shared secret for APOP's MD5 digest and CRAM-MD5's HMAC, or undefined when the user has
   * none (or is unknown). A user with a shared secret is an APOP user: RFC 1939 §13 says a server
   * "should not allow both methods of access for a given user", so the server refuses USER/PASS
   * for such a user.
   */
  apopSecret(user: string): Promise<string | undefined>;
  /** Names of the users, for the demo banner and the manager. */
  listUsers(): Promise<string[]>;
  /**
   * SCRAM-SHA-256 verifier (RFC 5802 §3, RFC 7677) of a user, or undefined when the user is unknown
   * or has none. Optional: a directory without it cannot offer SCRAM-SHA-256.
   */
  scramCredentials?(user: string): Promise<ScramCredentials | undefined>;
  /**
   * Which optional credential kinds this directory can serve at all, so that CAPA's SASL line only
   * names mechanisms that can succeed. Optional: a directory without it is taken to support none
   * (PLAIN and LOGIN, which only need verifyPassword, are always possible).
   */
  supports?(feature: DirectoryFeature): boolean;
}

/**
 * 'apop': at least one user has a shared secret, so the greeting carries an APOP timestamp.
 * 'shared-secret': every user has one, so CRAM-MD5 can be announced: CAPA is the same for all
 *   users, and clients such as curl pick CRAM-MD5 on their own whenever it is announced.
 * 'scram-sha-256': every user has SCRAM-SHA-256 keys (same reason).
 */
export type DirectoryFeature = 'apop' | 'shared-secret' | 'scram-sha-256';

/** What a SCRAM server stores (RFC 5802 §3): never the password, nor the SaltedPassword. */
export interface ScramCredentials {
  readonly salt: Buffer;
  readonly iterations: number;
  /** H(ClientKey) */
  readonly storedKey: Buffer;
  /** HMAC(SaltedPassword, "Server Key") */
  readonly serverKey: Buffer;
}
