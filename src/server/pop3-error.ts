/**
 * Errors are values: a handler returns a Pop3Error, the session turns it into one "-ERR" line.
 * Each error has a stable code; the code decides the extended response code (RFC 2449 §8,
 * RFC 3206), so no handler picks one by hand. Exceptions thrown by handlers are bugs.
 */
import type { ResponseCode } from '../protocol/response.js';

export type Pop3ErrorCode =
  | 'unknown-command' // RFC 1939 §3: unrecognized or unimplemented
  | 'syntax' // RFC 1939 §3: syntactically invalid
  | 'line-too-long' // RFC 2449 §4
  | 'wrong-state' // RFC 1939 §3: valid command, wrong state
  | 'no-such-message' // RFC 1939 §5
  | 'message-deleted' // RFC 1939 §5: "may NOT refer to a message marked as deleted"
  | 'auth-failed' // RFC 3206 [AUTH]
  | 'plaintext-disallowed' // USER over an open line: no [AUTH] to USER (RFC 3206 §5 recommends against it)
  | 'in-use' // RFC 2449 §8.1.2 [IN-USE]
  | 'login-delay' // RFC 2449 §8.1.1 [LOGIN-DELAY]
  | 'sys-temp' // RFC 3206 [SYS/TEMP]
  | 'sys-perm' // RFC 3206 [SYS/PERM]
  | 'too-many-errors'; // our limit on consecutive bad commands

const RESPONSE_CODES: Record<Pop3ErrorCode, ResponseCode | undefined> = {
  'unknown-command': undefined,
  syntax: undefined,
  'line-too-long': undefined,
  'wrong-state': undefined,
  'no-such-message': undefined,
  'message-deleted': undefined,
  'auth-failed': 'AUTH',
  'plaintext-disallowed': undefined,
  'in-use': 'IN-USE',
  'login-delay': 'LOGIN-DELAY',
  'sys-temp': 'SYS/TEMP',
  'sys-perm': 'SYS/PERM',
  'too-many-errors': undefined,
};

export class Pop3Error {
  readonly kind = 'error' as const;
  constructor(
    readonly code: Pop3ErrorCode,
    readonly text: string,
  ) {}

  get responseCode(): ResponseCode | undefined {
    return RESPONSE_CODES[this.code];
  }

  /** Counts toward the limit on consecutive bad commands. */
  get isBadCommand(): boolean {
    return this.code === 'unknown-command' || this.code === 'syntax' || this.code === 'line-too-long' || this.code === 'wrong-state';
  }
}

/** The one error factory. */
export function pop3Error(code: Pop3ErrorCode, text: string): Pop3Error {
  return new Pop3Error(code, text);
}
