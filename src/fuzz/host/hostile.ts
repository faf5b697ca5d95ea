/**
 * Hostile octets for the host fuzzer: over-long lines, control bytes, invalid UTF-8, odd case and
 * spacing, numbers no parser expects, and floods of garbage lines. sanitize() keeps garbage from
 * turning into a command that would change the maildrop (DELE), end the session early (QUIT),
 * cost authentication penalties (PASS, APOP, AUTH), switch to TLS (STLS) or answer with a
 * multi-line body the fuzzer cannot frame (CAPA, LIST, UIDL, RETR, TOP): whatever line splitting a
 * server uses (CR, LF or NUL), no line of the garbage starts with one of those verbs.
 */
import type { Rng } from './rng.js';

const NEUTRALISED = /^(DELE|QUIT|PASS|APOP|AUTH|STLS|CAPA|LIST|UIDL|RETR|TOP)/i;
const LETTERS = Buffer.from('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
const PRINTABLE = Buffer.from(Array.from({ length: 95 }, (_, i) => 0x20 + i));

/** Replaces the first letter of any verb in NEUTRALISED that starts a line (after blanks) with "X". */
export function sanitize(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  let start = 0;
  for (let i = 0; i <= out.length; i++) {
    if (i < out.length && out[i] !== 0x0d && out[i] !== 0x0a && out[i] !== 0x00) continue;
    let k = start;
    while (k < i && (out[k] === 0x20 || out[k] === 0x09)) k++;
    if (NEUTRALISED.test(out.subarray(k, Math.min(i, k + 4)).toString('latin1'))) out[k] = 0x58; // "X"
    start = i + 1;
  }
  return out;
}

export function longLine(rng: Rng, minOctets: number, maxOctets: number): Buffer {
  const prefix = Buffer.from(rng.pick(['USER ', 'XYZZ ', 'NOOP ', 'STAT ', '']), 'latin1');
  return Buffer.concat([prefix, rng.bytes(rng.logInt(minOctets, maxOctets), LETTERS)]);
}

export const CONTROL_LINES = ['NO\x00OP', 'USER a\x00b', '\x00\x00\x00\x00', '\x1b[2J\x1b[H', 'STAT\x7f', '\x08\x08\x08NOOP', 'NOOP\x0b', '\x07\x07', 'USER \x01\x02\x03', 'NOOP\x00\r\nNOOP'];

export function controlLine(rng: Rng): Buffer {
  if (rng.chance(0.5)) return Buffer.from(rng.pick(CONTROL_LINES), 'latin1');
  const base = Buffer.from(rng.pick(['NOOP', 'STAT', 'USER x', 'XYZZ']), 'latin1');
  const at = rng.int(0, base.length);
  const ctl = Buffer.from([rng.pick([0x00, 0x01, 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x1b, 0x7f])]);
  return Buffer.concat([base.subarray(0, at), ctl, base.subarray(at)]);
}

/** Invalid UTF-8: a lone continuation byte, truncated and overlong sequences, surrogates, 0xFE/0xFF. */
export const INVALID_UTF8 = [
  [0x80],
  [0xc3, 0x28],
  [0xe2, 0x28, 0xa1],
  [0xf0, 0x28, 0x8c, 0x28],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xfe],
  [0xff, 0xfe, 0xfd],
].map((b) => Buffer.from(b));

export function invalidUtf8Line(rng: Rng): Buffer {
  const bad = Buffer.concat(Array.from({ length: rng.int(1, 4) }, () => rng.pick(INVALID_UTF8)));
  const verb = Buffer.from(rng.pick(['USER ', 'XYZZ ', 'NOOP ', '', 'STAT ']), 'latin1');
  return rng.chance(0.2) ? Buffer.concat([bad, Buffer.from('NOOP')]) : Buffer.concat([verb, bad]);
}

/** The verb in random case. */
export function oddCase(rng: Rng, verb: string): string {
  return [...verb].map((c) => (rng.chance(0.5) ? c.toLowerCase() : c.toUpperCase())).join('');
}

/** Numbers no message number parser expects: signs, overflow at 2^31, 2^32, 2^53, 2^64, 10^30, forms. */
export const HOSTILE_NUMBERS = [
  '0', '-0', '-1', '+1', '1.0', '1e3', '0x10', '010', ' 1', '1 ',
  '2147483647', '2147483648', '-2147483649', '4294967295', '4294967296', '4294967297',
  '9007199254740993', '18446744073709551615', '18446744073709551616', '99999999999999999999999999999999',
  '\xb9', '\xd9\xa1',
];

export function hugeNumber(rng: Rng): string {
  return rng.chance(0.1) ? '9'.repeat(rng.int(30, 240)) : rng.pick(HOSTILE_NUMBERS);
}

/** A line of printable garbage (or random octets), never containing LF. */
export function garbageLine(rng: Rng): Buffer {
  const n = rng.int(0, 80);
  const line = rng.chance(0.7) ? rng.bytes(n, PRINTABLE) : rng.bytes(n);
  for (let i = 0; i < line.length; i++) if (line[i] === 0x0a) line[i] = 0x20;
  return line;
}

/** `count` garbage lines with CRLF (sometimes bare LF) endings, sanitised, as one buffer. */
export function garbageFlood(rng: Rng, count: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) parts.push(garbageLine(rng), Buffer.from(rng.chance(0.9) ? '\r\n' : '\n'));
  return sanitize(Buffer.concat(parts));
}

/** Splits `bytes` into 1..`maxParts` pieces at random points (some cut between CR and LF). */
export function randomCuts(rng: Rng, length: number, maxParts: number): number[] {
  const cuts = new Set<number>();
  const n = rng.int(0, Math.min(maxParts - 1, Math.max(0, length - 1)));
  for (let i = 0; i < n; i++) cuts.add(rng.int(1, Math.max(1, length - 1)));
  return [...cuts].sort((a, b) => a - b);
}
