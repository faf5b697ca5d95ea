/**
 * The MACs and the freshness check of spec §4. Labels at the front of each MAC input keep request
 * MACs and reply MACs apart, so one can never be passed off as the other; LF separates the fields,
 * none of which can contain LF, so the input is unambiguous.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { PROTOCOL, TIMESTAMP_WINDOW_SECONDS } from './limits.js';

const REQUEST_LABEL = `${PROTOCOL} request`;
const REPLY_LABEL = `${PROTOCOL} reply`;

/** Spec §4.2. */
export function requestMac(token: string, id: string, timestamp: string, command: Uint8Array): string {
  return createHmac('sha256', Buffer.from(token, 'utf8'))
    .update(`${REQUEST_LABEL}\n${id}\n${timestamp}\n`, 'latin1')
    .update(command)
    .digest('hex');
}

/** Spec §4.5: binds the reply to the request it answers (its MAC) and covers every octet after the MAC field. */
export function replyMac(token: string, id: string, requestMacHex: string, ok: boolean, tail: Uint8Array): string {
  return createHmac('sha256', Buffer.from(token, 'utf8'))
    .update(`${REPLY_LABEL}\n${id}\n${requestMacHex}\n${ok ? '+OK' : '-ERR'}\n`, 'latin1')
    .update(tail)
    .digest('hex');
}

/**
 * Constant-time comparison of two MACs in hex (spec §4.2 MGR-AUTH-2). Both have been checked to be
 * 64 hex digits by the parser; a length mismatch is answered false without comparing.
 */
export function macEquals(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Spec §4.3: within ±60 s of the server's clock. */
export function isFresh(timestampSeconds: number, nowMs: number): boolean {
  return Math.abs(nowMs / 1000 - timestampSeconds) <= TIMESTAMP_WINDOW_SECONDS;
}

/** The current time as a request timestamp. */
export function timestampOf(nowMs: number): string {
  return String(Math.floor(nowMs / 1000));
}
