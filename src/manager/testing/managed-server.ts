/**
 * A POP3 server on a MemoryStore with its manager and metrics recorder, all on loopback with free
 * ports: what the server start-up will wire, in small, for the tests and for running the manager
 * features by hand (run-standalone.ts).
 */
import pino, { type Logger } from 'pino';
import { createServer, type Pop3Server } from '../../server/index.js';
import { MemoryStore } from '../../store/memory-store.js';
import { createManagerServer, type ManagerServer } from '../manager-server.js';
import { MetricsRecorder } from '../metrics.js';
import type { Scheduler } from '../scheduler.js';
import { createServerSettings, type TransformHook } from '../settings.js';
import { generateToken } from '../token.js';
import { MemoryUsers } from './memory-users.js';

export interface ManagedServerOptions {
  readonly users?: ReadonlyArray<readonly [string, string]>;
  readonly token?: string;
  readonly clock?: () => number;
  readonly metricsFile?: string;
  readonly scheduler?: Scheduler;
  readonly idleTimeoutMs?: number;
  readonly replayCacheEntries?: number;
  readonly logger?: Logger;
  /** Called by STOP after the POP3 server closed. */
  readonly onStopped?: () => void;
}

export interface ManagedServer {
  readonly pop3: Pop3Server;
  readonly pop3Port: number;
  readonly manager: ManagerServer;
  readonly managerPort: number;
  readonly token: string;
  readonly store: MemoryStore;
  readonly users: MemoryUsers;
  readonly recorder: MetricsRecorder;
  readonly transform: { command: string };
  /** Resolves when STOP (or close) has stopped everything. */
  readonly stopped: Promise<void>;
  close(): Promise<void>;
}

export async function startManagedServer(options: ManagedServerOptions = {}): Promise<ManagedServer> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const store = new MemoryStore();
  const users = new MemoryUsers(store, options.users ?? [['alice', 'wonderland']]);
  // No auth penalty: scenarios that check failed logins run in parallel from one address, as with
  // the conformance runner's bundled server.
  const pop3 = createServer({ store, users, logger, authPenalty: false, ...(options.idleTimeoutMs ? { limits: { idleTimeoutMs: options.idleTimeoutMs } } : {}) });
  const recorder = await MetricsRecorder.open({
    events: pop3.events,
    ...(options.metricsFile ? { file: options.metricsFile } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    logger,
  });
  const { port: pop3Port } = await pop3.listen({ host: '127.0.0.1', port: 0 });
  const transform = { command: '' };
  const transformHook: TransformHook = {
    get: () => transform.command,
    set: (command) => {
      if (command.includes('\u0000')) return 'bad command';
      transform.command = command;
      return undefined;
    },
  };
  const token = options.token ?? generateToken();
  let closing: Promise<void> | undefined;
  let markStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await manager.close();
      await pop3.close();
      await recorder.close();
      markStopped();
      options.onStopped?.();
    })());
  const manager = createManagerServer({
    users,
    settings: createServerSettings({ limits: pop3.limits, startIdleTimeoutMs: pop3.limits.idleTimeoutMs, transform: transformHook }),
    metrics: recorder,
    stop: () => void close(),
    token,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.replayCacheEntries ? { replayCacheEntries: options.replayCacheEntries } : {}),
  });
  const { port: managerPort } = await manager.listen({ host: '127.0.0.1', port: 0 });
  return { pop3, pop3Port, manager, managerPort, token, store, users, recorder, transform, stopped, close };
}
