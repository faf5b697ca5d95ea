/**
 * RFC 1939 §7: USER name / PASS string, and RFC 3206: [AUTH] on a credentials failure.
 * USER answers +OK for any name, so USER cannot be used to find out who has a mailbox (§7 allows it).
 * PASS is valid only right after a successful USER; its argument is the rest of the line.
 */
import type { CommandSpec } from '../command-spec.js';
import { pop3Error } from '../pop3-error.js';
import { ok } from '../reply.js';

export const USER: CommandSpec = {
  verb: 'USER',
  states: ['AUTHORIZATION'],
  args: [{ kind: 'word', name: 'name' }],
  handler(ctx, args) {
    // Like Dovecot's disable_plaintext_auth: no cleartext password over an open line.
    if (!ctx.plaintextAllowed) return pop3Error('plaintext-disallowed', 'plaintext authentication disallowed on non-secure connections, use STLS');
    const limited = ctx.claimUser(args.text(0));
    if (limited) return limited;
    ctx.pendingUser = args.text(0);
    return ok('send PASS');
  },
};

export const PASS: CommandSpec = {
  verb: 'PASS',
  states: ['AUTHORIZATION'],
  args: [{ kind: 'rest', name: 'string' }],
  logArgs: false,
  async handler(ctx, args) {
    const user = ctx.pendingUser;
    ctx.pendingUser = undefined;
    if (user === undefined) return pop3Error('wrong-state', 'PASS must follow a successful USER');
    const gate = await ctx.beforeCredentials();
    if (gate) return gate;
    const verified = await ctx.users.verifyPassword(user, args.text(0));
    // RFC 1939 §13: an APOP user (one with a shared secret) may not also log in with USER/PASS.
    // Answered exactly like a wrong password, after the same work.
    const apopUser = (await ctx.users.apopSecret(user)) !== undefined;
    if (!verified || apopUser) {
      ctx.authFailed(user);
      return pop3Error('auth-failed', 'invalid user name or password');
    }
    const failure = await ctx.openMaildrop(user);
    return failure ?? ok(`logged in, ${describeDrop(ctx.view?.totals())}`, 'authenticated');
  },
};

export function describeDrop(totals: { count: number; octets: number } | undefined): string {
  if (!totals) return 'maildrop open';
  return `maildrop has ${totals.count} message${totals.count === 1 ? '' : 's'} (${totals.octets} octets)`;
}
