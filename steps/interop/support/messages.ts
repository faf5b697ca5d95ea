/**
 * The fixture messages and the byte forms a client may legitimately turn them into. Every form is
 * derived from the stored bytes by a rule the tests name, so a passing comparison says exactly how
 * much the bytes could have changed in transit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../../src/cli/testing/server-process.js';

export const MESSAGES_DIR = path.join(REPO_ROOT, 'fixtures/messages');

export interface FixtureMessage {
  /** 1-based: alice's demo maildrop holds the fixtures in file-name order, so this is also her message number. */
  readonly number: number;
  readonly file: string;
  readonly messageId: string;
  readonly stored: Buffer;
}

let cache: FixtureMessage[] | undefined;

export function fixtureMessages(): FixtureMessage[] {
  cache ??= readdirSync(MESSAGES_DIR)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((file, i) => {
      const stored = readFileSync(path.join(MESSAGES_DIR, file));
      const messageId = messageIdOf(stored);
      if (!messageId) throw new Error(`fixture ${file} has no Message-ID`);
      return { number: i + 1, file, messageId, stored };
    });
  return cache;
}

export function fixture(number: number): FixtureMessage {
  const m = fixtureMessages()[number - 1];
  if (!m) throw new Error(`no fixture message ${number}`);
  return m;
}

/**
 * The message as a POP3 server must send it (RFC 1939 §3, un-stuffed): every line ending made
 * CRLF (bare LF stored by the seed's flat files becomes CRLF), and a CRLF added after a last line
 * that has none, since every line of a multi-line response ends in CRLF.
 */
export function wireForm(stored: Buffer): Buffer {
  let text = stored.toString('latin1').replace(/\r?\n/g, '\r\n');
  if (text.length > 0 && !text.endsWith('\r\n')) text += '\r\n';
  return Buffer.from(text, 'latin1');
}

/**
 * How a client writes line ends to its mail store, found by running each one:
 * - CRLF: as on the wire.
 * - LF: every CRLF becomes LF (mpop); a bare CR inside a line stays.
 * - LF-dropping-bare-CR: CRLF becomes LF and a bare CR is removed (fetchmail).
 * - LF-for-bare-CR: CRLF becomes LF and a bare CR is taken for a line end too, so it becomes LF
 *   (getmail6: Python's email parser splits lines on CR, LF and CRLF alike).
 */
export const LINE_ENDS = ['CRLF', 'LF', 'LF-dropping-bare-CR', 'LF-for-bare-CR'] as const;
export type LineEnds = (typeof LINE_ENDS)[number];

export function isLineEnds(s: string): s is LineEnds {
  return (LINE_ENDS as readonly string[]).includes(s);
}

/** The wire form with line ends as a client writes them to its mail store. */
export function clientForm(stored: Buffer, ends: LineEnds): Buffer {
  const wire = wireForm(stored).toString('latin1');
  const lf = wire.replace(/\r\n/g, '\n');
  const text = { CRLF: wire, LF: lf, 'LF-dropping-bare-CR': lf.replace(/\r/g, ''), 'LF-for-bare-CR': lf.replace(/\r/g, '\n') }[ends];
  return Buffer.from(text, 'latin1');
}

/** The header section: the lines up to the first empty line, or the whole message when it has none. */
function headerEnd(text: string): number {
  const m = /\r?\n\r?\n/.exec(text);
  return m ? m.index + m[0].length - (m[0].endsWith('\r\n') ? 2 : 1) : text.length;
}

/** True when the message has an empty line ending its header section (08-header-only.eml has none). */
export function hasSeparator(message: Buffer): boolean {
  return /\r?\n\r?\n/.test(message.toString('latin1'));
}

export function messageIdOf(message: Buffer): string | undefined {
  const text = message.toString('latin1');
  const head = text.slice(0, headerEnd(text));
  return /^Message-ID:[ \t]*(<[^>\r\n]+>)/im.exec(head)?.[1];
}

/** Names of the header fields of a message, in order, as written. */
export function headerNames(message: Buffer): string[] {
  const text = message.toString('latin1');
  const head = text.slice(0, headerEnd(text));
  return [...head.matchAll(/^([!-9;-~]+):/gm)].map((m) => m[1]!);
}

/**
 * Removes every field named in `names` (case-insensitive), continuation lines included, from the
 * header section; the body is never touched.
 */
export function stripHeaders(message: Buffer, names: readonly string[]): Buffer {
  const text = message.toString('latin1');
  const end = headerEnd(text);
  const lower = new Set(names.map((n) => n.toLowerCase()));
  const lines = text.slice(0, end).match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    const continuation = line.startsWith(' ') || line.startsWith('\t');
    if (!continuation) dropping = lower.has((/^([^:\s]+):/.exec(line)?.[1] ?? '').toLowerCase());
    if (!dropping) kept.push(line);
  }
  return Buffer.from(kept.join('') + text.slice(end), 'latin1');
}

/** A short, readable account of where two byte strings first differ. */
export function firstDifference(actual: Buffer, expected: Buffer): string {
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const show = (b: Buffer) => JSON.stringify(b.subarray(Math.max(0, i - 40), i + 40).toString('latin1'));
  return `lengths ${actual.length} vs ${expected.length}; first difference at octet ${i}:\n  got      ${show(actual)}\n  expected ${show(expected)}`;
}
