/**
 * The wire format of spec §3: requests "id SP timestamp SP mac SP command", replies
 * "status SP id SP mac SP text CRLF [lines . CRLF]". Every parser here is total: any octets give
 * a result, never an exception (codec.test.ts checks it with fast-check), because the input is
 * whatever anybody on the network sends.
 */
import { isUtf8 } from 'node:buffer';
import { MAC_HEX_CHARS, MAX_ID_CHARS, MAX_KEYWORD_CHARS, MAX_REQUEST_OCTETS, MAX_TIMESTAMP_DIGITS } from './limits.js';
import type { ErrorCode, Reply } from './types.js';

const SP = 0x20;
const CRLF = '\r\n';
const ID_RE = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_ID_CHARS}}$`);
const TIMESTAMP_RE = new RegExp(`^[0-9]{1,${MAX_TIMESTAMP_DIGITS}}$`);
const MAC_RE = new RegExp(`^[0-9a-f]{${MAC_HEX_CHARS}}$`);
const KEYWORD_RE = new RegExp(`^[A-Za-z]{1,${MAX_KEYWORD_CHARS}}$`);

export interface RequestHeader {
  readonly id: string;
  /** As sent (the MAC covers these exact digits). */
  readonly timestamp: string;
  readonly mac: string;
  /** The command octets, without the optional line end. */
  readonly command: Buffer;
}

export type HeaderResult =
  | { readonly kind: 'ok'; readonly header: RequestHeader }
  | { readonly kind: 'empty' }
  | { readonly kind: 'too-big' }
  /** id: the id when the datagram began with one, so the error can echo it. */
  | { readonly kind: 'malformed'; readonly id: string | undefined };

/** Spec §4.6 steps 1 and 2: size and the "id SP timestamp SP mac SP" header. */
export function parseRequestHeader(datagram: Uint8Array): HeaderResult {
  if (datagram.length === 0) return { kind: 'empty' };
  if (datagram.length > MAX_REQUEST_OCTETS) return { kind: 'too-big' };
  const bytes = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.length);
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < 3; i++) {
    const sp = bytes.indexOf(SP, start);
    if (sp < 0) break;
    fields.push(bytes.toString('latin1', start, sp));
    start = sp + 1;
  }
  const id = fields[0] !== undefined && ID_RE.test(fields[0]) ? fields[0] : undefined;
  const [, timestamp, mac] = fields;
  if (id === undefined || timestamp === undefined || mac === undefined || !TIMESTAMP_RE.test(timestamp) || !MAC_RE.test(mac)) {
    return { kind: 'malformed', id };
  }
  let end = bytes.length;
  if (end > start && bytes[end - 1] === 0x0a) end--;
  if (end > start && bytes[end - 1] === 0x0d) end--;
  if (end === start) return { kind: 'malformed', id };
  return { kind: 'ok', header: { id, timestamp, mac, command: bytes.subarray(start, end) } };
}

export interface CommandLine {
  /** Upper case. */
  readonly verb: string;
  /** Arguments split at single spaces. */
  readonly args: readonly string[];
  /** Everything after "VERB ", spaces included (ADD's password, SET's value). */
  readonly rest: string;
  /** False when arguments are separated by more than one space, or the line ends in one. */
  readonly cleanSpacing: boolean;
}

export type CommandResult = { readonly ok: true; readonly command: CommandLine } | { readonly ok: false; readonly reason: string };

/** Spec §3.2 / §4.6 step 6: the command part of an authenticated request. */
export function parseCommand(bytes: Uint8Array): CommandResult {
  if (!isUtf8(bytes)) return { ok: false, reason: 'the command is not valid UTF-8' };
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) return { ok: false, reason: 'control characters in the command' };
  const sp = text.indexOf(' ');
  const keyword = sp < 0 ? text : text.slice(0, sp);
  if (!KEYWORD_RE.test(keyword)) return { ok: false, reason: 'unknown command' };
  const rest = sp < 0 ? '' : text.slice(sp + 1);
  const args = rest === '' ? [] : rest.split(' ');
  return { ok: true, command: { verb: keyword.toUpperCase(), args, rest, cleanSpacing: sp < 0 || args.every((a) => a.length > 0) } };
}

/** A request datagram as a client sends it (no line end: it is optional, spec §3.2). */
export function formatRequest(id: string, timestamp: string, mac: string, command: string): Buffer {
  return Buffer.from(`${id} ${timestamp} ${mac} ${command}`, 'utf8');
}

/** Replaces anything that would break a line (CR, LF, other controls) so a reply stays well-formed. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, '?');
}

/**
 * The part of a reply after its MAC field: " [CODE] text" CRLF, and for a multi-line reply the
 * dot-stuffed lines and "." CRLF (spec §3.3). The reply MAC covers exactly these octets (§4.5).
 */
export function encodeTail(reply: Reply): Buffer {
  const text = reply.ok ? clean(reply.text) : `[${reply.code}] ${clean(reply.text)}`;
  let out = ` ${text}${CRLF}`;
  if (reply.ok && reply.lines) {
    for (const line of reply.lines) {
      const l = clean(line);
      out += `${l.startsWith('.') ? '.' : ''}${l}${CRLF}`;
    }
    out += `.${CRLF}`;
  }
  return Buffer.from(out, 'utf8');
}

/** Octets encodeTail would produce for one listing line (dot-stuffing and CRLF included); for paging. */
export function lineOctets(line: string): number {
  const l = clean(line);
  return Buffer.byteLength(l, 'utf8') + (l.startsWith('.') ? 1 : 0) + CRLF.length;
}

/** Octets of "+OK " or "-ERR ", the id, SP, the MAC and the SP before the tail. */
export function headOctets(ok: boolean, id: string): number {
  return (ok ? 3 : 4) + 1 + id.length + 1 + MAC_HEX_CHARS;
}

/** A whole reply datagram: status SP id SP mac, then the tail. mac "-" marks an unauthenticated reply. */
export function assembleReply(ok: boolean, id: string, mac: string, tail: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${ok ? '+OK' : '-ERR'} ${id} ${mac}`, 'latin1'), tail]);
}

/** An unauthenticated error (spec §4.7): no MAC, the id when known. */
export function unauthenticatedReply(id: string | undefined, code: ErrorCode, text: string): Buffer {
  return assembleReply(false, id ?? '-', '-', encodeTail({ ok: false, code, text }));
}

export interface ParsedReply {
  readonly ok: boolean;
  /** "-" when the server could not read the request's id. */
  readonly id: string;
  /** "-" for an unauthenticated reply. */
  readonly mac: string;
  /** The octets the reply MAC covers (spec §4.5). */
  readonly tail: Buffer;
  readonly code: string | undefined;
  readonly text: string;
  /** Un-stuffed lines of a multi-line reply; undefined for a single-line one. */
  readonly lines: readonly string[] | undefined;
}

export type ReplyResult = { readonly ok: true; readonly reply: ParsedReply } | { readonly ok: false; readonly reason: string };

/** Parses a reply datagram (the client's side). Total, like the request parsers. */
export function parseReply(datagram: Uint8Array): ReplyResult {
  const bytes = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.length);
  if (!isUtf8(bytes)) return { ok: false, reason: 'not UTF-8' };
  const m = /^(\+OK|-ERR) ([A-Za-z0-9_-]{1,32}|-) ([0-9a-f]{64}|-)(?= )/.exec(bytes.toString('latin1', 0, Math.min(bytes.length, 128)));
  if (!m) return { ok: false, reason: 'no status line' };
  const tail = bytes.subarray(m[0].length);
  const text = tail.toString('utf8');
  const lines = text.split(CRLF);
  if (lines.length < 2 || lines[lines.length - 1] !== '') return { ok: false, reason: 'not CRLF-terminated' };
  lines.pop();
  const status = lines.shift()!.slice(1);
  let body: string[] | undefined;
  if (lines.length > 0) {
    if (lines[lines.length - 1] !== '.') return { ok: false, reason: 'multi-line reply without its "." line' };
    body = lines.slice(0, -1).map((l) => (l.startsWith('.') ? l.slice(1) : l));
  }
  const code = /^\[([A-Za-z0-9/-]+)\] /.exec(status);
  const ok = m[1] === '+OK';
  return {
    ok: true,
    reply: {
      ok,
      id: m[2]!,
      mac: m[3]!,
      tail,
      code: ok ? undefined : code?.[1],
      text: !ok && code ? status.slice(code[0].length) : status,
      lines: body,
    },
  };
}
