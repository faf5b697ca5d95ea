/**
 * `popcheck server`: the reference POP3 server. The seed's flags work unchanged
 * (-u user:pass, -d maildir, -p port, -P manager port, -h, -v); every limit has a flag.
 */
import cluster from 'node:cluster';
import path from 'node:path';
import { Command, Option } from 'commander';
import pino from 'pino';
import { DEFAULT_AUTH_PENALTY, AuthPenalty } from '../auth/auth-penalty.js';
import { StaticUsers } from '../auth/static-users.js';
import { DEFAULT_LIMITS } from '../server/config.js';
import { createServer, DEFAULT_POP3_PORT, type BoundAddress, type Pop3Server } from '../server/index.js';
import { DEFAULT_STORE_IO, MaildirStore } from '../store/maildir-store.js';
import { collect, formatAddress, parseListen, parseNonNegativeInt, parsePort, parsePositiveInt } from './options.js';
import { runPrimary } from './server-cluster.js';
import { buildServerSetup, UsageError, type ServerFlags, type ServerSetup } from './server-setup.js';
import { userAdminFor } from './user-admin.js';
import { defaultTokenPath, startManagementPlane, type ManagementPlane } from '../manager/index.js';

export const DEFAULT_MANAGER_PORT = 9090;

export function serverCommand(): Command {
  return new Command('server')
    .description('run the reference POP3 server (no arguments: the built-in demo maildir and users)')
    .option('-u, --user <user:pass>', "a user and password (repeatable); the seed's form", collect(StaticUsers.parseSpec))
    .option('--apop-user <user:secret>', 'an APOP user (repeatable): logs in with APOP or CRAM-MD5 and this shared secret, never with USER/PASS (RFC 1939 §13)', collect(StaticUsers.parseSpec))
    .option('--users <file>', 'a users file with hashed passwords (see docs/users-file.md; `popcheck passwd` writes it)')
    .option('-d, --maildir <dir>', 'mail root: one maildrop per user in <dir>/<user>/ (Maildir or a flat folder of files)')
    .option('-p, --port <port>', 'POP3 TCP port on all addresses, IPv6 and IPv4; 0 picks a free port', parsePort, DEFAULT_POP3_PORT)
    .option('-P, --manager-port <port>', `management UDP port on 127.0.0.1 (default ${DEFAULT_MANAGER_PORT}; 0 with -p 0); see docs/manager-protocol.txt`, parsePort)
    .option('--manager-listen <addr:port>', 'bind the manager exactly here instead of 127.0.0.1 and -P (a warning is logged for non-loopback addresses)', parseListen)
    .option('--no-manager', 'no management plane')
    .option('--manager-token-file <file>', 'the manager\'s secret token, created (mode 0600) on first start', defaultTokenPath())
    .option('--metrics-file <file>', 'where the counters are saved every few seconds and on stop, so they survive restarts and crashes (default <maildir>/.popcheck-metrics.json)')
    .option('--metrics-listen <addr:port>', 'serve Prometheus metrics at http://addr:port/metrics (e.g. 127.0.0.1:9464)', parseListen)
    .option('--listen <addr:port>', 'bind exactly this address instead of -p (repeatable), e.g. 127.0.0.1:1110 or [::1]:1110', collect(parseListen))
    .option('--tls-cert <file>', 'PEM certificate (chain) for STLS and implicit TLS (RFC 2595, RFC 8314)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--tls-port <port>', 'implicit-TLS port on all addresses (default 995; 1995 in the demo)', parsePort)
    .option('--tls-listen <addr:port>', 'bind implicit TLS exactly here instead of --tls-port (repeatable)', collect(parseListen))
    .option('--allow-plaintext', 'accept USER/PASS, PLAIN and LOGIN on unencrypted connections from any address (default: only over TLS or from loopback)')
    .option('--auth-delay <ms>', 'auth penalty: delay after a failed login from an address, doubling per failure up to 15 s; 0 = none', parseNonNegativeInt, DEFAULT_AUTH_PENALTY.baseDelayMs)
    .option('--auth-max-failures <n>', 'failed logins from one address within 15 minutes before it is refused for 15 minutes; 0 = no limit', parseNonNegativeInt, DEFAULT_AUTH_PENALTY.maxFailures)
    .option('--hostname <name>', 'host name in the greeting and APOP timestamps (default: the system host name)')
    .addOption(new Option('--log-level <level>', 'log level (logs are JSON lines on stderr)').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
    .option('--idle-timeout <seconds>', 'autologout after this many idle seconds (RFC 1939 §3: at least 600)', parsePositiveInt, DEFAULT_LIMITS.idleTimeoutMs / 1000)
    .option('--max-command-octets <n>', 'longest command line accepted, CRLF included (RFC 2449 §4: at least 255)', parsePositiveInt, DEFAULT_LIMITS.maxCommandOctets)
    .option('--max-bad-commands <n>', 'consecutive bad commands before the session is closed', parsePositiveInt, DEFAULT_LIMITS.maxBadCommands)
    .option('--max-queued-commands <n>', 'pipelined commands held per session before reading pauses', parsePositiveInt, DEFAULT_LIMITS.maxQueuedCommands)
    .option('--max-connections <n>', 'connections served at once; more are refused with -ERR [SYS/TEMP]', parsePositiveInt, DEFAULT_LIMITS.maxConnections)
    .option('--max-connections-per-address <n>', 'connections from one client address (IPv6 by /64); more are refused with -ERR [SYS/TEMP]', parsePositiveInt, DEFAULT_LIMITS.maxConnectionsPerAddress)
    .option('--max-sessions-per-user <n>', 'sessions naming one user (USER, APOP, AUTH) at once; more are refused with -ERR [SYS/TEMP]', parsePositiveInt, DEFAULT_LIMITS.maxSessionsPerUser)
    .option('--login-delay <seconds>', 'minimum seconds between logins of a user, announced as LOGIN-DELAY (RFC 2449 §6.5); 0 = none', parseNonNegativeInt, DEFAULT_LIMITS.loginDelaySeconds)
    .option('--shutdown-grace <seconds>', 'on SIGTERM/SIGINT, how long a command in progress may take to finish', parseNonNegativeInt, DEFAULT_LIMITS.shutdownGraceMs / 1000)
    .option('--transform <command>', 'pipe every retrieved message (RETR, TOP) through this shell command, stdin to stdout; on failure the client gets -ERR [SYS/TEMP]')
    .option('--transform-timeout <seconds>', 'time limit of one transformation', parsePositiveInt, DEFAULT_LIMITS.transformTimeoutMs / 1000)
    .addOption(
      new Option('--store-io <mode>', "how a login reads the maildrop's metadata (lock, listing, state file): sync costs about half the CPU per login but the server waits while the file system answers; use async on slow or network file systems (NFS)")
        .choices(['sync', 'async'])
        .default(DEFAULT_STORE_IO),
    )
    .option('--workers <n>', 'worker processes sharing the port (node:cluster); the maildrop lock stays exclusive across them', parsePositiveInt, 1)
    .addHelpText(
      'after',
      `
Examples:
  popcheck server                                   the demo: a temporary copy of fixtures/demo on port 1110,
                                                    STLS and implicit TLS (port 1995) with a self-signed certificate
  popcheck server -u alice:secret -d /srv/mail      serve /srv/mail/alice (Maildir or flat folder)
  popcheck server -u alice:secret -d /srv/mail -p 0 pick a free port and print it
  popcheck server --users users.txt -d /srv/mail --tls-cert c.pem --tls-key k.pem
  popcheck server -u a:b -d mail --listen 127.0.0.1:1110 --listen [::1]:1110

Exit codes: 0 after a clean stop (SIGTERM/SIGINT), 1 on a start-up failure or when the final metrics
snapshot could not be saved at stop (the previous one stays intact), 2 on a usage error.`,
    )
    .action(async (flags: ServerFlags) => {
      process.exitCode = await runServer(flags);
    });
}

async function runServer(flags: ServerFlags): Promise<number> {
  // Asynchronous log writes (bench profile: 2-3 synchronous writes per session cost up to 0.1 ms);
  // flushed on stop, and pino flushes what is buffered if the process dies of an exception.
  const destination = pino.destination({ dest: 2, sync: false, minLength: 4096 });
  const logger = pino({ level: flags.logLevel, base: { pid: process.pid } }, destination);
  let setup: ServerSetup | undefined;
  let plane: ManagementPlane | undefined;
  try {
    setup = await buildServerSetup(flags, logger);
    const printBanner = (bound: BoundAddress[]): void => banner(bound, setup!, flags, plane);
    if (flags.workers > 1 && cluster.isPrimary) return await runPrimary(flags.workers, setup.root, logger, printBanner);

    const penalty = flags.authDelay === 0 && flags.authMaxFailures === 0 ? false : new AuthPenalty({ baseDelayMs: flags.authDelay, maxFailures: flags.authMaxFailures });
    const server = createServer({
      store: new MaildirStore({ root: setup.root, logger, storeIo: flags.storeIo }),
      users: setup.users,
      limits: setup.limits,
      logger,
      authPenalty: penalty,
      allowPlaintext: flags.allowPlaintext === true,
      ...(setup.tls ? { tls: { cert: setup.tls.cert, key: setup.tls.key } } : {}),
      ...(flags.hostname ? { hostname: flags.hostname } : {}),
    });
    // The manager and metrics belong to one process: with --workers they are off (spec §8.4).
    plane = flags.workers > 1 ? undefined : await startPlane(flags, setup, server, logger);
    const bound: BoundAddress[] = [];
    for (const l of setup.listeners) bound.push(await server.listen(l));
    if (cluster.isWorker) process.send!({ type: 'listening', bound });
    else printBanner(bound);
    await waitForStopSignal(logger);
    await server.close();
    // The plane's close is the final metrics save: a failure there (disk full) is a failed stop,
    // not a failed start; it is logged and reported, and the previous snapshot stays intact.
    const stopError = await plane?.close().then(() => undefined, (e: unknown) => e as Error);
    plane = undefined;
    if (stopError) logger.error({ err: stopError }, 'stopped, but the final metrics snapshot was not saved');
    destination.flushSync();
    // A worker's IPC channel keeps it alive: let go of it so the process can end.
    cluster.worker?.disconnect();
    if (stopError) {
      process.stderr.write(`popcheck server: stopped, but the final metrics snapshot was not saved: ${stopError.message}\n`);
      return 1;
    }
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
    await plane?.close().catch(() => undefined);
    if (!cluster.isWorker) await setup?.cleanup();
  }
}

async function startPlane(flags: ServerFlags, setup: ServerSetup, server: Pop3Server, logger: pino.Logger): Promise<ManagementPlane> {
  const managerPort = flags.managerPort ?? (flags.port === 0 ? 0 : DEFAULT_MANAGER_PORT);
  const managerAt = flags.managerListen ?? { host: '127.0.0.1', port: managerPort };
  return startManagementPlane({
    server,
    users: userAdminFor(setup.users, setup.root, logger),
    stop: () => process.kill(process.pid, 'SIGTERM'),
    ...(flags.manager ? { manager: { ...(managerAt.host ? { host: managerAt.host } : {}), port: managerAt.port, tokenFile: path.resolve(flags.managerTokenFile ?? defaultTokenPath()) } } : {}),
    metricsFile: path.resolve(flags.metricsFile ?? path.join(setup.root, '.popcheck-metrics.json')),
    ...(flags.metricsListen ? { metricsListen: { ...(flags.metricsListen.host ? { host: flags.metricsListen.host } : {}), port: flags.metricsListen.port } } : {}),
    logger,
  });
}

function banner(bound: BoundAddress[], setup: ServerSetup, flags: ServerFlags, plane: ManagementPlane | undefined): void {
  const lines = bound.map(
    (b) => `popcheck POP3 server listening on ${formatAddress(b.address, b.port)}${b.implicitTls ? ' (implicit TLS)' : setup.tls ? ' (STLS)' : ''}${b.address === '::' ? ' (IPv6 and IPv4)' : ''}`,
  );
  if (flags.workers > 1) lines.push(`${flags.workers} worker processes`);
  lines.push(`mail root: ${setup.root}`);
  if (setup.tls) lines.push(`TLS certificate SHA-256 fingerprint${setup.tls.selfSigned ? ' (self-signed)' : ''}: ${setup.tls.fingerprint}`);
  if (setup.demoUsers) {
    lines.push('demo users (a temporary copy of fixtures/demo; changes are discarded on exit):');
    for (const [u, p] of setup.demoUsers.users) lines.push(`  ${u} / ${p}`);
    for (const [u, p] of setup.demoUsers.apopUsers) lines.push(`  ${u} / ${p}  (APOP only)`);
    const [u, p] = setup.demoUsers.users[0]!;
    const plain = bound.find((b) => !b.implicitTls)!;
    lines.push(`try: curl pop3://127.0.0.1:${plain.port}/1 -u ${u}:${p}`);
    const secure = bound.find((b) => b.implicitTls);
    if (secure) lines.push(`     curl -k pop3s://127.0.0.1:${secure.port}/1 -u ${u}:${p}`);
  }
  if (plane?.managerAddress) {
    const m = plane.managerAddress;
    lines.push(`manager listening on ${formatAddress(m.address, m.port)}/udp, token in ${path.resolve(flags.managerTokenFile ?? defaultTokenPath())}${plane.tokenCreated ? ' (created now)' : ''}`);
    lines.push(`  try: popcheck manager --host ${m.address} --port ${m.port} stats`);
  } else if (flags.workers > 1) {
    lines.push('manager and metrics are off with --workers (one per process would disagree)');
  }
  if (plane?.metricsAddress) lines.push(`metrics at http://${formatAddress(plane.metricsAddress.address, plane.metricsAddress.port)}/metrics`);
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
