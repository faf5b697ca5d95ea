/**
 * The manager's verb table shape and its one validator (like src/server/command-spec.ts): each
 * command declares its arguments, and validate() checks arity, spacing and offsets once for all,
 * so a handler only sees arguments of the right shape and answers the command's own errors.
 */
import type { Logger } from 'pino';
import { err, type MetricsSource, type Reply, type RuntimeSettings, type UserAdmin } from './types.js';

export type ArgKind =
  | 'word' // one non-empty argument
  | 'offset' // a non-negative decimal number, at most 9 digits
  | 'rest'; // the rest of the line, spaces included (ADD's password, SET's value); must be last

export interface ArgSpec {
  readonly kind: ArgKind;
  readonly name: string;
  readonly optional?: boolean;
}

export type ArgValue = string | number | undefined;

export interface CommandContext {
  readonly users: UserAdmin;
  readonly settings: RuntimeSettings;
  readonly metrics: MetricsSource;
  readonly implementation: string;
  /** Octets the reply may use after its MAC field, so that it fits one datagram (spec §3.4). */
  readonly tailBudget: number;
  /** Runs fn once the reply has been sent (STOP: reply first, then stop). */
  afterReply(fn: () => void): void;
  /** Stops the server (the stop hook). */
  stop(): void;
  readonly logger: Logger;
}

export interface ManagerCommandSpec {
  readonly verb: string;
  readonly args: readonly ArgSpec[];
  /** Usage when the argument list alone does not say it (USERS's two forms). */
  readonly usage?: string;
  /** One line for `help` and the spec. */
  readonly summary: string;
  /** Whether +OK replies are multi-line (spec §3.3). */
  readonly multiline: boolean;
  /** False when the arguments hold a secret (ADD's password): logged as "(hidden)". */
  readonly logArgs?: boolean;
  handler(ctx: CommandContext, args: readonly ArgValue[]): Reply | Promise<Reply>;
}

export function usage(spec: ManagerCommandSpec): string {
  if (spec.usage) return spec.usage;
  return [spec.verb, ...spec.args.map((a) => (a.optional ? `[${a.name}]` : a.name))].join(' ');
}

const OFFSET_RE = /^\d{1,9}$/;

export interface ParsedArgs {
  readonly args: readonly string[];
  readonly rest: string;
  readonly cleanSpacing: boolean;
}

/** Checks a command's arguments against its spec; returns the values or a [SYNTAX] reply. */
export function validate(spec: ManagerCommandSpec, command: ParsedArgs): ArgValue[] | Reply {
  const syntax = (): Reply => err('SYNTAX', `usage: ${usage(spec)}`);
  const last = spec.args[spec.args.length - 1];
  const words = last?.kind === 'rest' ? spec.args.length - 1 : spec.args.length;
  const values: ArgValue[] = [];
  let remaining = command.rest;
  for (let i = 0; i < words; i++) {
    const arg = spec.args[i]!;
    const sp = remaining.indexOf(' ');
    const raw = sp < 0 ? remaining : remaining.slice(0, sp);
    remaining = sp < 0 ? '' : remaining.slice(sp + 1);
    if (raw === '') {
      if (!arg.optional || sp >= 0) return syntax();
      values.push(undefined);
      continue;
    }
    if (arg.kind === 'offset') {
      if (!OFFSET_RE.test(raw)) return err('SYNTAX', `invalid ${arg.name}: ${raw}`);
      values.push(Number(raw));
    } else {
      values.push(raw);
    }
  }
  if (last?.kind === 'rest') {
    if (remaining === '' && !last.optional) return syntax();
    values.push(remaining);
  } else if (remaining !== '' || (!command.cleanSpacing && command.rest !== '')) {
    return syntax();
  }
  return values;
}
