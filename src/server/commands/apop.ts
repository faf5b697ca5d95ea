/**
 * RFC 1939 §7: APOP name digest. The digest is MD5 of the greeting's timestamp followed by the
 * shared secret, as 32 lower-case hex digits (compared case-insensitively here, as clients differ).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { CommandSpec } from '../command-spec.js';
import { pop3Error } from '../pop3-error.js';
import { ok } from '../reply.js';
import { describeDrop } from './user-pass.js';

export const APOP: CommandSpec = {
  verb: 'APOP',
  states: ['AUTHORIZATION'],
  args: [
    { kind: 'word', name: 'name' },
    { kind: 'word', name: 'digest' },
  ],
  logArgs: false,
  async handler(ctx, args) {
    const gate = await ctx.beforeCredentials();
    if (gate) return gate;
    const user = args.text(0);
    const limited = ctx.claimUser(user);
    if (limited) return limited;
    const digest = args.text(1).toLowerCase();
    const secret = await ctx.users.apopSecret(user);
    const expected = createHash('md5')
      .update(ctx.apopTimestamp + (secret ?? '\u0000no secret'), 'utf8')
      .digest('hex');
    const given = Buffer.from(/^[0-9a-f]{32}$/.test(digest) ? digest : '0'.repeat(32), 'latin1');
    const match = timingSafeEqual(Buffer.from(expected, 'latin1'), given);
    if (secret === undefined || !match) {
      ctx.authFailed(user);
      return pop3Error('auth-failed', 'invalid user name or digest');
    }
    const failure = await ctx.openMaildrop(user);
    return failure ?? ok(`logged in, ${describeDrop(ctx.view?.totals())}`, 'authenticated');
  },
};
