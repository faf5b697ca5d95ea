/**
 * A `popcheck server` process (the compiled build, see global-setup.ts) for the reliability tests:
 * started through bash so its open-files limit can be raised (`ulimit -n`, then exec, so the pid is
 * node's), ready once it prints its "listening on" line, with its memory (/proc/<pid>/status), its
 * descriptors (/proc/<pid>/fd) and its log lines (pino JSON on stderr) at hand.
 *
 * The server writes its log asynchronously in blocks of 4 KiB (src/cli/server-command.ts) and
 * flushes the rest when it stops: a log line is only sure to have arrived after stop(). Tests
 * therefore check "it was logged" after stopping the server, and wait for other signs meanwhile.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { popcheckEntry, REPO_ROOT } from './paths.js';

export interface StartOptions {
  /** The compiled build (inject('popcheckBuild')). */
  readonly build: string;
  /** Arguments after `popcheck server`. */
  readonly args: readonly string[];
  /** Raise the open-files limit to this (the hard limit if it is lower). Default 20 000. */
  readonly openFiles?: number;
  /** Give up waiting for the listening line after this long. Default 20 s. */
  readonly timeoutMs?: number;
  /** Standard input of the process (for `--password-stdin` style commands); default ignored. */
  readonly stdin?: 'ignore' | 'pipe';
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Log text kept per process; older text is dropped (a 5,000-session run logs about 2 MB). */
const MAX_LOG_CHARS = 8 * 1024 * 1024;

export class ServerProcess {
  readonly exited: Promise<Exit>;
  private out = '';
  private err = '';
  private partial = '';
  private readonly watchers = new Set<(line: string) => void>();
  private exit: Exit | undefined;

  private constructor(
    readonly proc: ChildProcess,
    readonly port: number,
    readonly host: string,
    exited: Promise<Exit>,
    out: string,
    err: string,
  ) {
    this.exited = exited;
    this.out = out;
    this.err = err;
    void exited.then((e) => (this.exit = e));
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  static async start(options: StartOptions): Promise<ServerProcess> {
    const openFiles = options.openFiles ?? 20_000;
    // ulimit -n N fails above the hard limit: fall back to the hard limit (openFilesLimit() tells).
    const script = `ulimit -n ${openFiles} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`;
    const proc = spawn('bash', ['-c', script, process.execPath, popcheckEntry(options.build), 'server', ...options.args], {
      cwd: REPO_ROOT,
      stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<Exit>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    let out = '';
    let err = '';
    const timeoutMs = options.timeoutMs ?? 20_000;
    const onErr = (d: Buffer): void => {
      err += d.toString();
    };
    proc.stderr!.on('data', onErr);
    const found = await new Promise<{ host: string; port: number }>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`server did not start within ${timeoutMs} ms:\n${out}\n${err}`));
      }, timeoutMs);
      const onOut = (d: Buffer): void => {
        out += d.toString();
        const m = /listening on (\S+):(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          proc.stdout!.off('data', onOut);
          resolve({ host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) });
        }
      };
      proc.stdout!.on('data', onOut);
      void exited.then((e) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${e.code ?? e.signal}) before listening:\n${out}\n${err}`));
      });
    });
    proc.stderr!.off('data', onErr);
    const server = new ServerProcess(proc, found.port, found.host, exited, out, err);
    proc.stdout!.on('data', (d: Buffer) => server.addOut(d.toString()));
    proc.stderr!.on('data', (d: Buffer) => server.addErr(d.toString()));
    return server;
  }

  stdout(): string {
    return this.out;
  }

  stderr(): string {
    return this.err;
  }

  /** Parsed pino lines of stderr (non-JSON lines are skipped). */
  logs(): Array<Record<string, unknown>> {
    const lines: Array<Record<string, unknown>> = [];
    for (const line of this.err.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a line cut by the log cap
      }
    }
    return lines;
  }

  /**
   * Resolves with the first stderr line (already printed or still to come) that matches; rejects
   * after timeoutMs or when the process exits first.
   */
  waitForLog(match: RegExp, timeoutMs = 10_000): Promise<string> {
    const already = this.err.split('\n').slice(0, -1).find((l) => match.test(l));
    if (already !== undefined) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const done = (fn: () => void): void => {
        clearTimeout(timer);
        this.watchers.delete(watch);
        fn();
      };
      const watch = (line: string): void => {
        if (match.test(line)) done(() => resolve(line));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no log line matching ${match} within ${timeoutMs} ms; last lines:\n${this.err.slice(-2000)}`))), timeoutMs);
      this.watchers.add(watch);
      void this.exited.then((e) => done(() => reject(new Error(`server exited (${e.code ?? e.signal}) while waiting for ${match}`))));
    });
  }

  /**
   * Resolves once `n` stderr lines (counted from the start of the process, within the kept log)
   * match; rejects after timeoutMs or when the process exits first.
   */
  waitForLogCount(match: RegExp, n: number, timeoutMs = 10_000): Promise<void> {
    let seen = this.err.split('\n').slice(0, -1).filter((l) => match.test(l)).length;
    if (seen >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (fn: () => void): void => {
        clearTimeout(timer);
        this.watchers.delete(watch);
        fn();
      };
      const watch = (line: string): void => {
        if (match.test(line) && ++seen >= n) done(resolve);
      };
      const timer = setTimeout(() => done(() => reject(new Error(`only ${seen} of ${n} log lines matching ${match} within ${timeoutMs} ms`))), timeoutMs);
      this.watchers.add(watch);
      void this.exited.then((e) => done(() => reject(new Error(`server exited (${e.code ?? e.signal}) while waiting for ${match}`))));
    });
  }

  /**
   * Polls `done` every `stepMs` until it holds, at most `timeoutMs`. Only for server states nothing
   * announces in time (descriptors closing: the log that says so is buffered), hence bounded.
   */
  async waitUntil(done: () => boolean, what: string, timeoutMs = 20_000, stepMs = 100): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`server ${this.pid}: ${what} not reached within ${timeoutMs} ms`);
      if (!this.running) throw new Error(`server ${this.pid} exited while waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, stepMs));
    }
  }

  /** VmRSS in KiB. */
  rssKb(): number {
    return statusField(this.pid, 'VmRSS');
  }

  /** VmHWM (peak RSS since start or since resetPeak()) in KiB. */
  peakKb(): number {
    return statusField(this.pid, 'VmHWM');
  }

  /** Resets VmHWM to the current RSS (Linux: "5" into /proc/<pid>/clear_refs); false if not allowed. */
  resetPeak(): boolean {
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
      return true;
    } catch {
      return false;
    }
  }

  /** Open descriptors of the process (sockets, files). */
  fdCount(): number {
    return readdirSync(`/proc/${this.pid}/fd`).length;
  }

  /** The soft "Max open files" limit the process runs with. */
  openFilesLimit(): number {
    const line = readFileSync(`/proc/${this.pid}/limits`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    return Number(/Max open files\s+(\d+)/.exec(line ?? '')?.[1] ?? NaN);
  }

  /** Sends a signal and waits for the exit (SIGKILL after timeoutMs). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<Exit> {
    if (!this.running) return this.exited;
    this.proc.kill(signal);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL and wait for the exit. */
  kill(): Promise<Exit> {
    if (this.running) this.proc.kill('SIGKILL');
    return this.exited;
  }

  private addOut(text: string): void {
    this.out = cap(this.out + text);
  }

  private addErr(text: string): void {
    this.err = cap(this.err + text);
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) for (const w of [...this.watchers]) w(line);
  }
}

function cap(s: string): string {
  return s.length > MAX_LOG_CHARS ? s.slice(s.length - MAX_LOG_CHARS) : s;
}

function statusField(pid: number, field: string): number {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]);
}
