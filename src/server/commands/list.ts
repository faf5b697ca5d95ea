/**
 * RFC 1939 §5: LIST [msg]. A scan listing is the message number, a single space and the exact
 * size in octets; messages marked as deleted are not listed.
 */
import type { CommandSpec } from '../command-spec.js';
import { lines, ok } from '../reply.js';

export const LIST: CommandSpec = {
  verb: 'LIST',
  states: ['TRANSACTION'],
  args: [{ kind: 'msg', name: 'msg', optional: true }],
  handler(ctx, args) {
    const view = ctx.view!;
    const one = args.optionalMsg(0);
    if (one) return ok(`${one.number} ${one.meta.size}`);
    const { count, octets } = view.totals();
    return lines(
      `${count} messages (${octets} octets)`,
      (function* () {
        for (const m of view.live()) yield `${m.number} ${m.meta.size}`;
      })(),
    );
  },
};
