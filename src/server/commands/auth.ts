/**
 * RFC 5034 §4: AUTH mechanism [initial-response], a SASL exchange (RFC 4422) in AUTHORIZATION.
 * Challenges are "+ " and base64 (an empty one is "+ " alone); each client line is base64, "*"
 * cancels; bad base64, an unknown mechanism, an initial response to a mechanism that takes none,
 * and any failure answer -ERR, with [AUTH] when the credentials are at fault (RFC 3206). The
 * mechanisms themselves are pure state machines in src/auth/sasl/; the session routes the client's
 * lines to continueSasl() while an exchange is open.
 */
import { decodeSaslBase64, findMechanism, type SaslExchange, type SaslStep } from '../../auth/sasl/index.js';
import type { CommandSpec } from '../command-spec.js';
import { pop3Error } from '../pop3-error.js';
import { ok, type Reply } from '../reply.js';
import type { SessionContext } from '../session-context.js';
import { describeDrop } from './user-pass.js';

export const AUTH: CommandSpec = {
  verb: 'AUTH',
  states: ['AUTHORIZATION'],
  args: [
    { kind: 'word', name: 'mechanism' },
    { kind: 'word', name: 'initial-response', optional: true },
  ],
  logArgs: false,
  async handler(ctx, args) {
    const mechanism = findMechanism(ctx.saslMechanisms(), args.text(0));
    if (!mechanism) return pop3Error('syntax', `unsupported authentication mechanism ${args.text(0).slice(0, 40)}`);
    const initialText = args.optionalText(1);
    let initial: Buffer | undefined;
    if (initialText !== undefined) {
      initial = decodeSaslBase64(initialText, 'initial-response');
      if (initial === undefined) return pop3Error('syntax', 'invalid base64 in the initial response');
      if (!mechanism.initialResponse) return pop3Error('syntax', `${mechanism.name} takes no initial response`);
    }
    const gate = await ctx.beforeCredentials();
    if (gate) return gate;
    const exchange = mechanism.start({ users: ctx.users, hostname: ctx.identity.hostname });
    return answer(ctx, exchange, await exchange.step(initial));
  },
};

/** Handles one client line of an open exchange (the session calls this instead of dispatching). */
export async function continueSasl(ctx: SessionContext, exchange: SaslExchange, line: string): Promise<Reply> {
  if (line === '*') {
    ctx.endSasl();
    return pop3Error('syntax', 'authentication cancelled');
  }
  const response = decodeSaslBase64(line, 'response');
  if (response === undefined) {
    ctx.endSasl();
    return pop3Error('syntax', 'invalid base64 in the response');
  }
  return answer(ctx, exchange, await exchange.step(response));
}

async function answer(ctx: SessionContext, exchange: SaslExchange, step: SaslStep): Promise<Reply> {
  switch (step.kind) {
    case 'challenge':
      ctx.beginSasl(exchange);
      return { kind: 'challenge', data: step.data };
    case 'failure':
      ctx.endSasl();
      if (step.reason === 'credentials') {
        ctx.authFailed(step.user);
        return pop3Error('auth-failed', 'authentication failed');
      }
      return pop3Error('syntax', `authentication failed: ${step.detail}`);
    case 'success': {
      ctx.endSasl();
      const limited = ctx.claimUser(step.user);
      if (limited) return limited;
      const failure = await ctx.openMaildrop(step.user);
      return failure ?? ok(`logged in, ${describeDrop(ctx.view?.totals())}`, 'authenticated');
    }
  }
}
