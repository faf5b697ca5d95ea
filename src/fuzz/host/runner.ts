/**
 * The host fuzzer's loop: pick a case (weighted, from the run's seed), run it with its own seed,
 * check the server's health, record a failure with its replay; until the time is up. Cases run one
 * after another, so a failure is never blamed on a neighbour.
 */
import { ClientError } from '../../client/pop3-client.js';
import { CASES, caseNamed, type CaseContext, type FuzzCase } from './cases.js';
import { FuzzConnection, type ReplayAction, type Target } from './connection.js';
import { checkHealth, type Credentials } from './health.js';
import { caseSeed, Rng } from './rng.js';

export interface HostFuzzOptions extends Target {
  readonly creds: Credentials | undefined;
  readonly seconds: number;
  readonly seed: number;
  readonly destructive: boolean;
  /** Only these cases (names from CASES). */
  readonly only?: readonly string[];
  /** Run exactly this case with this seed, once (the replay of a reported failure). */
  readonly replay?: { readonly name: string; readonly seed: number };
  /** Stop after this many cases (tests); default: only the clock stops the run. */
  readonly maxCases?: number;
  /** Bundled server only: resolves when every session has ended (no polling for locks). */
  readonly awaitIdle?: () => Promise<void>;
  /** Stops the run early (Ctrl-C): the case in progress finishes, then the summary. */
  readonly signal?: AbortSignal;
}

export interface CaseFailure {
  readonly index: number;
  readonly name: string;
  readonly seed: number;
  readonly problems: readonly string[];
  /** Per connection of the case, what was done, in order. */
  readonly replay: ReadonlyArray<{ readonly connection: number; readonly actions: readonly ReplayAction[] }>;
}

export interface HostFuzzProgress {
  readonly cases: number;
  readonly failures: number;
  readonly octetsSent: number;
  readonly elapsedMs: number;
}

export interface HostFuzzResult extends HostFuzzProgress {
  readonly seed: number;
  readonly failureList: readonly CaseFailure[];
  readonly perCase: Readonly<Record<string, { runs: number; failures: number }>>;
  readonly responseLines: number;
  /** Why the run ended early (the target went down), if it did. */
  readonly stoppedBecause: string | undefined;
}

/** The cases this run may use: account and --destructive decide, then --only. */
export function enabledCases(options: Pick<HostFuzzOptions, 'creds' | 'destructive' | 'only'>): FuzzCase[] {
  return CASES.filter((c) => (!c.needsLogin || options.creds) && (!c.destructive || options.destructive) && (!options.only || options.only.includes(c.name)));
}

/** Before the run: the target must greet (and let the account log in). Returns the reason it is unusable. */
export async function preflight(options: HostFuzzOptions): Promise<string | undefined> {
  let c: FuzzConnection;
  try {
    c = await FuzzConnection.open(options);
  } catch (err) {
    if (err instanceof ClientError) return `cannot reach ${options.host}:${options.port}: ${err.message}`;
    throw err;
  }
  try {
    if (c.problems.length) return `the greeting is not usable: ${c.problems.join('; ')}`;
    if (options.creds && !(await c.login(options.creds.user, options.creds.pass))) return `cannot log in as ${options.creds.user}: ${c.problems.join('; ')}`;
    await c.quitAndDrain();
    return undefined;
  } finally {
    c.destroy();
  }
}

export class HostFuzzer {
  private readonly stats: Record<string, { runs: number; failures: number }> = {};
  private readonly failures: CaseFailure[] = [];
  private cases = 0;
  private octets = 0;
  private lines = 0;
  private readonly started = Date.now();

  constructor(readonly options: HostFuzzOptions) {}

  progress(): HostFuzzProgress {
    return { cases: this.cases, failures: this.failures.length, octetsSent: this.octets, elapsedMs: Date.now() - this.started };
  }

  async run(): Promise<HostFuzzResult> {
    const o = this.options;
    const pool = o.replay ? [caseNamed(o.replay.name)].filter((c): c is FuzzCase => c !== undefined) : enabledCases(o);
    if (pool.length === 0) throw new Error(o.replay ? `no case named ${o.replay.name}` : 'no case is enabled');
    const picker = new Rng(o.seed);
    const total = pool.reduce((sum, c) => sum + c.weight, 0);
    const deadline = this.started + o.seconds * 1000;
    let stoppedBecause: string | undefined;
    for (let index = 0; ; index++) {
      if (o.replay ? index >= 1 : Date.now() >= deadline || (o.maxCases !== undefined && index >= o.maxCases)) break;
      if (o.signal?.aborted) break;
      const c = o.replay ? pool[0]! : pickWeighted(pool, picker.int(1, total));
      const seed = o.replay ? o.replay.seed : caseSeed(o.seed, index);
      const down = await this.runCase(index, c, seed);
      if (down) {
        stoppedBecause = `the target stopped accepting connections after case ${index} (${c.name}, seed ${seed})`;
        break;
      }
    }
    return { ...this.progress(), seed: o.seed, failureList: this.failures, perCase: this.stats, responseLines: this.lines, stoppedBecause };
  }

  /** Runs one case and the health check after it; true when the target is down. */
  private async runCase(index: number, c: FuzzCase, seed: number): Promise<boolean> {
    const o = this.options;
    const conns: FuzzConnection[] = [];
    const ctx: CaseContext = {
      creds: o.creds,
      destructive: o.destructive,
      awaitIdle: o.awaitIdle,
      open: async () => {
        const conn = await FuzzConnection.open(o);
        conns.push(conn);
        return conn;
      },
    };
    const problems: string[] = [];
    try {
      await c.run(ctx, new Rng(seed));
    } catch (err) {
      if (!(err instanceof ClientError)) throw err;
      problems.push(`${err.kind === 'connect' ? 'connecting' : 'during the case'}: ${err.message}`);
    } finally {
      for (const conn of conns) conn.client.destroy();
    }
    const health = await checkHealth(o, o.creds, o.awaitIdle);
    for (const conn of conns) {
      problems.push(...conn.problems.map((p) => (conns.length > 1 ? `connection ${conns.indexOf(conn) + 1}: ${p}` : p)));
      this.octets += conn.sent;
      this.lines += conn.responseLines;
    }
    problems.push(...health.problems);
    const stat = (this.stats[c.name] ??= { runs: 0, failures: 0 });
    stat.runs++;
    this.cases++;
    if (problems.length > 0) {
      stat.failures++;
      this.failures.push({ index, name: c.name, seed, problems, replay: conns.map((conn, k) => ({ connection: k + 1, actions: conn.actions })) });
    }
    return health.down;
  }
}

function pickWeighted(pool: readonly FuzzCase[], ticket: number): FuzzCase {
  let left = ticket;
  for (const c of pool) {
    left -= c.weight;
    if (left <= 0) return c;
  }
  return pool[pool.length - 1]!;
}

export function runHostFuzz(options: HostFuzzOptions): Promise<HostFuzzResult> {
  return new HostFuzzer(options).run();
}
