/**
 * Small helpers shared by the two Gherkin writers (model failures and host-fuzz failures): quoting
 * a command line into a step, the feature header, and writing the file under features/regressions/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapeForStep, escapeOctets } from './escape.js';

export const REGRESSIONS_DIR = fileURLToPath(new URL('../../features/regressions/', import.meta.url));

/** Longest line written as a literal; longer ones use the "command of N octets" step. */
const MAX_LITERAL = 200;

/**
 * The When-step that sends `line` (without CRLF) on `conn` ("the client", "client B"): a quoted
 * line when it is plain printable text, the octets step (escapes) otherwise, and the step that
 * builds a long command when the line is over the RFC 2449 §4 limit anyway.
 */
export function sendStep(conn: string, line: Buffer, display?: string): string {
  const text = display ?? line.toString('latin1');
  if (line.length + 2 > 255 && /^[A-Za-z]{4} x+$/.test(text)) return `${conn} sends a ${text.slice(0, 4)} command of ${line.length + 2} octets`;
  const printable = /^[\x20-\x7e]*$/.test(text) && !/["\\|]/.test(text) && (display !== undefined || !text.includes('$'));
  if (printable && text.length > 0 && text.length <= MAX_LITERAL) return `${conn} sends "${text}"`;
  return `${conn} sends the octets "${escapeForStep(Buffer.concat([line, Buffer.from('\r\n')]))}"`;
}

/**
 * The When-step that writes octets holding any number of lines (or part of one) and reads one
 * reply per line they end (steps/commands.steps.ts), in one write or one octet per write.
 */
export function writeStep(conn: string, octets: Buffer, oneOctetPerWrite = false): string {
  return `${conn} sends the octets "${escapeForStep(octets)}"${oneOctetPerWrite ? ' one octet per write' : ''} and reads the reply to each line`;
}

/** A Gherkin comment block (every line prefixed "# "), control characters made visible. */
export function comment(indent: string, text: string): string[] {
  return text.split('\n').map((l) => `${indent}# ${escapeOctets(Buffer.from(l, 'latin1'))}`);
}

export function titleOf(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 100 ? `${one.slice(0, 97)}...` : one;
}

/**
 * Where FUZZ_EMIT_FEATURE / --emit-feature points: "1" or "true" means features/regressions/,
 * any other non-empty value is a directory. Undefined when emitting is off.
 */
export function emitDirectory(setting: string | boolean | undefined): string | undefined {
  if (setting === undefined || setting === false || setting === '' || setting === '0' || setting === 'false') return undefined;
  if (setting === true || setting === '1' || setting === 'true') return REGRESSIONS_DIR;
  return path.resolve(setting);
}

export async function writeFeature(dir: string, fileName: string, text: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, fileName);
  await writeFile(file, text.endsWith('\n') ? text : `${text}\n`);
  return file;
}
