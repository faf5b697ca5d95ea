/**
 * Turns `popcheck server` flags into what the server needs: the mail root (or the demo's copy),
 * the user directory (-u users in memory, or a hashed users file), the TLS material (given, or the
 * demo's self-signed certificate), the limits and the listeners. No sockets are opened here.
 */
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { StaticUsers } from '../auth/static-users.js';
import type { UserDirectory } from '../auth/types.js';
import { UsersFile } from '../auth/users-file.js';
import { DEFAULT_LIMITS, type ServerLimits } from '../server/config.js';
import { DEFAULT_POP3S_PORT, type ListenOptions } from '../server/index.js';
import type { StoreIoMode } from '../store/maildir-store.js';
import { ensureSelfSignedCertificate, loadTlsOptions } from '../tls/index.js';
import { prepareDemo, prepareDemoUsers, type Demo, type DemoUsers } from './demo.js';
import { DEMO_ROOT_ENV } from './server-cluster.js';

export interface ServerFlags {
  user?: Array<[string, string]>;
  apopUser?: Array<[string, string]>;
  users?: string;
  maildir?: string;
  port: number;
  managerPort?: number;
  managerListen?: ListenFlag;
  manager: boolean;
  managerTokenFile?: string;
  metricsFile?: string;
  metricsListen?: ListenFlag;
  listen?: ListenFlag[];
  tlsCert?: string;
  tlsKey?: string;
  tlsListen?: ListenFlag[];
  tlsPort?: number;
  allowPlaintext?: boolean;
  authDelay: number;
  authMaxFailures: number;
  hostname?: string;
  logLevel: string;
  idleTimeout: number;
  maxCommandOctets: number;
  maxBadCommands: number;
  maxQueuedCommands: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  maxSessionsPerUser: number;
  loginDelay: number;
  shutdownGrace: number;
  workers: number;
  /** How the Maildir store makes a login's metadata calls (store-io.ts). */
  storeIo: StoreIoMode;
  transform?: string;
  transformTimeout: number;
}

export interface ListenFlag {
  host: string | undefined;
  port: number;
}

export class UsageError extends Error {}

export interface ServerSetup {
  root: string;
  users: UserDirectory;
  /** The demo's users and passwords, to print; undefined outside the demo. */
  demoUsers: DemoUsers | undefined;
  tls: { cert: Buffer; key: Buffer; fingerprint: string; selfSigned: boolean } | undefined;
  limits: ServerLimits;
  listeners: ListenOptions[];
  warnings: string[];
  cleanup(): Promise<void>;
}

/** Where the demo keeps its self-signed certificate between runs. */
export const DEMO_TLS_DIR = path.join(os.homedir(), '.popcheck', 'demo-tls');
/** The demo's implicit-TLS port: 995 needs root, so the demo uses 1995 (0 when -p 0). */
export const DEMO_TLS_PORT = 1995;

export async function buildServerSetup(flags: ServerFlags, logger: Logger): Promise<ServerSetup> {
  const cliUsers = Boolean(flags.user?.length || flags.apopUser?.length);
  if (cliUsers && flags.users) throw new UsageError('give users either with -u/--apop-user or with --users FILE, not both');
  if (!flags.maildir && (cliUsers || flags.users)) throw new UsageError(`${flags.users ? '--users' : '-u'} needs -d <maildir>: where the users' maildrops are`);
  if (flags.maildir && !cliUsers && !flags.users) throw new UsageError('-d needs users: -u user:pass (repeatable) or --users FILE');
  if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey)) throw new UsageError('--tls-cert and --tls-key go together');
  if (flags.maxCommandOctets < 255) throw new UsageError('--max-command-octets must be at least 255 (RFC 2449 §4)');
  if ((flags.tlsListen?.length || flags.tlsPort !== undefined) && !flags.tlsCert && flags.maildir) {
    throw new UsageError('--tls-listen and --tls-port need --tls-cert and --tls-key');
  }

  const warnings: string[] = [];
  let demo: Demo | undefined;
  const inheritedDemo = process.env[DEMO_ROOT_ENV];
  const isDemo = !flags.maildir;
  if (isDemo && !inheritedDemo) demo = await prepareDemo();
  const root = path.resolve(flags.maildir ?? inheritedDemo ?? demo!.root);
  const demoUsers = isDemo ? (demo ?? (await prepareDemoUsers())) : undefined;

  let users: UserDirectory;
  if (flags.users) {
    const file = await UsersFile.load(path.resolve(flags.users)).catch((err: Error) => {
      throw new UsageError(`cannot use the users file: ${err.message}`);
    });
    warnings.push(...file.warnings);
    users = file;
  } else {
    users = isDemo
      ? new StaticUsers(demoUsers!.users, { apopUsers: demoUsers!.apopUsers })
      : new StaticUsers(flags.user ?? [], { apopUsers: flags.apopUser ?? [] });
  }
  const missing = await missingMaildrops(root, await users.listUsers());
  if (missing.length > 0) {
    const text = `no maildrop folder for ${missing.map((u) => `${u} (${path.join(root, u)})`).join(', ')}`;
    // The seed refused to start in this case; with a users file, a missing folder is only a warning.
    if (!flags.users) throw new UsageError(text);
    warnings.push(text);
  }

  let tls: ServerSetup['tls'];
  if (flags.tlsCert && flags.tlsKey) {
    const material = await loadTlsOptions(path.resolve(flags.tlsCert), path.resolve(flags.tlsKey)).catch((err: Error) => {
      throw new UsageError(`cannot use the TLS certificate: ${err.message}`);
    });
    warnings.push(...material.warnings);
    tls = { cert: Buffer.from(material.cert), key: Buffer.from(material.key), fingerprint: material.fingerprint, selfSigned: false };
  } else if (isDemo) {
    const made = await ensureSelfSignedCertificate(DEMO_TLS_DIR);
    tls = { cert: Buffer.from(made.material.cert), key: Buffer.from(made.material.key), fingerprint: made.fingerprint, selfSigned: true };
  }

  const listeners: ListenOptions[] = (flags.listen ?? [{ host: undefined, port: flags.port }]).map((l) => ({ ...hostOf(l), port: l.port }));
  if (tls) {
    const tlsListen = flags.tlsListen ?? [{ host: undefined, port: flags.tlsPort ?? (isDemo ? (flags.port === 0 ? 0 : DEMO_TLS_PORT) : DEFAULT_POP3S_PORT) }];
    for (const l of tlsListen) listeners.push({ ...hostOf(l), port: l.port, implicitTls: true });
  }

  const limits: ServerLimits = {
    maxCommandOctets: flags.maxCommandOctets,
    idleTimeoutMs: flags.idleTimeout * 1000,
    maxBadCommands: flags.maxBadCommands,
    maxQueuedCommands: flags.maxQueuedCommands,
    maxConnections: flags.maxConnections,
    maxConnectionsPerAddress: flags.maxConnectionsPerAddress,
    maxSessionsPerUser: flags.maxSessionsPerUser,
    loginDelaySeconds: flags.loginDelay,
    shutdownGraceMs: flags.shutdownGrace * 1000,
    transformCommand: flags.transform ?? '',
    transformTimeoutMs: flags.transformTimeout * 1000,
    transformMaxOctets: DEFAULT_LIMITS.transformMaxOctets,
  };
  if (flags.idleTimeout < 600) warnings.push(`idle timeout ${flags.idleTimeout} s is below the 10 minutes RFC 1939 §3 requires`);
  for (const w of warnings) logger.warn(w);
  return { root, users, demoUsers, tls, limits, listeners, warnings, cleanup: async () => demo?.cleanup() };
}

function hostOf(l: ListenFlag): { host?: string } {
  return l.host === undefined ? {} : { host: l.host };
}

async function missingMaildrops(root: string, users: string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const u of users) {
    const s = await stat(path.join(root, u)).catch(() => undefined);
    if (!s?.isDirectory()) missing.push(u);
  }
  return missing;
}
