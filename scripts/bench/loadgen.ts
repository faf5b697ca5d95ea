/**
 * The load generator: a child process of the bench (forked with an IPC channel), so its CPU time is
 * its own and never counted as the server's. It runs one job at a time, sent by the parent:
 *
 *   sessions  full sessions in a loop on `concurrency` slots: connect, USER, PASS, STAT, RETR 1,
 *             QUIT, wait for the server's close. Each slot owns a disjoint set of users, so no two
 *             sessions ever contend for one maildrop lock.
 *   retr      one session per connection (each its own user), RETR <msg> over and over.
 *   raw       reads what a raw sender writes (loopback socket ceiling for the RETR numbers).
 *   idle      logs `users` in and holds them; then, on request, probes NOOP/STAT latency on one more
 *             session; then, on request, closes them all.
 *
 * Every loop is bounded in time (the job's window) and in count. Timings are performance.now()
 * milliseconds. Results go back over IPC: counts, errors by kind, latency samples.
 */
import { Conn, rawConnect, WireError } from './pop3-wire.js';
import { Samples } from './stats.js';

export interface Window {
  /** Warm-up before the measurement, ms (load runs but is not counted). */
  readonly warmupMs: number;
  /** Measurement length, ms. */
  readonly durationMs: number;
}

export interface SessionsJob extends Window {
  readonly kind: 'sessions';
  readonly host: string;
  readonly port: number;
  readonly users: ReadonlyArray<readonly [string, string]>;
  readonly concurrency: number;
  readonly timeoutMs: number;
  /** Hard cap on sessions started by this process. */
  readonly maxSessions: number;
  /** Stop each slot after this many passes over its users (warm-up: 1). */
  readonly rounds?: number | undefined;
}

export interface RetrJob extends Window {
  readonly kind: 'retr';
  readonly host: string;
  readonly port: number;
  /** One user per connection. */
  readonly users: ReadonlyArray<readonly [string, string]>;
  readonly msg: number;
  /** A RETR answer shorter than this (status line and terminator excluded) counts as an error. */
  readonly minOctets: number;
  readonly timeoutMs: number;
  readonly maxRetrs: number;
}

export interface RawJob extends Window {
  readonly kind: 'raw';
  readonly host: string;
  readonly port: number;
  readonly connections: number;
}

export interface IdleJob {
  readonly kind: 'idle';
  readonly host: string;
  readonly port: number;
  readonly users: ReadonlyArray<readonly [string, string]>;
  readonly loginConcurrency: number;
  readonly timeoutMs: number;
  /** Bound for the whole login phase. */
  readonly loginDeadlineMs: number;
}

export type Job = SessionsJob | RetrJob | RawJob | IdleJob;

export interface JobResult {
  readonly kind: Job['kind'];
  /** Measured window, ms. */
  readonly windowMs: number;
  /** Completed operations inside the window (sessions, RETRs). */
  readonly completed: number;
  /** Octets received inside the window. */
  readonly octets: number;
  readonly errors: number;
  readonly errorKinds: Record<string, number>;
  /** Latency samples (ms) of operations completed inside the window. */
  readonly latencies: number[];
  readonly droppedSamples: number;
  readonly notes: string[];
}

export interface ProbeRequest {
  readonly type: 'probe';
  readonly user: readonly [string, string];
  readonly commands: number;
}

export interface ProbeResult {
  readonly noop: number[];
  readonly stat: number[];
  readonly errors: number;
  readonly errorKinds: Record<string, number>;
}

export type ToLoadgen = { type: 'run'; job: Job; id: number } | ProbeRequest | { type: 'release' } | { type: 'exit' };
export type FromLoadgen =
  | { type: 'ready' }
  /** `id` of the run whose window starts or ends (a late edge of an earlier run must not count). */
  | { type: 'measure-start'; id: number }
  | { type: 'measure-end'; id: number }
  | { type: 'result'; result: JobResult }
  | { type: 'held'; held: number; errors: number; errorKinds: Record<string, number>; ms: number }
  | { type: 'probe-result'; result: ProbeResult }
  | { type: 'released' }
  | { type: 'error'; message: string };

const send = (msg: FromLoadgen): void => {
  process.send?.(msg);
};

class ErrorCounter {
  total = 0;
  readonly kinds: Record<string, number> = {};
  add(err: unknown): void {
    this.total++;
    const kind = err instanceof WireError ? err.kind : 'other';
    this.kinds[kind] = (this.kinds[kind] ?? 0) + 1;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Times the window: the warm-up, then the measurement, telling the parent at both edges. */
class Clock {
  readonly start: number;
  readonly measureFrom: number;
  readonly measureTo: number;
  constructor(w: Window) {
    this.start = performance.now();
    this.measureFrom = this.start + w.warmupMs;
    this.measureTo = this.measureFrom + w.durationMs;
    const id = runId;
    setTimeout(() => send({ type: 'measure-start', id }), w.warmupMs);
    setTimeout(() => send({ type: 'measure-end', id }), w.warmupMs + w.durationMs);
  }
  inWindow(t: number): boolean {
    return t >= this.measureFrom && t < this.measureTo;
  }
  get over(): boolean {
    return performance.now() >= this.measureTo;
  }
  /** The window actually measured: shorter when a count bound ended the job early. */
  windowMs(): number {
    return Math.max(0, Math.min(this.measureTo, performance.now()) - this.measureFrom);
  }
}

async function runSessions(job: SessionsJob): Promise<JobResult> {
  const clock = new Clock(job);
  const errors = new ErrorCounter();
  const lat = new Samples(16_384);
  let completed = 0;
  let octets = 0;
  let started = 0;
  const slots = Math.min(job.concurrency, job.users.length);
  const slot = async (s: number): Promise<void> => {
    const mine = job.users.filter((_, i) => i % slots === s);
    let k = 0;
    const limit = job.rounds === undefined ? Infinity : mine.length * job.rounds;
    while (!clock.over && started < job.maxSessions && k < limit) {
      started++;
      const [user, pass] = mine[k++ % mine.length]!;
      const t0 = performance.now();
      let conn: Conn | undefined;
      let bytes = 0;
      try {
        conn = await Conn.open(job.host, job.port, job.timeoutMs);
        for (const [line, multi] of [
          [`USER ${user}\r\n`, false],
          [`PASS ${pass}\r\n`, false],
          ['STAT\r\n', false],
          ['RETR 1\r\n', true],
          ['QUIT\r\n', false],
        ] as const) {
          const r = await conn.command(line, multi);
          if (!r.ok) throw new WireError('err-reply', `-ERR to ${line.split(' ')[0]!.trim()}`);
        }
        await conn.closed();
        bytes = conn.received;
        const t1 = performance.now();
        if (clock.inWindow(t1)) {
          completed++;
          octets += bytes;
          lat.push(t1 - t0);
        }
      } catch (err) {
        conn?.destroy();
        errors.add(err); // warm-up errors count too
        await sleep(5); // no hot loop against a server that refuses
      }
    }
  };
  await Promise.all(Array.from({ length: slots }, (_, s) => slot(s)));
  return {
    kind: 'sessions',
    windowMs: clock.windowMs(),
    completed,
    octets,
    errors: errors.total,
    errorKinds: errors.kinds,
    latencies: lat.toArray(),
    droppedSamples: lat.dropped,
    notes: [],
  };
}

async function runRetr(job: RetrJob): Promise<JobResult> {
  const errors = new ErrorCounter();
  const lat = new Samples(1024);
  let completed = 0;
  let octets = 0;
  let retrs = 0;
  // Log every connection in before the clock starts.
  const conns: Conn[] = [];
  for (const [user, pass] of job.users) {
    try {
      const c = await Conn.open(job.host, job.port, job.timeoutMs);
      if (!(await c.command(`USER ${user}\r\n`)).ok || !(await c.command(`PASS ${pass}\r\n`)).ok) throw new WireError('err-reply', 'login refused');
      conns.push(c);
    } catch (err) {
      errors.add(err);
    }
  }
  const clock = new Clock(job);
  const loop = async (c: Conn): Promise<void> => {
    c.onBytes = (n) => {
      if (clock.inWindow(performance.now())) octets += n;
    };
    while (!clock.over && retrs < job.maxRetrs) {
      retrs++;
      const t0 = performance.now();
      try {
        const r = await c.command(`RETR ${job.msg}\r\n`, true);
        if (!r.ok) throw new WireError('err-reply', '-ERR to RETR');
        if (r.octets < job.minOctets) throw new WireError('short', `RETR answer of ${r.octets} octets, expected at least ${job.minOctets}`);
        const t1 = performance.now();
        if (clock.inWindow(t1)) {
          completed++;
          lat.push(t1 - t0);
        }
      } catch (err) {
        errors.add(err);
        return;
      }
    }
    c.onBytes = undefined;
    await c.command('QUIT\r\n').catch(() => undefined);
    c.destroy();
  };
  await Promise.all(conns.map(loop));
  return {
    kind: 'retr',
    windowMs: clock.windowMs(),
    completed,
    octets,
    errors: errors.total,
    errorKinds: errors.kinds,
    latencies: lat.toArray(),
    droppedSamples: lat.dropped,
    notes: conns.length < job.users.length ? [`${job.users.length - conns.length} connection(s) could not log in`] : [],
  };
}

async function runRaw(job: RawJob): Promise<JobResult> {
  const clock = new Clock(job);
  let octets = 0;
  const errors = new ErrorCounter();
  await Promise.all(
    Array.from(
      { length: job.connections },
      () =>
        new Promise<void>((resolve) => {
          const s = rawConnect(job.host, job.port);
          const stop = setTimeout(() => s.destroy(), clock.measureTo - performance.now() + 20);
          s.on('data', (chunk: Buffer) => {
            if (clock.inWindow(performance.now())) octets += chunk.length;
          });
          s.on('error', (err) => errors.add(new WireError('closed', err.message)));
          s.on('close', () => {
            clearTimeout(stop);
            resolve();
          });
        }),
    ),
  );
  return { kind: 'raw', windowMs: job.durationMs, completed: 0, octets, errors: errors.total, errorKinds: errors.kinds, latencies: [], droppedSamples: 0, notes: [] };
}

let held: Conn[] = [];

async function runIdle(job: IdleJob): Promise<void> {
  const t0 = performance.now();
  const deadline = t0 + job.loginDeadlineMs;
  const errors = new ErrorCounter();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < job.users.length && performance.now() < deadline) {
      const [user, pass] = job.users[next++]!;
      let c: Conn | undefined;
      try {
        c = await Conn.open(job.host, job.port, job.timeoutMs);
        if (!(await c.command(`USER ${user}\r\n`)).ok) throw new WireError('err-reply', '-ERR to USER');
        if (!(await c.command(`PASS ${pass}\r\n`)).ok) throw new WireError('err-reply', '-ERR to PASS');
        held.push(c);
      } catch (err) {
        c?.destroy();
        errors.add(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(job.loginConcurrency, job.users.length) }, worker));
  // Sessions that died after logging in (e.g. a server limit) are not held.
  await sleep(200);
  const alive = held.filter((c) => !c.isDead);
  send({ type: 'held', held: alive.length, errors: errors.total, errorKinds: errors.kinds, ms: performance.now() - t0 });
}

async function probe(req: ProbeRequest, host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  const errors = new ErrorCounter();
  const noop = new Samples(req.commands);
  const stat = new Samples(req.commands);
  let c: Conn | undefined;
  try {
    c = await Conn.open(host, port, timeoutMs);
    if (!(await c.command(`USER ${req.user[0]}\r\n`)).ok || !(await c.command(`PASS ${req.user[1]}\r\n`)).ok) throw new WireError('err-reply', 'probe login refused');
    for (let i = 0; i < req.commands; i++) {
      for (const [line, samples] of [
        ['NOOP\r\n', noop],
        ['STAT\r\n', stat],
      ] as const) {
        const t0 = performance.now();
        const r = await c.command(line);
        if (!r.ok) errors.add(new WireError('err-reply', `-ERR to ${line.trim()}`));
        else samples.push(performance.now() - t0);
      }
    }
    await c.command('QUIT\r\n');
  } catch (err) {
    errors.add(err);
  } finally {
    c?.destroy();
  }
  return { noop: noop.toArray(), stat: stat.toArray(), errors: errors.total, errorKinds: errors.kinds };
}

let idleJob: IdleJob | undefined;
/** Id of the run in progress, echoed in its window edges. */
let runId = 0;

process.on('message', (msg: ToLoadgen) => {
  void (async () => {
    try {
      switch (msg.type) {
        case 'run': {
          const job = msg.job;
          runId = msg.id;
          if (job.kind === 'sessions') send({ type: 'result', result: await runSessions(job) });
          else if (job.kind === 'retr') send({ type: 'result', result: await runRetr(job) });
          else if (job.kind === 'raw') send({ type: 'result', result: await runRaw(job) });
          else {
            idleJob = job;
            await runIdle(job);
          }
          return;
        }
        case 'probe':
          send({ type: 'probe-result', result: await probe(msg, idleJob!.host, idleJob!.port, idleJob!.timeoutMs) });
          return;
        case 'release':
          for (const c of held) c.destroy();
          await Promise.all(held.map((c) => c.closed()));
          held = [];
          send({ type: 'released' });
          return;
        case 'exit':
          process.exit(0);
      }
    } catch (err) {
      send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  })();
});

process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
