/**
 * `popcheck server --workers N`: N worker processes (node:cluster) share the listening sockets, so
 * the server uses every core. Each worker is a full server; the maildrop lock is a lock file, so one
 * session per maildrop still holds across workers (and across separate servers on one mail root).
 * The primary only forks, restarts a worker that dies, and relays the stop signal.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { BoundAddress } from '../server/index.js';

/** The demo's temporary mail root, handed from the primary to its workers. */
export const DEMO_ROOT_ENV = 'POPCHECK_DEMO_ROOT';

export async function runPrimary(workers: number, root: string, logger: Logger, onListening: (bound: BoundAddress[]) => void): Promise<number> {
  // Let the kernel hand connections to the workers directly: the primary's round-robin would make
  // it the bottleneck on a 2-core machine.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  let stopping = false;
  let listening = 0;
  const fork = (): Worker => {
    const worker = cluster.fork({ [DEMO_ROOT_ENV]: root });
    worker.on('message', (msg: { type?: string; bound?: BoundAddress[] }) => {
      if (msg.type === 'listening' && ++listening === workers) onListening(msg.bound ?? []);
    });
    return worker;
  };
  for (let i = 0; i < workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.error({ worker: worker.process.pid, code, signal }, 'worker died; starting another');
    fork();
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      stopping = true;
      logger.info({ signal }, 'stopping workers');
      process.once(signal, () => process.exit(130));
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  const all = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  await Promise.all(
    all.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.isDead()) return resolve();
          w.once('exit', () => resolve());
          w.process.kill('SIGTERM');
        }),
    ),
  );
  return 0;
}
