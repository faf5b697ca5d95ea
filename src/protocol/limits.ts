/**
 * Protocol limits, each with the RFC text that sets it. Server-side limits that an operator may
 * want to change are re-exported by src/server/config.ts with a command-line flag each.
 */

/** RFC 2449 §4: "Servers which support the CAPA command MUST support commands up to 255 octets" (CRLF included). */
export const MAX_COMMAND_OCTETS = 255;

/** RFC 2449 §4 / RFC 1939 §3: the first line of a response is at most 512 octets, CRLF included. */
export const MAX_RESPONSE_LINE_OCTETS = 512;

/** RFC 1939 §3: an inactivity autologout timer "MUST be of at least 10 minutes' duration". */
export const MIN_IDLE_TIMEOUT_MS = 10 * 60 * 1000;

/** RFC 1939 §7 (UIDL): a unique-id is 1 to 70 characters in the range 0x21 to 0x7E. */
export const MAX_UNIQUE_ID_CHARS = 70;

/** RFC 2449 §3: a keyword is 3 or 4 printable characters; RFC 1939 §3 keeps all commands at that size. */
export const MIN_KEYWORD_CHARS = 3;
export const MAX_KEYWORD_CHARS = 4;

export const CRLF = '\r\n';
export const CR = 0x0d;
export const LF = 0x0a;
export const DOT = 0x2e;
