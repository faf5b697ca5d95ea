/**
 * RFC 1939 §4 and §6: QUIT. In AUTHORIZATION it ends the session without UPDATE; in TRANSACTION
 * it enters UPDATE, where the session removes the messages marked as deleted (see session.ts,
 * which runs the removal and sends the final response once the transition is made).
 */
import type { CommandSpec } from '../command-spec.js';
import { ok } from '../reply.js';

export const QUIT: CommandSpec = {
  verb: 'QUIT',
  states: ['AUTHORIZATION', 'TRANSACTION'],
  args: [],
  handler(ctx) {
    return ok(`${ctx.identity.hostname} POP3 server signing off`, 'quit');
  },
};
