/**
 * RFC 1939 §7: UIDL [msg]. A unique-id listing is the message number, a single space and the
 * unique-id, nothing after it; messages marked as deleted are not listed.
 */
import type { CommandSpec } from '../command-spec.js';
import { lines, ok } from '../reply.js';

export const UIDL: CommandSpec = {
  verb: 'UIDL',
  states: ['TRANSACTION'],
  args: [{ kind: 'msg', name: 'msg', optional: true }],
  handler(ctx, args) {
    const view = ctx.view!;
    const one = args.optionalMsg(0);
    if (one) return ok(`${one.number} ${one.meta.uid}`);
    return lines(
      'unique-id listing follows',
      (function* () {
        for (const m of view.live()) yield `${m.number} ${m.meta.uid}`;
      })(),
    );
  },
};
