/**
 * Runs a real POP3 client as a child process: no shell, a bounded run time, output captured.
 * A missing client is a failure that names the install command (the interop tests never skip).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export const INSTALL_HINT = 'sudo bash scripts/interop/install.sh';

export interface ClientRun {
  readonly command: string;
  readonly args: readonly string[];
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** The absolute path of `command` on PATH (or as given when absolute); throws with the install hint. */
export function requireClient(command: string): string {
  const candidates = command.includes('/')
    ? [command]
    : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this PATH entry
    }
  }
  throw new Error(`${command} is not installed; install the interop clients with: ${INSTALL_HINT}`);
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the client (SIGKILL) when it runs longer; a hung client must not hang the test run. */
  timeoutMs?: number;
}

export async function runClient(command: string, args: readonly string[], options: RunOptions = {}): Promise<ClientRun> {
  const file = requireClient(command);
  const child = spawn(file, [...args], { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c: number | null, s: NodeJS.Signals | null) => resolve([c, s]));
  }).finally(() => clearTimeout(timer));
  if (timedOut) throw new Error(`${command} ${args.join(' ')} ran longer than ${timeoutMs} ms and was killed\n${err}`);
  return { command, args, code, signal, stdout: Buffer.concat(out), stderr: err };
}

/** Fails with the client's output when it did not exit with one of `codes`. */
export function expectExit(run: ClientRun, ...codes: number[]): void {
  if (run.code !== null && codes.includes(run.code)) return;
  throw new Error(
    `${run.command} ${run.args.join(' ')} exited with ${run.code ?? run.signal}, expected ${codes.join(' or ')}\n` +
      `stdout:\n${run.stdout.toString('latin1')}\nstderr:\n${run.stderr}`,
  );
}
