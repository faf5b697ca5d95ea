/**
 * The verb table's shape and its one validator. Each verb declares the states it is legal in and
 * its argument schema; validate() checks state, arity, spacing, number syntax and "message marked
 * as deleted" (RFC 1939 §3, §5) once for every verb, so handlers only see typed, valid arguments.
 */
import { hasCleanSpacing, parseMessageNumber, parseNonNegative, type CommandLine } from '../protocol/command.js';
import type { MaildropView, NumberedMessage } from './maildrop-view.js';
import { pop3Error, type Pop3Error } from './pop3-error.js';
import type { Reply } from './reply.js';
import type { SessionContext } from './session-context.js';
import type { SessionState } from './session-state.js';

export type ArgKind =
  | 'msg' // a message number that exists and is not marked as deleted
  | 'count' // a non-negative decimal number
  | 'word' // any non-empty parameter
  | 'rest'; // the rest of the line, spaces included (PASS, RFC 1939 §7)

export interface ArgSpec {
  readonly kind: ArgKind;
  readonly name: string;
  readonly optional?: boolean;
}

export type ArgValue = NumberedMessage | number | string | undefined;

/** Typed access to validated arguments, by position. */
export class Args {
  constructor(private readonly values: readonly ArgValue[]) {}
  msg(i: number): NumberedMessage {
    return this.values[i] as NumberedMessage;
  }
  optionalMsg(i: number): NumberedMessage | undefined {
    return this.values[i] as NumberedMessage | undefined;
  }
  count(i: number): number {
    return this.values[i] as number;
  }
  text(i: number): string {
    return this.values[i] as string;
  }
  optionalText(i: number): string | undefined {
    return this.values[i] as string | undefined;
  }
}

export interface CommandSpec {
  readonly verb: string;
  readonly states: readonly SessionState[];
  readonly args: readonly ArgSpec[];
  /** Whether the command's arguments may appear in logs (false for secrets). */
  readonly logArgs?: boolean;
  handler(ctx: SessionContext, args: Args): Reply | Promise<Reply>;
}

export function usage(spec: CommandSpec): string {
  const parts = spec.args.map((a) => (a.optional ? `[${a.name}]` : a.name));
  return [spec.verb, ...parts].join(' ');
}

export function validate(spec: CommandSpec, command: CommandLine, state: SessionState, view: MaildropView | undefined): Args | Pop3Error {
  if (!spec.states.includes(state)) {
    return pop3Error('wrong-state', `${spec.verb} is not valid in the ${state} state`);
  }
  const syntax = (): Pop3Error => pop3Error('syntax', `syntax error, usage: ${usage(spec)}`);
  const last = spec.args[spec.args.length - 1];
  if (last?.kind === 'rest') {
    // Only PASS has this shape: one argument that may contain spaces.
    if (command.rest.length === 0 && !last.optional) return syntax();
    return new Args([command.rest || undefined]);
  }
  const required = spec.args.filter((a) => !a.optional).length;
  if (command.args.length < required || command.args.length > spec.args.length || !hasCleanSpacing(command)) {
    return syntax();
  }
  const values: ArgValue[] = [];
  for (let i = 0; i < spec.args.length; i++) {
    const arg = spec.args[i]!;
    const raw = command.args[i];
    if (raw === undefined) {
      values.push(undefined);
      continue;
    }
    switch (arg.kind) {
      case 'word':
        values.push(raw);
        break;
      case 'count': {
        const n = parseNonNegative(raw);
        if (n === undefined) return pop3Error('syntax', `invalid ${arg.name}: ${raw}`);
        values.push(n);
        break;
      }
      case 'msg': {
        const n = parseMessageNumber(raw);
        if (n === undefined) return pop3Error('syntax', `invalid message number: ${raw}`);
        if (!view) throw new Error(`bug: ${spec.verb} takes a message number outside TRANSACTION`);
        const found = view.lookup(n);
        if ('missing' in found) {
          return found.missing === 'deleted'
            ? pop3Error('message-deleted', `message ${n} already deleted`)
            : pop3Error('no-such-message', `no such message, only ${view.count} messages in maildrop`);
        }
        values.push(found.message);
        break;
      }
      case 'rest':
        throw new Error('bug: a rest argument must be the last one');
    }
  }
  return new Args(values);
}
