/**
 * RFC 2449 §5: CAPA, valid in AUTHORIZATION and TRANSACTION; a multi-line list of capabilities.
 * §6 says where each is announced: everything here is announced in both states; LOGIN-DELAY
 * carries "USER" in AUTHORIZATION when its value could differ per user (§6.5) — ours is one value
 * for the server, so it is the same in both. EXPIRE NEVER: this server never removes mail on its
 * own (§6.7). RESP-CODES (§6.4) and AUTH-RESP-CODE (RFC 3206) promise the codes in pop3-error.ts.
 */
import type { CommandSpec } from '../command-spec.js';
import type { SessionContext } from '../session-context.js';
import { lines } from '../reply.js';

export function capabilities(ctx: SessionContext): string[] {
  const caps = ['TOP'];
  // USER only where cleartext passwords are accepted (issue 5 policy; RFC 2449 §6.2 allows it).
  if (ctx.plaintextAllowed) caps.push('USER');
  caps.push('UIDL', 'PIPELINING', 'RESP-CODES', 'AUTH-RESP-CODE', 'EXPIRE NEVER');
  // RFC 2449 §6.3 / RFC 5034: SASL lists the mechanisms usable on this connection.
  const sasl = ctx.saslMechanisms().map((m) => m.name);
  if (sasl.length > 0) caps.push(`SASL ${sasl.join(' ')}`);
  // RFC 2595 §4: STLS is announced only while it can be used.
  if (ctx.tlsAvailable && !ctx.secure && ctx.state === 'AUTHORIZATION') caps.push('STLS');
  if (ctx.limits.loginDelaySeconds > 0) caps.push(`LOGIN-DELAY ${ctx.limits.loginDelaySeconds}`);
  caps.push(`IMPLEMENTATION ${ctx.identity.implementation}`);
  return caps;
}

export const CAPA: CommandSpec = {
  verb: 'CAPA',
  states: ['AUTHORIZATION', 'TRANSACTION'],
  args: [],
  handler(ctx) {
    return lines('capability list follows', capabilities(ctx));
  },
};
