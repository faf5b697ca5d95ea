/** RFC 1939 §5: STAT gives the drop listing "+OK nn mm", deleted messages not counted. */
import type { CommandSpec } from '../command-spec.js';
import { ok } from '../reply.js';

export const STAT: CommandSpec = {
  verb: 'STAT',
  states: ['TRANSACTION'],
  args: [],
  handler(ctx) {
    const { count, octets } = ctx.view!.totals();
    return ok(`${count} ${octets}`);
  },
};
