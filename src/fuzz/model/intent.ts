/**
 * What a generated command means, separately from how it is written. The model decides the
 * expected answer from the meaning (never by parsing the line: the shared codec is the only POP3
 * parser), and the line is rendered from it: verb case as generated, arguments as given.
 * A NumArg carries both the text sent and, when the generator made a valid number, its value.
 */
import { apopDigest } from '../../client/commands.js';
import { escapeOctets } from '../escape.js';

export interface NumArg {
  readonly raw: string;
  /** The number the text denotes, or undefined when the text is not a valid decimal number. */
  readonly value: number | undefined;
}

export type Intent =
  | { readonly t: 'USER'; readonly name: string }
  | { readonly t: 'PASS'; readonly pass: string }
  | { readonly t: 'APOP'; readonly name: string; readonly digest: { readonly right: true } | { readonly hex: string } }
  | { readonly t: 'STAT' | 'NOOP' | 'RSET' | 'CAPA' | 'QUIT' }
  | { readonly t: 'LIST' | 'UIDL'; readonly arg: NumArg | undefined }
  | { readonly t: 'RETR' | 'DELE'; readonly arg: NumArg }
  | { readonly t: 'TOP'; readonly arg: NumArg; readonly lines: NumArg }
  /**
   * A line that is a bad command in every state (unknown verb, wrong arity, bad spacing, control
   * characters, empty): the server answers -ERR and counts it toward its bad-command limit.
   */
  | { readonly t: 'BAD'; readonly line: string; readonly why: string };

/** One command line: its meaning and the verb exactly as it is written on the wire. */
export interface Step {
  readonly intent: Intent;
  /** The keyword as sent (odd case allowed); unused for BAD lines. */
  readonly verb: string;
}

/** What rendering needs from the session: the greeting's APOP timestamp and the shared secret. */
export interface RenderContext {
  readonly timestamp: string | undefined;
  readonly secret: string;
}

/** The octets of the command line, without CRLF (latin1: one char, one octet). */
export function render(step: Step, ctx: RenderContext): Buffer {
  const digest = (): string => (ctx.timestamp ? apopDigest(ctx.timestamp, ctx.secret) : '0'.repeat(32));
  return Buffer.from(lineText(step, digest), 'latin1');
}

/** The line as a reader sees it; the right APOP digest depends on the greeting, so it is named. */
export function describe(step: Step): string {
  if (step.intent.t === 'APOP' && 'right' in step.intent.digest) return `${step.verb} ${step.intent.name} <md5 of the greeting timestamp and the secret>`;
  return escapeOctets(Buffer.from(lineText(step, () => ''), 'latin1'));
}

function lineText(step: Step, rightDigest: () => string): string {
  const i = step.intent;
  const v = step.verb;
  switch (i.t) {
    case 'USER':
      return `${v} ${i.name}`;
    case 'PASS':
      return `${v} ${i.pass}`;
    case 'APOP':
      return `${v} ${i.name} ${'right' in i.digest ? rightDigest() : i.digest.hex}`;
    case 'STAT':
    case 'NOOP':
    case 'RSET':
    case 'CAPA':
    case 'QUIT':
      return v;
    case 'LIST':
    case 'UIDL':
      return i.arg ? `${v} ${i.arg.raw}` : v;
    case 'RETR':
    case 'DELE':
      return `${v} ${i.arg.raw}`;
    case 'TOP':
      return `${v} ${i.arg.raw} ${i.lines.raw}`;
    case 'BAD':
      return i.line;
  }
}
