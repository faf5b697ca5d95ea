/**
 * Storage behind the POP3 server. RFC 1939 §4: on login the server "acquires an exclusive-access
 * lock on the maildrop"; §6: in UPDATE it "removes all messages marked as deleted"; §5: message
 * numbers and sizes are fixed for the session. Implementations: MaildirStore (Maildir and the seed's
 * flat folder of files) and MemoryStore; both pass src/store/store-contract.ts.
 */
import type { Readable } from 'node:stream';

export interface MessageMeta {
  /** Storage key, stable for the life of the message; never shown to clients. */
  readonly key: string;
  /** Octets of the canonical transmitted form: CRLF line ends, final CRLF, no stuffing (RFC 1939 §5). */
  readonly size: number;
  /** RFC 1939 §7 unique-id: 1..70 chars in 0x21..0x7E, unique in the maildrop, never reused. */
  readonly uid: string;
}

export interface Maildrop {
  readonly user: string;
  /** Snapshot taken at open, in stable order (delivery time, then name); message n is index n-1. */
  readonly messages: readonly MessageMeta[];
  /** The stored bytes of one message as a stream (line ends as stored). StoreError 'gone' if removed. */
  openMessage(key: string): Promise<Readable>;
  /**
   * UPDATE state: permanently remove these messages. Messages already gone count as removed.
   * Throws StoreError('temporary') naming what could not be removed; the rest stay removed.
   */
  expunge(keys: readonly string[]): Promise<void>;
  /** Releases the exclusive lock; idempotent; never removes anything. */
  release(): Promise<void>;
}

export interface MailStore {
  /**
   * Opens a user's maildrop and takes its exclusive lock, also across processes.
   * Errors: StoreError 'in-use' (locked by a live session), 'not-found' (no maildrop, or a user
   * name that is not a safe single path component), 'temporary' or 'permanent' (I/O).
   */
  openMaildrop(user: string): Promise<Maildrop>;
}

export type StoreErrorCode = 'in-use' | 'not-found' | 'gone' | 'temporary' | 'permanent';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/**
 * A user name is used as a directory name: only a single, safe path component is accepted
 * (no "/", "\\", NUL or control bytes, not "." or "..", no leading dot, at most 64 octets).
 */
export function isSafeUserName(user: string): boolean {
  return /^[A-Za-z0-9_@+=-][A-Za-z0-9._@+=-]{0,63}$/.test(user);
}
