/**
 * Which SASL mechanisms a server can offer with a given user directory, and lookup by name.
 * PLAIN and LOGIN need only verifyPassword; CRAM-MD5 needs shared secrets
 * (supports('shared-secret')); SCRAM-SHA-256 needs verifiers (supports('scram-sha-256') and
 * scramCredentials). Order: strongest first (the order of CAPA's SASL line).
 */
import type { UserDirectory } from '../types.js';
import { cramMd5, type CramMd5Options } from './cram-md5.js';
import { LOGIN } from './login.js';
import { PLAIN } from './plain.js';
import { scramSha256, type ScramOptions } from './scram-sha-256.js';
import type { SaslAvailability, SaslMechanism } from './types.js';

export interface SaslRegistryOptions {
  cramMd5?: CramMd5Options;
  scram?: ScramOptions;
}

export function saslMechanisms(users: UserDirectory, options: SaslRegistryOptions = {}): SaslMechanism[] {
  const list: SaslMechanism[] = [];
  if (typeof users.scramCredentials === 'function' && users.supports?.('scram-sha-256')) list.push(scramSha256(options.scram));
  if (users.supports?.('shared-secret')) list.push(cramMd5(options.cramMd5));
  list.push(PLAIN, LOGIN);
  return list;
}

/** The mechanism named (case-insensitively, RFC 5034 §5), if it is in the list. */
export function findMechanism(mechanisms: readonly SaslMechanism[], name: string): SaslMechanism | undefined {
  const wanted = name.toUpperCase();
  return mechanisms.find((m) => m.name === wanted);
}

/** Names for CAPA's "SASL ..." line on a connection (empty: leave the SASL tag out). */
export function advertisedMechanisms(mechanisms: readonly SaslMechanism[], availability: SaslAvailability): string[] {
  return mechanisms.filter((m) => m.available(availability)).map((m) => m.name);
}
