/**
 * RFC 1939 §3 and RFC 2449 §4, §8: responses are a status indicator ("+OK" or "-ERR", upper case)
 * optionally followed by a space and text, ending in CRLF, at most 512 octets; RFC 2449 §8 adds an
 * extended response code in brackets right after "-ERR " (and RFC 3206 the SYS and AUTH codes).
 *
 * The server formats with formatStatusLine(); the client parses with parseStatusLine() and checks the
 * grammar with statusLineViolations(). One module, so server and client cannot disagree.
 */
import { MAX_RESPONSE_LINE_OCTETS } from './limits.js';

/** RFC 2449 §8.1 (LOGIN-DELAY, IN-USE) and RFC 3206 (SYS/TEMP, SYS/PERM, AUTH). */
export type ResponseCode = 'IN-USE' | 'LOGIN-DELAY' | 'SYS/TEMP' | 'SYS/PERM' | 'AUTH';

export interface StatusLine {
  readonly ok: boolean;
  /** Extended response code without brackets, when the text starts with "[...]". */
  readonly code?: string;
  /** Text after the status (and after the code), without the separating space. */
  readonly text: string;
}

/**
 * Builds one status line. Text is made safe for the wire: control characters (and characters outside
 * latin1) become "?", and the line is cut to fit 512 octets, so echoing client input can never break
 * the framing or the limit.
 */
export function formatStatusLine(ok: boolean, text = '', code?: ResponseCode): Buffer {
  const status = ok ? '+OK' : '-ERR';
  // Characters beyond latin1 too: the latin1 encoder keeps only their low byte (U+010A -> LF).
  const cleaned = text.replace(/[\x00-\x1f\x7f]|[^\x00-\xff]/gu, '?');
  // RFC 2449 §6.4: with RESP-CODES, text that starts with "[" is a response code, so free text
  // (which may echo client input) must never start with one.
  const safe = !code && cleaned.startsWith('[') ? `(${cleaned.slice(1)}` : cleaned;
  let body = code ? `[${code}]${safe ? ` ${safe}` : ''}` : safe;
  const room = MAX_RESPONSE_LINE_OCTETS - status.length - 1 - 2;
  let line = Buffer.from(body ? `${status} ${body}` : status, 'latin1');
  if (line.length > MAX_RESPONSE_LINE_OCTETS - 2) {
    body = Buffer.from(body, 'latin1').subarray(0, room).toString('latin1');
    line = Buffer.from(`${status} ${body}`, 'latin1');
  }
  return Buffer.concat([line, Buffer.from('\r\n')]);
}

/** Parses a status line without its CRLF. Returns undefined when the status indicator is missing. */
export function parseStatusLine(line: string): StatusLine | undefined {
  const m = /^(\+OK|-ERR)(?: (.*))?$/s.exec(line);
  if (!m) return undefined;
  const ok = m[1] === '+OK';
  const rest = m[2] ?? '';
  const code = /^\[([^\]]*)\](?: (.*))?$/s.exec(rest);
  if (code) return { ok, code: code[1]!, text: code[2] ?? '' };
  return { ok, text: rest };
}

export interface GrammarViolation {
  readonly rule: string;
  readonly detail: string;
}

/**
 * Grammar checks on one raw response first line (terminator included), as RFC 1939 §3 and
 * RFC 2449 §4/§8 state them. Returns every rule broken, so a report can name them all.
 */
export function statusLineViolations(raw: Buffer): GrammarViolation[] {
  const v: GrammarViolation[] = [];
  if (raw.length > MAX_RESPONSE_LINE_OCTETS) {
    v.push({ rule: 'rfc2449-4-line-length', detail: `line is ${raw.length} octets; the limit is 512 with CRLF` });
  }
  const endsCrlf = raw.length >= 2 && raw[raw.length - 2] === 0x0d && raw[raw.length - 1] === 0x0a;
  if (!endsCrlf) v.push({ rule: 'rfc1939-3-crlf', detail: 'line does not end in CRLF' });
  const body = raw.subarray(0, endsCrlf ? raw.length - 2 : raw.length).toString('latin1');
  if (/[\r\n\x00]/.test(body)) v.push({ rule: 'rfc1939-3-chars', detail: 'line holds CR, LF or NUL inside it' });
  const status = /^(\+OK|-ERR)/.exec(body);
  if (!status) {
    const lower = /^(\+ok|-err)/i.test(body);
    v.push({
      rule: 'rfc1939-3-status',
      detail: lower ? `status indicator in wrong case: ${JSON.stringify(body.slice(0, 4))}` : `no status indicator: ${JSON.stringify(body.slice(0, 20))}`,
    });
    return v;
  }
  const after = body.slice(status[1]!.length);
  if (after.length > 0 && !after.startsWith(' ')) {
    v.push({ rule: 'rfc1939-3-space', detail: 'status indicator not followed by a space or CRLF' });
  } else if (after.startsWith('  ')) {
    v.push({ rule: 'rfc1939-3-space', detail: 'more than one space after the status indicator' });
  }
  return v;
}
