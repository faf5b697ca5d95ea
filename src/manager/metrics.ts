/**
 * The metrics recorder (spec §8): subscribes to the POP3 server's events, keeps the counters, and
 * persists them to the metrics file every 5 s while they change and once more on close, so they
 * survive a restart and a crash (a SIGKILL loses at most the last period). sessionsCurrent is not
 * persisted: no session outlives its process, so it is 0 after a restart.
 *
 * Subscribe it before the POP3 server listens; sessions already open would otherwise end without
 * having started, which the floor at 0 below only hides.
 */
import pino, { type Logger } from 'pino';
import type { ServerEventMap, ServerEvents } from '../server/server-events.js';
import { METRICS_SAVE_INTERVAL_MS } from './limits.js';
import { emptyCounters, loadCounters, saveCounters, type PersistedCounters } from './metrics-file.js';
import { realScheduler, type Scheduler } from './scheduler.js';
import type { MetricsSnapshot, MetricsSource } from './types.js';
import { VerbKeys } from './verbs.js';

export interface MetricsRecorderOptions {
  readonly events: ServerEvents;
  /** The snapshot file; omitted: counters live in memory only. */
  readonly file?: string;
  /** Wall clock, ms since the epoch. Default Date.now. */
  readonly clock?: () => number;
  readonly scheduler?: Scheduler;
  readonly saveIntervalMs?: number;
  readonly logger?: Logger;
}

type Listeners = { [K in keyof ServerEventMap]: (...args: ServerEventMap[K]) => void };

export class MetricsRecorder implements MetricsSource {
  private sessionsCurrent = 0;
  private dirty = false;
  private inflight: Promise<void> | undefined;
  private cancelTimer: (() => void) | undefined;
  private closed = false;
  private readonly verbs = new VerbKeys();
  private readonly startedAt: number;
  private readonly listeners: Listeners;

  private constructor(
    private readonly options: MetricsRecorderOptions,
    private readonly counters: PersistedCounters,
    private readonly clock: () => number,
    private readonly logger: Logger,
  ) {
    this.startedAt = clock();
    this.verbs.seed(Object.keys(counters.commands));
    const c = counters;
    const bump = (): void => {
      this.dirty = true;
    };
    this.listeners = {
      'session-start': () => {
        this.sessionsCurrent++;
        c.sessionsTotal++;
        bump();
      },
      'session-end': () => {
        this.sessionsCurrent = Math.max(0, this.sessionsCurrent - 1);
      },
      command: (e) => {
        const k = this.verbs.key(e.verb);
        c.commands[k] = (c.commands[k] ?? 0) + 1;
        bump();
      },
      'auth-failure': () => {
        c.authFailures++;
        bump();
      },
      login: () => {
        c.logins++;
        bump();
      },
      retrieved: () => {
        c.messagesRetrieved++;
        bump();
      },
      expunged: (e) => {
        c.messagesDeleted += Math.max(0, e.count - e.failed);
        bump();
      },
      'bytes-sent': (n) => {
        c.bytesSent += n;
        bump();
      },
    };
  }

  /** Restores the counters from the file (if any), subscribes, and starts the periodic save. */
  static async open(options: MetricsRecorderOptions): Promise<MetricsRecorder> {
    const clock = options.clock ?? Date.now;
    const logger = options.logger ?? pino({ level: 'silent' });
    let counters = emptyCounters(clock());
    if (options.file) {
      const loaded = await loadCounters(options.file);
      if (loaded.kind === 'restored') {
        counters = loaded.counters;
        logger.info({ file: options.file, sessionsTotal: counters.sessionsTotal }, 'metrics restored');
      } else if (loaded.kind === 'corrupt') {
        logger.warn({ file: options.file, problem: loaded.problem, movedTo: loaded.movedTo }, 'metrics file unreadable; counters start from 0');
      }
    }
    const recorder = new MetricsRecorder(options, counters, clock, logger);
    recorder.attach();
    return recorder;
  }

  snapshot(): MetricsSnapshot {
    const c = this.counters;
    return {
      uptimeSeconds: Math.max(0, Math.floor((this.clock() - this.startedAt) / 1000)),
      since: c.since,
      sessionsCurrent: this.sessionsCurrent,
      sessionsTotal: c.sessionsTotal,
      bytesSent: c.bytesSent,
      messagesRetrieved: c.messagesRetrieved,
      messagesDeleted: c.messagesDeleted,
      authFailures: c.authFailures,
      logins: c.logins,
      commands: { ...c.commands },
    };
  }

  /** Saves now if anything changed since the last save; one save at a time. */
  save(): Promise<void> {
    if (!this.options.file) return Promise.resolve();
    const run = (this.inflight ?? Promise.resolve()).then(() => this.write());
    const tracked: Promise<void> = run
      .catch(() => undefined)
      .then(() => {
        if (this.inflight === tracked) this.inflight = undefined;
      });
    this.inflight = tracked;
    return run;
  }

  /** Resolves when the save in progress (if any) is done; for tests of the periodic save. */
  async settled(): Promise<void> {
    while (this.inflight) await this.inflight;
  }

  /** Unsubscribes, stops the timer and saves a last time. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cancelTimer?.();
    for (const [name, fn] of Object.entries(this.listeners)) this.options.events.off(name as keyof ServerEventMap, fn as never);
    await this.save();
  }

  private attach(): void {
    for (const [name, fn] of Object.entries(this.listeners)) this.options.events.on(name as keyof ServerEventMap, fn as never);
    if (!this.options.file) return;
    const scheduler = this.options.scheduler ?? realScheduler;
    this.cancelTimer = scheduler.every(this.options.saveIntervalMs ?? METRICS_SAVE_INTERVAL_MS, () => {
      if (!this.dirty || this.inflight) return;
      this.save().catch((e: unknown) => this.logger.error({ err: e, file: this.options.file }, 'metrics not saved'));
    });
  }

  private async write(): Promise<void> {
    if (!this.dirty || !this.options.file) return;
    // Cleared before the write: counts arriving during it mark the state dirty again.
    this.dirty = false;
    const copy: PersistedCounters = { ...this.counters, commands: { ...this.counters.commands } };
    try {
      await saveCounters(this.options.file, copy, this.clock());
    } catch (e) {
      this.dirty = true;
      throw e;
    }
  }
}
