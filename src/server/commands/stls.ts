/**
 * RFC 2595 §4: STLS, valid only in AUTHORIZATION, before any authentication, when TLS is not active
 * yet. "+OK" and the session switches to TLS (session.ts discards everything the client sent
 * before the handshake); the client must then ask CAPA again, since it may differ (§4).
 */
import type { CommandSpec } from '../command-spec.js';
import { pop3Error } from '../pop3-error.js';

export const STLS: CommandSpec = {
  verb: 'STLS',
  states: ['AUTHORIZATION'],
  args: [],
  handler(ctx) {
    if (!ctx.tlsAvailable) return pop3Error('unknown-command', 'STLS is not available: the server has no certificate');
    if (ctx.secure) return pop3Error('wrong-state', 'command not permitted when TLS active');
    return { kind: 'ok', text: 'begin TLS negotiation', upgrade: 'tls' };
  },
};
