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

export const RETR: CommandSpec = {
  verb: 'RETR',
  states: ['TRANSACTION'],
  args: [{ kind: 'msg', name: 'msg' }],
  async handler(ctx, args) {
    const m = args.msg(0);
    const body = await openBody(ctx, m.meta.key);
    if (!('pipe' in body)) return body;
    return { kind: 'message', text: `${m.meta.size} octets`, body };
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
    if (!('pipe' in body)) return body;
    return { kind: 'message', text: 'top of message follows', body, topLines: args.count(1) };
  },
};

async function openBody(ctx: SessionContext, key: string): Promise<Readable | Pop3Error> {
  try {
    return await ctx.view!.maildrop.openMessage(key);
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    ctx.log.warn({ err, key }, 'message cannot be opened');
    if (err.code === 'permanent') return pop3Error('sys-perm', 'message cannot be read');
    return pop3Error('sys-temp', err.code === 'gone' ? 'message was removed by another process' : 'message cannot be read now, try again later');
  }
}
