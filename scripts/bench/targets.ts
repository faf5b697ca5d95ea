/**
 * The servers the bench drives, each a separate process tree whose root pid is sampled:
 *   - popcheck: `popcheck server` from the sources (node --import tsx), like the CLI runs it;
 *   - the calibration responders (responder.ts --pop3 / --raw);
 *   - Dovecot, installed and configured by scripts/peers/dovecot.sh, then restarted by us with a
 *     bench configuration that includes the script's file and overrides the service settings:
 *       default: Dovecot's stock process model (a login process and a pop3 process per session),
 *                with only the process and client limits raised so 1,000 sessions fit;
 *       high-performance: login processes reused (service_count = 0, process_min_avail = cores),
 *                pop3 processes reused and shared (service_count = 0, client_limit > 1).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync, promises as fs, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, waitForListening } from '../../src/cli/testing/server-process.js';
import type { User } from './fixtures.js';

const run = promisify(execFile);
const POPCHECK = path.join(REPO_ROOT, 'src/cli/popcheck.ts');
const RESPONDER = path.join(REPO_ROOT, 'scripts/bench/responder.ts');
export const DOVECOT_SH = path.join(REPO_ROOT, 'scripts/peers/dovecot.sh');

export interface Target {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Root of the process tree to sample. */
  readonly pid: number;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Spawns a node program that prints "listening on HOST:PORT"; stderr goes to `logFile`. */
async function spawnListening(
  name: string,
  nodeArgs: string[],
  logFile: string,
  timeoutMs = 60_000,
): Promise<{ proc: ChildProcess; port: number }> {
  const errFd = openSync(logFile, 'a');
  const proc = spawn(process.execPath, nodeArgs, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', errFd] });
  closeSync(errFd);
  const { port } = await waitForListening(proc, timeoutMs, name, () => `(log: ${logFile})\n${tail(logFile)}`);
  return { proc, port };
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

async function stopChild(proc: ChildProcess, graceMs = 15_000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = once(proc, 'exit');
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface PopcheckOptions {
  readonly mailRoot: string;
  readonly users: readonly User[];
  readonly workers: number;
  readonly logFile: string;
  /** Node's --cpu-prof into this folder (written when the server exits). */
  readonly cpuProfDir?: string | undefined;
  readonly name?: string;
  /** Another copy of src/cli/popcheck.ts (a patched scratch copy, to measure a change). */
  readonly entry?: string | undefined;
}

const helpCache = new Map<string, string>();

/** `popcheck server --help` of this entry, to pass only the flags it has. */
async function serverHelp(entry: string): Promise<string> {
  let text = helpCache.get(entry);
  if (text === undefined) {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', entry, 'server', '--help'], { cwd: REPO_ROOT, timeout: 60_000 });
    text = stdout;
    helpCache.set(entry, text);
  }
  return text;
}

export async function startPopcheck(o: PopcheckOptions): Promise<Target> {
  const entry = o.entry ?? POPCHECK;
  const args = ['server', '-d', o.mailRoot, '--listen', '127.0.0.1:0', '--workers', String(o.workers)];
  // Every bench client comes from 127.0.0.1: lift the per-address limit above the load, where there is one.
  if ((await serverHelp(entry)).includes('--max-connections-per-address')) args.push('--max-connections-per-address', String(Math.max(2000, o.users.length + 1000)));
  for (const [u, p] of o.users) args.push('-u', `${u}:${p}`);
  const nodeArgs = [...(o.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir] : []), '--import', 'tsx', entry, ...args];
  const name = o.name ?? (o.workers > 1 ? `popcheck (${o.workers} workers)` : 'popcheck');
  const { proc, port } = await spawnListening(name, nodeArgs, o.logFile);
  return { name, host: '127.0.0.1', port, pid: proc.pid!, stop: () => stopChild(proc) };
}

export async function startResponder(mode: 'pop3' | 'raw', msgs: ReadonlyArray<readonly [string, string]>, logFile: string): Promise<Target> {
  const args = ['--import', 'tsx', RESPONDER, `--${mode}`, '--host', '127.0.0.1', '--max-seconds', '7200'];
  for (const [prefix, file] of msgs) args.push('--msg', `${prefix}=${file}`);
  const name = mode === 'raw' ? 'raw loopback socket' : 'memory responder';
  const { proc, port } = await spawnListening(name, args, logFile);
  return { name, host: '127.0.0.1', port, pid: proc.pid!, stop: () => stopChild(proc) };
}

// --- Dovecot ---------------------------------------------------------------------------------

export type DovecotVariant = 'default' | 'hp';

export async function dovecotVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await run('dovecot', ['--version']);
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/** Why Dovecot cannot be benchmarked here, or undefined when it can. */
export async function dovecotUnavailable(): Promise<string | undefined> {
  if (!existsSync(DOVECOT_SH)) return 'scripts/peers/dovecot.sh is not there yet';
  if (process.getuid?.() !== 0) return 'Dovecot needs root (dovecot.sh installs and runs it)';
  if (os.platform() !== 'linux') return 'Dovecot bench needs Linux';
  return undefined;
}

export class DovecotPeer {
  readonly mailRoot: string;
  private readonly conf: string;

  constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    this.mailRoot = path.join(dir, 'mail');
    this.conf = path.join(dir, 'dovecot.conf');
  }

  /**
   * dovecot.sh start (installs Dovecot when missing, creates the mail user, writes its config),
   * then stop: we start it again with the bench configuration once the mail is in place.
   */
  async prepare(logFile: string): Promise<void> {
    await runScript([DOVECOT_SH, 'start', this.dir, String(this.port)], logFile, 600_000);
    await runScript([DOVECOT_SH, 'stop', this.dir], logFile, 60_000);
  }

  /** Users file (passwd-file, PLAIN) and ownership of the mail for the mail user. */
  async install(users: readonly User[]): Promise<void> {
    await fs.writeFile(path.join(this.dir, 'users'), users.map(([u, p]) => `${u}:{PLAIN}${p}\n`).join(''), { mode: 0o644 });
    const homes = path.join(this.dir, 'home');
    await fs.mkdir(homes, { recursive: true });
    await run('chown', ['-R', 'popcheck-mail:popcheck-mail', this.mailRoot, homes], { timeout: 300_000 });
  }

  private variantConf(variant: DovecotVariant, limit: number): string {
    const common = [
      `!include ${this.conf}`,
      '# Written by scripts/bench: the bench needs more processes and clients than the stock limits.',
      `default_process_limit = ${limit}`,
      `default_client_limit = ${limit * 4}`,
      'default_vsz_limit = 1G',
      'mail_max_userip_connections = 1000',
    ];
    const cores = os.cpus().length;
    const hp =
      variant === 'hp'
        ? [
            'service pop3-login {',
            '  service_count = 0',
            `  process_min_avail = ${cores}`,
            `  client_limit = ${limit * 4}`,
            '}',
            'service pop3 {',
            '  service_count = 0',
            '  client_limit = 50',
            `  process_min_avail = ${cores}`,
            '}',
          ]
        : [];
    return [...common, ...hp, ''].join('\n');
  }

  /** Starts one configuration; resolves once it answers POP3. */
  async start(variant: DovecotVariant, limit: number): Promise<Target> {
    const conf = path.join(this.dir, `bench-${variant}.conf`);
    await fs.writeFile(conf, this.variantConf(variant, limit));
    await runCommand('dovecot', ['-c', conf], path.join(this.dir, 'log', 'bench-start.log'), 30_000);
    const pidFile = path.join(this.dir, 'run', 'master.pid');
    let pid = 0;
    for (let i = 0; i < 100 && pid === 0; i++) {
      pid = Number((await fs.readFile(pidFile, 'utf8').catch(() => '0')).trim()) || 0;
      if (pid === 0) await sleep(100);
    }
    if (pid === 0) throw new Error(`Dovecot wrote no ${pidFile}`);
    await waitForGreeting('127.0.0.1', this.port, 15_000);
    const name = variant === 'hp' ? 'Dovecot high-perf' : 'Dovecot default';
    return {
      name,
      host: '127.0.0.1',
      port: this.port,
      pid,
      stop: async () => {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          return;
        }
        for (let i = 0; i < 150; i++) {
          try {
            process.kill(pid, 0);
          } catch {
            return;
          }
          await sleep(100);
        }
        throw new Error(`Dovecot master ${pid} did not stop within 15 s`);
      },
    };
  }

  logTail(): string {
    return tail(path.join(this.dir, 'log', 'dovecot.log'));
  }
}

/**
 * Runs a bash script with its output appended to `logFile`, resolving on its exit (not on the close
 * of its output: the Dovecot daemon it starts inherits the descriptors and keeps them open).
 */
async function runScript(args: string[], logFile: string, timeoutMs: number): Promise<void> {
  await runCommand('bash', args, logFile, timeoutMs);
}

async function runCommand(cmd: string, args: string[], logFile: string, timeoutMs: number): Promise<void> {
  const fd = openSync(logFile, 'a');
  const proc = spawn(cmd, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  const [code, signal] = (await once(proc, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${code ?? signal}); see ${logFile}:\n${tail(logFile)}`);
}

/** Bounded wait for a "+OK" greeting. */
export async function waitForGreeting(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port });
      const t = setTimeout(() => {
        s.destroy();
        resolve(false);
      }, 1000);
      s.once('data', (d: Buffer) => {
        clearTimeout(t);
        s.destroy();
        resolve(d.toString('latin1').startsWith('+OK'));
      });
      s.once('error', () => {
        clearTimeout(t);
        resolve(false);
      });
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`no POP3 greeting on ${host}:${port} within ${timeoutMs} ms`);
}
