/**
 * The initial maildrop of one model run: either the conformance suite's fixture messages (so a
 * counterexample can be replayed as a @fixtures scenario) or generated messages built from the
 * shapes that break POP3 servers: lines starting with ".", bare LF and bare CR, no final line
 * break, no header/body separator, empty messages, 8-bit bytes and long lines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

/** `messages`: the USER/PASS account's maildrop; `apopMessages`: the APOP account's. */
export type MaildropSpec =
  | { readonly kind: 'fixtures'; readonly messages: readonly Buffer[]; readonly apopMessages: readonly Buffer[] }
  | { readonly kind: 'generated'; readonly messages: readonly Buffer[]; readonly apopMessages: readonly Buffer[] };

const FIXTURE_DIR = fileURLToPath(new URL('../../../fixtures/messages/', import.meta.url));

let fixtureCache: Buffer[] | undefined;

/** fixtures/messages/*.eml in name order: message N of a @fixtures maildrop is the N-th file. */
export function fixtureMessages(): Buffer[] {
  fixtureCache ??= readdirSync(FIXTURE_DIR)
    .filter((n) => n.endsWith('.eml'))
    .sort()
    .map((n) => readFileSync(path.join(FIXTURE_DIR, n)));
  return fixtureCache;
}

const LINE_TEXT = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('Subject: hello', 'From: a@example.org', 'To: b@example.org', ' folded header', 'body text', 'x') },
  { weight: 3, arbitrary: fc.constantFrom('', '.', '..', '...', '.x', '. ', '.\r', 'a\rb', '\r', 'caf\xe9', '\xff\xfe', 'tab\there', 'From me') },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('a', 'Z', '.', ' ', '\r', '\t', ':', '\xe9', '\x00', '\x7f'), maxLength: 12 }) },
  { weight: 1, arbitrary: fc.integer({ min: 70, max: 1200 }).map((n) => 'L'.repeat(n)) },
);

const LINE_END = fc.constantFrom('\r\n', '\r\n', '\n', '\n', '\r', '');

/** One generated message: lines with varied endings, latin1 so every byte value can appear. */
export const messageArb: fc.Arbitrary<Buffer> = fc
  .array(fc.tuple(LINE_TEXT, LINE_END), { maxLength: 8 })
  .map((lines) => Buffer.from(lines.map(([text, end]) => text + end).join(''), 'latin1'));

/** Mostly generated maildrops (they shrink); sometimes the fixtures (replayable as @fixtures). */
export function maildropArb(options: { fixtures?: boolean; maxMessages?: number } = {}): fc.Arbitrary<MaildropSpec> {
  const generated = fc
    .tuple(fc.array(messageArb, { maxLength: options.maxMessages ?? 5 }), fc.array(messageArb, { maxLength: 2 }))
    .map(([messages, apopMessages]): MaildropSpec => ({ kind: 'generated', messages, apopMessages }));
  if (options.fixtures === false) return generated;
  return fc.oneof(
    { weight: 5, arbitrary: generated },
    { weight: 1, arbitrary: fc.constant<MaildropSpec>({ kind: 'fixtures', messages: fixtureMessages(), apopMessages: [] }) },
  );
}
