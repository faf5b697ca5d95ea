/**
 * `popcheck server`: the reference POP3 server. The seed's flags work unchanged
 * (-u user:pass, -d maildir, -p port, -P manager port, -h, -v); every limit has a flag.
 */
import cluster from 'node:cluster';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import pino from 'pino';
import { StaticUsers } from '../auth/static-users.js';
import { DEFAULT_LIMITS, type ServerLimits } from '../server/config.js';
import { createServer, DEFAULT_POP3_PORT, type BoundAddress } from '../server/index.js';
import { MaildirStore } from '../store/maildir-store.js';
import { collect, formatAddress, parseListen, parseNonNegativeInt, parsePort, parsePositiveInt } from './options.js';
import { prepareDemo, prepareDemoUsers, type Demo } from './demo.js';
import { DEMO_ROOT_ENV, runPrimary } from './server-cluster.js';

export const DEFAULT_MANAGER_PORT = 9090;

interface ServerFlags {
  user?: Array<[string, string]>;
  maildir?: string;
  port: number;
  managerPort: number;
  listen?: Array<{ host: string | undefined; port: number }>;
  hostname?: string;
  logLevel: string;
  idleTimeout: number;
  maxCommandOctets: number;
  maxBadCommands: number;
  maxQueuedCommands: number;
  maxConnections: number;
  loginDelay: number;
  shutdownGrace: number;
  workers: number;
  transform?: string;
  transformTimeout: number;
}

export function serverCommand(): Command {
  return new Command('server')
    .description('run the reference POP3 server (no arguments: the built-in demo maildir and users)')
    .option('-u, --user <user:pass>', 'a user and password (repeatable); the seed\'s form', collect(StaticUsers.parseSpec))
    .option('-d, --maildir <dir>', 'mail root: one maildrop per user in <dir>/<user>/ (Maildir or a flat folder of files)')
    .option('-p, --port <port>', 'POP3 TCP port on all addresses, IPv6 and IPv4; 0 picks a free port', parsePort, DEFAULT_POP3_PORT)
    .option('-P, --manager-port <port>', 'management UDP port (reserved for the management plane)', parsePort, DEFAULT_MANAGER_PORT)
    .option('--listen <addr:port>', 'bind exactly this address instead of -p (repeatable), e.g. 127.0.0.1:1110 or [::1]:1110', collect(parseListen))
    .option('--hostname <name>', 'host name in the greeting and APOP timestamps (default: the system host name)')
    .addOption(new Option('--log-level <level>', 'log level (logs are JSON lines on stderr)').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
    .option('--idle-timeout <seconds>', 'autologout after this many idle seconds (RFC 1939 §3: at least 600)', parsePositiveInt, DEFAULT_LIMITS.idleTimeoutMs / 1000)
    .option('--max-command-octets <n>', 'longest command line accepted, CRLF included (RFC 2449 §4: at least 255)', parsePositiveInt, DEFAULT_LIMITS.maxCommandOctets)
    .option('--max-bad-commands <n>', 'consecutive bad commands before the session is closed', parsePositiveInt, DEFAULT_LIMITS.maxBadCommands)
    .option('--max-queued-commands <n>', 'pipelined commands held per session before reading pauses', parsePositiveInt, DEFAULT_LIMITS.maxQueuedCommands)
    .option('--max-connections <n>', 'connections served at once; more are refused with -ERR [SYS/TEMP]', parsePositiveInt, DEFAULT_LIMITS.maxConnections)
    .option('--login-delay <seconds>', 'minimum seconds between logins of a user, announced as LOGIN-DELAY (RFC 2449 §6.5); 0 = none', parseNonNegativeInt, DEFAULT_LIMITS.loginDelaySeconds)
    .option('--shutdown-grace <seconds>', 'on SIGTERM/SIGINT, how long a command in progress may take to finish', parseNonNegativeInt, DEFAULT_LIMITS.shutdownGraceMs / 1000)
    .option('--transform <command>', 'pipe every retrieved message (RETR, TOP) through this shell command, stdin to stdout; on failure the client gets -ERR [SYS/TEMP]')
    .option('--transform-timeout <seconds>', 'time limit of one transformation', parsePositiveInt, DEFAULT_LIMITS.transformTimeoutMs / 1000)
    .option('--workers <n>', 'worker processes sharing the port (node:cluster); the maildrop lock stays exclusive across them', parsePositiveInt, 1)
    .addHelpText(
      'after',
      `
Examples:
  popcheck server                                   the demo: a temporary copy of fixtures/demo on port 1110
  popcheck server -u alice:secret -d /srv/mail      serve /srv/mail/alice (Maildir or flat folder)
  popcheck server -u alice:secret -d /srv/mail -p 0 pick a free port and print it
  popcheck server -u a:b -d mail --listen 127.0.0.1:1110 --listen [::1]:1110

Exit codes: 0 after a clean stop (SIGTERM/SIGINT), 1 on a start-up failure, 2 on a usage error.`,
    )
    .action(async (flags: ServerFlags) => {
      process.exitCode = await runServer(flags);
    });
}

class UsageError extends Error {}

async function runServer(flags: ServerFlags): Promise<number> {
  let demo: Demo | undefined;
  try {
    if (!flags.maildir && flags.user?.length) throw new UsageError('-u needs -d <maildir>: where the users\' maildrops are');
    if (flags.maildir && !flags.user?.length) throw new UsageError('-d needs at least one -u user:pass');
    const inheritedDemo = cluster.isWorker ? process.env[DEMO_ROOT_ENV] : undefined;
    if (!flags.maildir && !inheritedDemo) demo = await prepareDemo();
    const root = path.resolve(flags.maildir ?? inheritedDemo ?? demo!.root);
    const demoUsers = flags.maildir ? undefined : (demo?.users ?? (await prepareDemoUsers()));
    const userList = flags.user ?? demoUsers!;
    await checkMaildrops(root, userList.map(([u]) => u));

    const limits: ServerLimits = {
      maxCommandOctets: flags.maxCommandOctets,
      idleTimeoutMs: flags.idleTimeout * 1000,
      maxBadCommands: flags.maxBadCommands,
      maxQueuedCommands: flags.maxQueuedCommands,
      maxConnections: flags.maxConnections,
      loginDelaySeconds: flags.loginDelay,
      shutdownGraceMs: flags.shutdownGrace * 1000,
      transformCommand: flags.transform ?? '',
      transformTimeoutMs: flags.transformTimeout * 1000,
      transformMaxOctets: DEFAULT_LIMITS.transformMaxOctets,
    };
    if (flags.maxCommandOctets < 255) throw new UsageError('--max-command-octets must be at least 255 (RFC 2449 §4)');
    const logger = pino({ level: flags.logLevel, base: { pid: process.pid } }, pino.destination(2));
    if (flags.idleTimeout < 600) logger.warn({ seconds: flags.idleTimeout }, 'idle timeout below the 10 minutes RFC 1939 §3 requires');
    if (flags.workers > 1 && cluster.isPrimary) {
      return await runPrimary(flags.workers, root, logger, (bound) => printBanner(bound, root, demoUsers, flags.managerPort, flags.workers));
    }
    const server = createServer({ store: new MaildirStore({ root, logger }), users: new StaticUsers(userList), limits, logger, ...(flags.hostname ? { hostname: flags.hostname } : {}) });

    const bound: BoundAddress[] = [];
    for (const l of flags.listen ?? [{ host: undefined, port: flags.port }]) bound.push(await server.listen(l));
    if (cluster.isWorker) process.send!({ type: 'listening', bound });
    else printBanner(bound, root, demoUsers, flags.managerPort, 1);
    await waitForStopSignal(logger);
    await server.close();
    // A worker's IPC channel keeps it alive: let go of it so the process can end.
    cluster.worker?.disconnect();
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`popcheck server: ${err.message}\n`);
      return 2;
    }
    const e = err as NodeJS.ErrnoException;
    const hint = e.code === 'EADDRINUSE' ? ' (port in use: pick another with -p, or -p 0 for a free one)' : e.code === 'EACCES' ? ' (ports below 1024 need privileges)' : '';
    process.stderr.write(`popcheck server: cannot start: ${e.message}${hint}\n`);
    return 1;
  } finally {
    await demo?.cleanup();
  }
}

async function checkMaildrops(root: string, users: string[]): Promise<void> {
  const missing: string[] = [];
  for (const u of users) {
    const s = await stat(path.join(root, u)).catch(() => undefined);
    if (!s?.isDirectory()) missing.push(u);
  }
  if (missing.length > 0) throw new UsageError(`no maildrop folder for ${missing.map((u) => `${u} (${path.join(root, u)})`).join(', ')}`);
}

function printBanner(bound: BoundAddress[], root: string, demoUsers: Array<[string, string]> | undefined, managerPort: number, workers: number): void {
  const lines = bound.map((b) => `popcheck POP3 server listening on ${formatAddress(b.address, b.port)}${b.address === '::' ? ' (IPv6 and IPv4)' : ''}`);
  if (workers > 1) lines.push(`${workers} worker processes`);
  lines.push(`mail root: ${root}`);
  if (demoUsers) {
    lines.push('demo users (a temporary copy of fixtures/demo; changes are discarded on exit):');
    for (const [u, p] of demoUsers) lines.push(`  ${u} / ${p}`);
    const [u, p] = demoUsers[0]!;
    lines.push(`try: curl pop3://127.0.0.1:${bound[0]!.port}/1 -u ${u}:${p}`);
  }
  lines.push(`management port ${managerPort}/udp is reserved (the management plane is not built yet)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function waitForStopSignal(logger: pino.Logger): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'stopping: no new connections, finishing commands in progress');
      process.once(signal, () => process.exit(130));
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
