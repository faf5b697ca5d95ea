/** An engine over in-memory fakes and a fake clock, and helpers to talk to it without sockets. */
import { signRequest } from '../client.js';
import { parseReply, type ParsedReply } from '../codec.js';
import { ManagerEngine, type EngineOptions } from '../engine.js';
import { createServerSettings } from '../settings.js';
import type { MetricsSnapshot } from '../types.js';
import { FakeClock } from './fake-clock.js';
import { MemoryUsers } from './memory-users.js';
import { MemoryStore } from '../../store/memory-store.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef0123456789abcdef';
export const PEER = '127.0.0.1|40000';

export function zeroSnapshot(over: Partial<MetricsSnapshot> = {}): MetricsSnapshot {
  return {
    uptimeSeconds: 0,
    since: Date.UTC(2025, 0, 1),
    sessionsCurrent: 0,
    sessionsTotal: 0,
    bytesSent: 0,
    messagesRetrieved: 0,
    messagesDeleted: 0,
    authFailures: 0,
    logins: 0,
    commands: {},
    ...over,
  };
}

export interface EngineHarness {
  readonly engine: ManagerEngine;
  readonly clock: FakeClock;
  readonly users: MemoryUsers;
  readonly limits: { idleTimeoutMs: number; maxConnections: number };
  metrics: MetricsSnapshot;
  stops: number;
  transform: string;
  /** Signs and sends a command; the parsed reply (undefined when dropped) and the raw datagram. */
  send(command: string, opts?: { id?: string; token?: string; atMs?: number; peer?: string }): Promise<Sent>;
  /** Sends raw octets. */
  raw(datagram: Uint8Array, peer?: string): Promise<Sent>;
}

export interface Sent {
  readonly reply: ParsedReply | undefined;
  readonly datagram: Buffer | undefined;
  readonly request: Buffer;
  readonly after: (() => void) | undefined;
}

export function engineHarness(options: Partial<EngineOptions> & { userNames?: string[] } = {}): EngineHarness {
  const clock = new FakeClock();
  const users = new MemoryUsers(new MemoryStore(), (options.userNames ?? ['alice', 'bob', 'carol']).map((u) => [u, `${u}-pw`] as const));
  const limits = { idleTimeoutMs: 600_000, maxConnections: 100 };
  const h: EngineHarness = {
    clock,
    users,
    limits,
    metrics: zeroSnapshot(),
    stops: 0,
    transform: '',
    engine: undefined as unknown as ManagerEngine,
    async send(command, opts = {}) {
      const signed = signRequest(opts.token ?? TEST_TOKEN, command, opts.atMs ?? clock.now(), opts.id);
      return h.raw(signed.datagram, opts.peer);
    },
    async raw(datagram, peer = PEER) {
      const out = await h.engine.receive(datagram, peer);
      const parsed = out ? parseReply(out.reply) : undefined;
      if (parsed && !parsed.ok) throw new Error(`engine sent an unparseable reply: ${parsed.reason}`);
      return { reply: parsed?.ok ? parsed.reply : undefined, datagram: out?.reply, request: Buffer.from(datagram), after: out?.after };
    },
  };
  (h as { engine: ManagerEngine }).engine = new ManagerEngine({
    users,
    settings: createServerSettings({
      limits,
      startIdleTimeoutMs: 600_000,
      transform: {
        get: () => h.transform,
        set: (c) => {
          h.transform = c;
          return undefined;
        },
      },
    }),
    metrics: { snapshot: () => h.metrics },
    stop: () => {
      h.stops++;
    },
    token: TEST_TOKEN,
    clock: clock.now,
    ...options,
  });
  return h;
}
