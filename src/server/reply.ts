/**
 * What a command handler returns; the session's one send() turns it into bytes (RFC 1939 §3).
 */
import type { Readable } from 'node:stream';
import type { Pop3Error } from './pop3-error.js';
import type { SessionEvent } from './session-state.js';

/** A single-line positive response. */
export interface OkReply {
  readonly kind: 'ok';
  readonly text: string;
  /** A state change the command causes once its response is sent. */
  readonly then?: SessionEvent;
  /** STLS: switch the connection to TLS once this response is sent (RFC 2595 §4). */
  readonly upgrade?: 'tls';
}

/** A multi-line response built from short lines (LIST, UIDL, CAPA). */
export interface LinesReply {
  readonly kind: 'lines';
  readonly text: string;
  readonly lines: Iterable<string>;
}

/** A multi-line response that streams a message (RETR, TOP). */
export interface MessageReply {
  readonly kind: 'message';
  readonly text: string;
  readonly body: Readable;
  /** TOP: body lines to send after the header; undefined sends the whole message. */
  readonly topLines?: number;
  /** RETR: the canonical octets promised in "+OK n octets"; a different count closes the session. */
  readonly expectedOctets?: number;
}

/** RFC 5034 §4: a SASL server challenge, "+ " and base64 of data. */
export interface ChallengeReply {
  readonly kind: 'challenge';
  readonly data: Buffer;
}

export type Reply = OkReply | LinesReply | MessageReply | ChallengeReply | Pop3Error;

export const ok = (text = '', then?: SessionEvent): OkReply => (then ? { kind: 'ok', text, then } : { kind: 'ok', text });
export const lines = (text: string, body: Iterable<string>): LinesReply => ({ kind: 'lines', text, lines: body });
