/**
 * RFC 1939 §5 RETR msg and §7 TOP msg n: multi-line responses that stream the message, byte-stuffed
 * (the session's body writer does the CRLF form, TOP's cut and the stuffing). The file is opened
 * before "+OK" so a message removed under us gets "-ERR [SYS/TEMP]" instead of a broken response.
 */
import type { Readable } from 'node:stream';
import type { CommandSpec } from '../command-spec.js';
import type { SessionContext } from '../session-context.js';
import { pop3Error, type Pop3Error } from '../pop3-error.js';
import { StoreError } from '../../store/types.js';
import { transformMessage } from '../transform.js';

export const RETR: CommandSpec = {
  verb: 'RETR',
  states: ['TRANSACTION'],
  args: [{ kind: 'msg', name: 'msg' }],
  async handler(ctx, args) {
    const m = args.msg(0);
    const body = await openBody(ctx, m.meta.key);
    if (!('body' in body)) return body;
    const octets = body.octets ?? m.meta.size;
    return { kind: 'message', text: `${octets} octets`, body: body.body, expectedOctets: octets };
  },
};

export const TOP: CommandSpec = {
  verb: 'TOP',
  states: ['TRANSACTION'],
  args: [
    { kind: 'msg', name: 'msg' },
    { kind: 'count', name: 'n' },
  ],
  async handler(ctx, args) {
    const m = args.msg(0);
    const body = await openBody(ctx, m.meta.key);
    if (!('body' in body)) return body;
    return { kind: 'message', text: 'top of message follows', body: body.body, topLines: args.count(1) };
  },
};

/**
 * Opens the message, through the transformation when one is on. `octets` is set when the size
 * differs from the stored one (a transformed message): LIST keeps the stored size (see README).
 */
async function openBody(ctx: SessionContext, key: string): Promise<{ body: Readable; octets?: number } | Pop3Error> {
  let stored: Readable;
  try {
    stored = await ctx.view!.maildrop.openMessage(key);
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    ctx.log.warn({ err, key }, 'message cannot be opened');
    if (err.code === 'permanent') return pop3Error('sys-perm', 'message cannot be read');
    return pop3Error('sys-temp', err.code === 'gone' ? 'message was changed or removed by another process' : 'message cannot be read now, try again later');
  }
  const command = ctx.limits.transformCommand;
  if (!command) return { body: stored };
  const result = await transformMessage(stored, { command, timeoutMs: ctx.limits.transformTimeoutMs, maxOctets: ctx.limits.transformMaxOctets });
  if (!result.ok) {
    ctx.log.warn({ key, reason: result.reason }, 'mail transformation failed');
    return pop3Error('sys-temp', 'message transformation failed, try again later');
  }
  return { body: result.body, octets: result.octets };
}
