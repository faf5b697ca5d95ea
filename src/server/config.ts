/**
 * Server limits and settings. Each limit is a named constant with the reason for its default
 * and the RFC that bounds it; each is overridable by a `popcheck server` flag (src/cli).
 */
import { MAX_COMMAND_OCTETS, MIN_IDLE_TIMEOUT_MS } from '../protocol/limits.js';

export interface ServerLimits {
  /** RFC 2449 §4: at least 255 octets with CRLF. Flag: --max-command-octets. */
  maxCommandOctets: number;
  /** RFC 1939 §3: an autologout timer, if any, is at least 10 minutes. Flag: --idle-timeout (seconds). */
  idleTimeoutMs: number;
  /**
   * Consecutive unknown, malformed or over-long commands before the server gives up on a client
   * (a client speaking another protocol, or a fuzzer): answered -ERR and closed. Flag: --max-bad-commands.
   */
  maxBadCommands: number;
  /**
   * Complete commands received but not yet answered. Past this the server stops reading the socket
   * until it catches up (RFC 2449 §6.6 PIPELINING: commands are processed in turn), so a client that
   * pipelines a million commands costs at most this many lines of memory. Flag: --max-queued-commands.
   */
  maxQueuedCommands: number;
  /** Connections served at once; past it a new client gets -ERR [SYS/TEMP] and is closed. Flag: --max-connections. */
  maxConnections: number;
  /**
   * Connections from one client address (IPv6 by /64), so one host cannot take every slot.
   * Flag: --max-connections-per-address.
   */
  maxConnectionsPerAddress: number;
  /**
   * Sessions that name one user (USER, APOP, AUTH) at once: the maildrop lock already allows one
   * logged-in session; this bounds the login attempts piling up behind it. Flag: --max-sessions-per-user.
   */
  maxSessionsPerUser: number;
  /** On shutdown, how long a command in progress (a RETR, an UPDATE) may take to finish. Flag: --shutdown-grace. */
  shutdownGraceMs: number;
  /**
   * RFC 2449 §6.5 LOGIN-DELAY: minimum seconds between two logins of one user; 0 = none, and then
   * the capability is not announced. Flag: --login-delay.
   */
  loginDelaySeconds: number;
  /**
   * Mail transformation: a shell command every retrieved message (RETR and TOP) is piped through;
   * '' = off. Switchable at runtime through the manager. Flag: --transform.
   */
  transformCommand: string;
  /** A transformation that runs longer fails with -ERR [SYS/TEMP]. Flag: --transform-timeout (seconds). */
  transformTimeoutMs: number;
  /** A transformation that writes more fails with -ERR [SYS/TEMP] (a runaway program must not fill the disk). */
  transformMaxOctets: number;
}

export const DEFAULT_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxCommandOctets: MAX_COMMAND_OCTETS,
  idleTimeoutMs: MIN_IDLE_TIMEOUT_MS,
  maxBadCommands: 10,
  maxQueuedCommands: 1000,
  maxConnections: 20_000,
  maxConnectionsPerAddress: 2_000,
  maxSessionsPerUser: 10,
  shutdownGraceMs: 10_000,
  loginDelaySeconds: 0,
  transformCommand: '',
  transformTimeoutMs: 30_000,
  transformMaxOctets: 1024 * 1024 * 1024,
});

/** Checks limits an operator passed in; returns one message per problem. */
export function limitProblems(limits: ServerLimits): string[] {
  const problems: string[] = [];
  if (!(limits.maxCommandOctets >= MAX_COMMAND_OCTETS)) {
    problems.push(`max command octets must be at least ${MAX_COMMAND_OCTETS} (RFC 2449 §4)`);
  }
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) problems.push(`${name} must be a non-negative number`);
  }
  if (limits.idleTimeoutMs <= 0) problems.push('idle timeout must be positive');
  if (limits.maxQueuedCommands < 1) problems.push('max queued commands must be at least 1');
  return problems;
}
