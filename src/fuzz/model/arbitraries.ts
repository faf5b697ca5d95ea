/**
 * Generators of POP3 commands for the model run: every command of RFC 1939 and CAPA, in odd case
 * sometimes, with right and wrong credentials, valid and invalid numbers, and lines that are bad in
 * every state (unknown verbs, extra arguments, bad spacing, control characters, over-long lines).
 */
import fc from 'fast-check';
import type { Intent, NumArg, Step } from './intent.js';
import { Drop, Reconnect, Wire, type ModelCommand } from './commands.js';

/** Every keyword some POP3 server implements: never generated as an "unknown" verb. */
const KNOWN_VERBS = new Set(['USER', 'PASS', 'APOP', 'QUIT', 'STAT', 'LIST', 'RETR', 'DELE', 'NOOP', 'RSET', 'TOP', 'UIDL', 'CAPA', 'STLS', 'AUTH', 'UTF8', 'LANG', 'LAST', 'RPOP', 'XTND']);

function verbArb(verb: string): fc.Arbitrary<string> {
  const mixed = fc.array(fc.boolean(), { minLength: verb.length, maxLength: verb.length }).map((mask) => [...verb].map((ch, k) => (mask[k] ? ch.toLowerCase() : ch)).join(''));
  return fc.oneof({ weight: 6, arbitrary: fc.constant(verb) }, { weight: 1, arbitrary: fc.constant(verb.toLowerCase()) }, { weight: 1, arbitrary: mixed });
}

const num = (n: number): NumArg => ({ raw: String(n), value: n });
const notNum = (raw: string): NumArg => ({ raw, value: undefined });

/** Message numbers: mostly small (they exist or just do not), sometimes huge, sometimes not numbers. */
const msgArb: fc.Arbitrary<NumArg> = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 3 }).map(num) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 10 }).map(num) },
  { weight: 1, arbitrary: fc.constantFrom(999_999, 999_999_999_999_999).map(num) },
  { weight: 2, arbitrary: fc.constantFrom('0', '-1', '+1', '1.5', 'abc', '1e3', '0x1', '\xb9', '9999999999999999', '99999999999999999999').map(notNum) },
);

const linesArb: fc.Arbitrary<NumArg> = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: 0, max: 6 }).map(num) },
  { weight: 1, arbitrary: fc.constant(num(999_999_999_999_999)) },
  { weight: 2, arbitrary: fc.constantFrom('-1', 'x', '1.5', '9999999999999999').map(notNum) },
);

const nameArb = fc.oneof(
  { weight: 8, arbitrary: fc.constant('alice') },
  { weight: 2, arbitrary: fc.constantFrom('bob', 'dave', 'mallory', 'ALICE', 'alice\xe9', 'alice@example.org') },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 20 }) },
  // Around the 255-octet command limit (RFC 2449 §4): "USER " + 248 is the longest that fits.
  { weight: 1, arbitrary: fc.integer({ min: 246, max: 252 }).map((n) => 'a'.repeat(n)) },
);

/** APOP names: mostly the APOP account; the USER/PASS account must be refused (RFC 1939 §13). */
const apopNameArb = fc.oneof({ weight: 6, arbitrary: fc.constant('dave') }, { weight: 3, arbitrary: nameArb });

const passArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant('wonderland') },
  { weight: 3, arbitrary: fc.constantFrom('wonderland-not', 'Wonderland', 'wonderland ', ' wonderland', 'wonder land', '\xe9t\xe9', 'builder', 'tanstaaf') },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 20 }).filter((p) => p.trim() !== '') },
);

const digestArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ right: true } as const) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 }).map((hex) => ({ hex })) },
  { weight: 1, arbitrary: fc.constantFrom('x', '0123456789ABCDEF0123456789ABCDEG').map((hex) => ({ hex })) },
);

const unknownVerbArb = fc
  .string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 6 })
  .filter((v) => !KNOWN_VERBS.has(v.toUpperCase()));

/** Control octets that have no place in a command line (LF would end it, so never LF). */
const controlArb = fc.constantFrom('\x00', '\x01', '\t', '\x0b', '\x1b', '\x7f', '\r');

const badArb: fc.Arbitrary<Intent> = fc.oneof(
  fc.constantFrom(
    ['XYZZ', 'unknown verb'],
    ['HELO example.org', 'unknown verb'],
    ['GET / HTTP/1.0', 'unknown verb'],
    ['RETRIEVE 1', 'keyword too long'],
    ['LIST1', 'keyword too long'],
    ['', 'empty line'],
    ['  ', 'spaces only'],
    [' NOOP', 'leading space'],
    ['NOOP ', 'trailing space'],
    ['STAT 1', 'extra argument'],
    ['RSET x', 'extra argument'],
    ['QUIT now', 'extra argument'],
    ['CAPA x', 'extra argument'],
    ['LIST 1 2', 'extra argument'],
    ['UIDL 1 2', 'extra argument'],
    ['RETR 1 2', 'extra argument'],
    ['DELE 1 2', 'extra argument'],
    ['TOP 1 2 3', 'extra argument'],
    ['USER a b', 'extra argument'],
    ['APOP a b c', 'extra argument'],
    ['RETR', 'missing argument'],
    ['DELE', 'missing argument'],
    ['TOP 1', 'missing argument'],
    ['USER', 'missing argument'],
    ['PASS', 'missing argument'],
    ['PASS ', 'empty argument'],
    ['APOP alice', 'missing argument'],
    ['RETR  1', 'double space'],
    ['TOP 1  1', 'double space'],
    ['LIST ', 'trailing space'],
  ).map(([line, why]): Intent => ({ t: 'BAD', line, why })),
  unknownVerbArb.map((v): Intent => ({ t: 'BAD', line: v, why: 'unknown verb' })),
  fc.tuple(fc.constantFrom('NOOP', 'STAT', 'USER alice', 'LIST 1', 'RETR 1'), fc.nat(), controlArb).map(([base, at, ctl]): Intent => {
    const k = at % (base.length + 1);
    return { t: 'BAD', line: base.slice(0, k) + ctl + base.slice(k), why: `control octet 0x${ctl.charCodeAt(0).toString(16)}` };
  }),
  // Over the limit: one -ERR, the rest of the line discarded (RFC 2449 §4).
  fc.tuple(fc.constantFrom('NOOP', 'USER', 'XYZZ', 'RETR'), fc.integer({ min: 251, max: 4000 })).map(([v, n]): Intent => ({ t: 'BAD', line: `${v} ${'x'.repeat(n)}`, why: 'line too long' })),
);

function stepArb(): fc.Arbitrary<Step> {
  const s = <I extends Intent>(verb: string, intent: fc.Arbitrary<I>): fc.Arbitrary<Step> => fc.tuple(verbArb(verb), intent).map(([v, i]) => ({ intent: i, verb: v }));
  const plain = (t: 'STAT' | 'NOOP' | 'RSET' | 'CAPA' | 'QUIT'): fc.Arbitrary<Step> => s(t, fc.constant({ t }));
  return fc.oneof(
    { weight: 3, arbitrary: s('USER', nameArb.map((name) => ({ t: 'USER', name }) as const)) },
    { weight: 3, arbitrary: s('PASS', passArb.map((pass) => ({ t: 'PASS', pass }) as const)) },
    { weight: 2, arbitrary: s('APOP', fc.tuple(apopNameArb, digestArb).map(([name, digest]) => ({ t: 'APOP', name, digest }) as const)) },
    { weight: 3, arbitrary: plain('STAT') },
    { weight: 1, arbitrary: plain('NOOP') },
    { weight: 2, arbitrary: plain('RSET') },
    { weight: 1, arbitrary: plain('CAPA') },
    { weight: 1, arbitrary: plain('QUIT') },
    { weight: 3, arbitrary: s('LIST', fc.option(msgArb, { nil: undefined, freq: 2 }).map((arg) => ({ t: 'LIST', arg }) as const)) },
    { weight: 3, arbitrary: s('UIDL', fc.option(msgArb, { nil: undefined, freq: 2 }).map((arg) => ({ t: 'UIDL', arg }) as const)) },
    { weight: 4, arbitrary: s('RETR', msgArb.map((arg) => ({ t: 'RETR', arg }) as const)) },
    { weight: 4, arbitrary: s('DELE', msgArb.map((arg) => ({ t: 'DELE', arg }) as const)) },
    { weight: 3, arbitrary: s('TOP', fc.tuple(msgArb, linesArb).map(([arg, lines]) => ({ t: 'TOP', arg, lines }) as const)) },
    { weight: 3, arbitrary: badArb.map((intent) => ({ intent, verb: '' })) },
  );
}

const LOGIN: readonly Step[] = [
  { intent: { t: 'USER', name: 'alice' }, verb: 'USER' },
  { intent: { t: 'PASS', pass: 'wonderland' }, verb: 'PASS' },
];

/** The command mix of a model run. */
export function commandArb(): fc.Arbitrary<ModelCommand> {
  const step = stepArb();
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(LOGIN).map((steps) => new Wire(steps, false, 'AUTHORIZATION')) },
    { weight: 20, arbitrary: step.map((s) => new Wire([s], false)) },
    { weight: 3, arbitrary: fc.array(step, { minLength: 2, maxLength: 4 }).map((steps) => new Wire(steps, true)) },
    { weight: 3, arbitrary: fc.constant(null).map(() => new Reconnect()) },
    { weight: 1, arbitrary: fc.constant(null).map(() => new Drop()) },
  );
}
