/**
 * RFC 1939 §3, RFC 2449 §3: `command = keyword *(SP param) CRLF`; keywords are case-insensitive
 * printable characters, parameters are separated by a single space.
 *
 * parseCommandLine() is the one place where a command line's bytes become typed values. It keeps
 * the raw argument text too, because PASS takes the rest of the line, spaces included (RFC 1939 §7).
 */
import { MAX_KEYWORD_CHARS, MIN_KEYWORD_CHARS } from './limits.js';

export interface CommandLine {
  /** Upper-cased keyword. */
  readonly verb: string;
  /** Parameters split on single spaces (empty when there are none). */
  readonly args: readonly string[];
  /** Everything after the first space, unchanged ("" when there is none). */
  readonly rest: string;
}

export type CommandParse =
  | { readonly ok: true; readonly command: CommandLine }
  | { readonly ok: false; readonly reason: 'empty' | 'bad-keyword' | 'bad-spacing' | 'control-char' };

const KEYWORD = /^[\x21-\x7e]+$/;

/** Decodes one line (terminator already removed). Bytes map 1:1 to chars (latin1), never throws. */
export function parseCommandLine(bytes: Buffer): CommandParse {
  const text = bytes.toString('latin1');
  if (text.length === 0) return { ok: false, reason: 'empty' };
  // NUL and other controls have no place in a command (RFC 2449 §3: VCHAR and SP only).
  if (/[\x00-\x1f\x7f]/.test(text)) return { ok: false, reason: 'control-char' };
  const space = text.indexOf(' ');
  const keyword = space === -1 ? text : text.slice(0, space);
  const rest = space === -1 ? '' : text.slice(space + 1);
  if (keyword.length < MIN_KEYWORD_CHARS || keyword.length > MAX_KEYWORD_CHARS || !KEYWORD.test(keyword)) {
    return { ok: false, reason: 'bad-keyword' };
  }
  const verb = keyword.toUpperCase();
  if (space === -1) return { ok: true, command: { verb, args: [], rest } };
  const args = rest.split(' ');
  return { ok: true, command: { verb, args, rest } };
}

/** True when every parameter is non-empty: no doubled, leading or trailing spaces. */
export function hasCleanSpacing(command: CommandLine): boolean {
  return command.args.every((a) => a.length > 0);
}

/**
 * RFC 1939 §5: message numbers are decimal, 1-based, no sign. Returns undefined for anything else,
 * including numbers too large to be exact (so "99999999999999999999" is a syntax error, not 1e20).
 */
export function parseMessageNumber(text: string): number | undefined {
  if (!/^[0-9]{1,15}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 ? n : undefined;
}

/** RFC 1939 §7 (TOP): the line count is a non-negative decimal number. */
export function parseNonNegative(text: string): number | undefined {
  if (!/^[0-9]{1,15}$/.test(text)) return undefined;
  return Number(text);
}

/** Formats a command for the wire; used by the client. Throws on CR/LF in arguments (a bug). */
export function formatCommand(verb: string, ...args: Array<string | number>): string {
  const line = [verb, ...args.map(String)].join(' ');
  if (/[\r\n]/.test(line)) throw new Error('command text must not contain CR or LF');
  return `${line}\r\n`;
}
