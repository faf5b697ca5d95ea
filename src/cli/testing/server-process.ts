/**
 * Runs `popcheck server` as a child process (through tsx, from the sources) and waits for its
 * "listening on" line: for tests that need a real process (locks across processes, restarts,
 * signals) and for scripts that drive real peers against the server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ENTRY = path.join(REPO_ROOT, 'src/cli/popcheck.ts');

export interface ServerProcess {
  proc: ChildProcess;
  port: number;
  stdout(): string;
  stderr(): string;
  /** SIGTERM and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `popcheck <args>` and resolves once it prints its listening line (or rejects on exit). */
export async function startServerProcess(args: string[], timeoutMs = 20_000): Promise<ServerProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const { port, stdout } = await waitForListening(proc, timeoutMs, 'server', () => err);
  return {
    proc,
    port,
    stdout,
    stderr: () => err,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      const exited = once(proc, 'exit');
      proc.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

/**
 * Waits for the first "listening on <addr>:<port>" line a server process prints (popcheck, the
 * bench's responders) and keeps collecting its stdout. Rejects (and kills the process) when it exits first or does not
 * listen within `timeoutMs`; `context()` adds what the caller knows (stderr, a log file).
 */
export function waitForListening(
  proc: ChildProcess,
  timeoutMs: number,
  name: string,
  context: () => string,
): Promise<{ port: number; stdout: () => string }> {
  let out = '';
  const stdout = (): string => out;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${out}\n${context()}`));
    }, timeoutMs);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on \S*:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), stdout });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening:\n${out}\n${context()}`));
    });
  });
}

/** Runs `popcheck <args>` to completion; for usage and help checks. */
export async function runPopcheck(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(proc, 'exit')) as [number | null];
  return { code, stdout, stderr };
}
