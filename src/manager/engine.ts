/**
 * The request pipeline of spec §4.6, independent of sockets: a datagram and its sender in, the
 * reply datagram (or nothing) out. Steps 1-4 (size, header, MAC, freshness) do bounded work on at
 * most 512 octets and touch no shared state; only authenticated, fresh requests reach the replay
 * cache and the command queue. receive() never rejects: a bug in a handler becomes [SYS].
 */
import pino, { type Logger } from 'pino';
import { VERSION } from '../version.js';
import { isFresh, macEquals, replyMac, requestMac } from './auth.js';
import { validate, type CommandContext } from './command-spec.js';
import { buildCommandTable, type CommandTable } from './command-table.js';
import { assembleReply, encodeTail, headOctets, parseCommand, parseRequestHeader, unauthenticatedReply, type RequestHeader } from './codec.js';
import {
  MAX_QUEUED_REQUESTS,
  MAX_REPLY_OCTETS,
  MAX_REQUEST_OCTETS,
  UNAUTH_REPLIES_PER_SECOND,
  UNAUTH_REPLIES_PER_SECOND_OVERALL,
  UNAUTH_REPLY_BURST,
  UNAUTH_REPLY_BURST_OVERALL,
  UNAUTH_TRACKED_SENDERS,
} from './limits.js';
import { RefusalLimiter } from './rate-limiter.js';
import { ReplayCache } from './replay-cache.js';
import { err, ManagerError, type ErrorCode, type ManagerServerOptions, type Reply } from './types.js';

export interface Outcome {
  readonly reply: Buffer;
  /** To run once the reply is sent (STOP). */
  readonly after?: (() => void) | undefined;
}

export interface EngineOptions extends ManagerServerOptions {
  /** Replay cache size; default REPLAY_CACHE_MAX_ENTRIES (tests shrink it). */
  readonly replayCacheEntries?: number;
}

export class ManagerEngine {
  private readonly table: CommandTable = buildCommandTable();
  private readonly cache: ReplayCache;
  private readonly refusals: RefusalLimiter;
  private readonly clock: () => number;
  private readonly logger: Logger;
  private readonly implementation: string;
  /** Requests run one at a time, in arrival order (spec §4.4). */
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(private readonly options: EngineOptions) {
    this.clock = options.clock ?? Date.now;
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.implementation = options.implementation ?? `popcheck-${VERSION}`;
    this.cache = new ReplayCache(options.replayCacheEntries);
    this.refusals = new RefusalLimiter(
      {
        perPeerPerSecond: UNAUTH_REPLIES_PER_SECOND,
        perPeerBurst: UNAUTH_REPLY_BURST,
        overallPerSecond: UNAUTH_REPLIES_PER_SECOND_OVERALL,
        overallBurst: UNAUTH_REPLY_BURST_OVERALL,
        maxPeers: UNAUTH_TRACKED_SENDERS,
      },
      this.clock,
    );
  }

  /** Resolves once every accepted request has run. */
  idle(): Promise<void> {
    return this.chain;
  }

  async receive(datagram: Uint8Array, peer: string): Promise<Outcome | undefined> {
    try {
      return await this.process(datagram, peer);
    } catch (e) {
      this.logger.error({ err: e, peer }, 'manager: request failed');
      return undefined;
    }
  }

  private async process(datagram: Uint8Array, peer: string): Promise<Outcome | undefined> {
    const size = datagram.length;
    const parsed = parseRequestHeader(datagram);
    switch (parsed.kind) {
      case 'empty':
        return this.drop(peer, 'empty datagram');
      case 'too-big':
        return this.refuse(size, peer, undefined, 'TOO-BIG', `request over ${MAX_REQUEST_OCTETS} octets`);
      case 'malformed':
        return this.refuse(size, peer, parsed.id, 'MALFORMED', 'not a manager request');
      case 'ok':
        break;
    }
    const h = parsed.header;
    if (!macEquals(requestMac(this.options.token, h.id, h.timestamp, h.command), h.mac)) {
      return this.refuse(size, peer, h.id, 'AUTH', 'bad signature');
    }
    const now = this.clock();
    if (!isFresh(Number(h.timestamp), now)) {
      return this.refuse(size, peer, h.id, 'AUTH/STALE', `server time ${Math.floor(now / 1000)}`);
    }
    const seen = this.cache.lookup(h.id, now);
    if (seen) {
      // The MAC was verified above, so comparing it in plain is no oracle.
      if (seen.mac !== h.mac || seen.peer !== peer) return this.refuse(size, peer, h.id, 'AUTH/REPLAY', 'request id already used');
      if (!seen.reply) return this.drop(peer, 'retry of a request still running', h.id);
      this.logger.debug({ id: h.id, peer }, 'manager: retry answered from the replay cache');
      return { reply: seen.reply };
    }
    // A refused request is not recorded, so the very same datagram may be retried later.
    if (this.queued >= MAX_QUEUED_REQUESTS || !this.cache.admit(h.id, h.mac, peer, Number(h.timestamp), now)) {
      this.logger.warn({ id: h.id, peer, queued: this.queued, cached: this.cache.size }, 'manager: busy');
      return { reply: this.sign(h, err('BUSY', 'too many requests, retry later')) };
    }
    this.queued++;
    const run = this.chain.then(() => this.execute(h, peer));
    this.chain = run.then(() => undefined);
    try {
      const outcome = await run;
      this.cache.complete(h.id, outcome.reply);
      return outcome;
    } finally {
      this.queued--;
    }
  }

  private async execute(h: RequestHeader, peer: string): Promise<Outcome> {
    let after: (() => void) | undefined;
    const parsed = parseCommand(h.command);
    let verb = '(invalid)';
    let logged: unknown = undefined;
    let reply: Reply;
    if (!parsed.ok) {
      reply = err('SYNTAX', parsed.reason);
    } else {
      const spec = this.table.get(parsed.command.verb);
      verb = spec?.verb ?? '(unknown)';
      logged = spec?.logArgs === false ? '(hidden)' : parsed.command.rest || undefined;
      if (!spec) {
        reply = err('SYNTAX', 'unknown command');
      } else {
        const args = validate(spec, parsed.command);
        if (!Array.isArray(args)) reply = args as Reply;
        else {
          const ctx: CommandContext = {
            users: this.options.users,
            settings: this.options.settings,
            metrics: this.options.metrics,
            implementation: this.implementation,
            tailBudget: MAX_REPLY_OCTETS - headOctets(true, h.id),
            afterReply: (fn) => {
              after = fn;
            },
            stop: () => this.options.stop(),
            logger: this.logger,
          };
          reply = await this.run(() => spec.handler(ctx, args), verb);
        }
      }
    }
    this.logger.info({ id: h.id, peer, verb, args: logged, ok: reply.ok, code: reply.ok ? undefined : reply.code }, 'manager request');
    return { reply: this.sign(h, reply), after: reply.ok ? after : undefined };
  }

  private async run(handler: () => Reply | Promise<Reply>, verb: string): Promise<Reply> {
    try {
      return await handler();
    } catch (e) {
      if (e instanceof ManagerError) return err(e.code, e.message);
      this.logger.error({ err: e, verb }, 'manager: command failed');
      return err('SYS', `${verb} failed on the server (see its log)`);
    }
  }

  /** An authenticated reply (spec §4.5), guaranteed to fit one datagram (§3.4). */
  private sign(h: RequestHeader, reply: Reply): Buffer {
    let tail = encodeTail(reply);
    if (headOctets(reply.ok, h.id) + tail.length > MAX_REPLY_OCTETS) {
      this.logger.error({ id: h.id, octets: tail.length }, 'manager: reply too large (a bug); answering [SYS]');
      reply = err('SYS', 'reply too large');
      tail = encodeTail(reply);
    }
    return assembleReply(reply.ok, h.id, replyMac(this.options.token, h.id, h.mac, reply.ok, tail), tail);
  }

  /** Spec §4.7: a short fixed error, only when no longer than the datagram and within the rate. */
  private refuse(requestOctets: number, peer: string, id: string | undefined, code: ErrorCode, text: string): Outcome | undefined {
    const reply = unauthenticatedReply(id, code, text);
    if (reply.length > requestOctets) return this.drop(peer, `${code}: a reply would be larger than the datagram`, id);
    if (!this.refusals.take(peer)) return this.drop(peer, `${code}: unauthenticated reply rate exceeded`, id);
    this.logger.warn({ peer, id, code }, 'manager: request refused');
    return { reply };
  }

  private drop(peer: string, why: string, id?: string): undefined {
    this.logger.debug({ peer, id, why }, 'manager: datagram dropped');
    return undefined;
  }
}
