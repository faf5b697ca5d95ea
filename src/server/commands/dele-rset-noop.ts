/**
 * RFC 1939 §5: DELE msg marks a message as deleted (removed only in UPDATE); RSET unmarks all;
 * NOOP does nothing. All three are TRANSACTION-only.
 */
import type { CommandSpec } from '../command-spec.js';
import { ok } from '../reply.js';
import { describeDrop } from './user-pass.js';

export const DELE: CommandSpec = {
  verb: 'DELE',
  states: ['TRANSACTION'],
  args: [{ kind: 'msg', name: 'msg' }],
  handler(ctx, args) {
    const m = args.msg(0);
    ctx.view!.markDeleted(m.number);
    return ok(`message ${m.number} deleted`);
  },
};

export const RSET: CommandSpec = {
  verb: 'RSET',
  states: ['TRANSACTION'],
  args: [],
  handler(ctx) {
    ctx.view!.reset();
    return ok(describeDrop(ctx.view!.totals()));
  },
};

export const NOOP: CommandSpec = {
  verb: 'NOOP',
  states: ['TRANSACTION'],
  args: [],
  handler() {
    return ok();
  },
};
