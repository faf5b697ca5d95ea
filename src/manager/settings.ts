/**
 * The server's runtime settings (spec §6) over its live limits object: Pop3Server#limits is read by
 * sessions whenever they need a value, so writing idle-timeout or max-sessions here takes effect for
 * the next idle period or connection. The transform setting delegates to a hook the server provides.
 */
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { MAX_IDLE_TIMEOUT_SECONDS, MAX_SESSIONS_LIMIT, MAX_TRANSFORM_OCTETS, RFC_MIN_IDLE_TIMEOUT_SECONDS } from './limits.js';
import type { RuntimeSettings } from './types.js';

/** The mail transformation (the server's side, wired by the server start-up). */
export interface TransformHook {
  /** The command in force; '' when off. */
  get(): string;
  /** Installs a command ('' turns transformation off); returns why it was refused, or undefined. */
  set(command: string): string | undefined | Promise<string | undefined>;
}

export interface ServerSettingsOptions {
  /** The server's live limits (Pop3Server#limits). */
  readonly limits: { idleTimeoutMs: number; maxConnections: number };
  /**
   * The idle timeout the server was started with: SET idle-timeout may go down to the lower of
   * RFC 1939's 600 s and this, so an operator's deliberate choice is kept but never undercut.
   */
  readonly startIdleTimeoutMs: number;
  /** Omitted: no transform setting (CAPA does not list it). */
  readonly transform?: TransformHook;
}

const INTEGER = /^\d{1,9}$/;

export function createServerSettings(options: ServerSettingsOptions): RuntimeSettings {
  const { limits, transform } = options;
  const idleFloor = Math.min(RFC_MIN_IDLE_TIMEOUT_SECONDS, Math.ceil(options.startIdleTimeoutMs / 1000));
  const names = ['idle-timeout', 'max-sessions', ...(transform ? ['transform'] : [])];
  return {
    names: () => names,
    get(name) {
      switch (name) {
        case 'idle-timeout':
          return String(Math.round(limits.idleTimeoutMs / 1000));
        case 'max-sessions':
          return String(limits.maxConnections);
        case 'transform':
          return transform?.get();
        default:
          return undefined;
      }
    },
    set(name, value) {
      switch (name) {
        case 'idle-timeout': {
          const n = INTEGER.test(value) ? Number(value) : NaN;
          if (!(n >= idleFloor && n <= MAX_IDLE_TIMEOUT_SECONDS)) {
            return `idle-timeout must be ${idleFloor} to ${MAX_IDLE_TIMEOUT_SECONDS} seconds (RFC 1939 section 3: at least 10 minutes)`;
          }
          limits.idleTimeoutMs = n * 1000;
          return undefined;
        }
        case 'max-sessions': {
          const n = INTEGER.test(value) ? Number(value) : NaN;
          if (!(n >= 1 && n <= MAX_SESSIONS_LIMIT)) return `max-sessions must be 1 to ${MAX_SESSIONS_LIMIT}`;
          limits.maxConnections = n;
          return undefined;
        }
        case 'transform': {
          if (!transform) return 'no such setting';
          if (Buffer.byteLength(value, 'utf8') > MAX_TRANSFORM_OCTETS) return `transform must be at most ${MAX_TRANSFORM_OCTETS} octets`;
          return transform.set(value);
        }
        default:
          return 'no such setting';
      }
    },
  };
}

/**
 * The transform setting over the server's live limits (ServerLimits#transformCommand, run with
 * /bin/sh -c by src/server/transform.ts). Refuses a command whose program cannot be found or run
 * (spec §6 SHOULD), so a typo answers [BAD-VALUE] now instead of -ERR [SYS/TEMP] on every RETR.
 */
export function limitsTransform(limits: { transformCommand: string }, env: NodeJS.ProcessEnv = process.env): TransformHook {
  return {
    get: () => limits.transformCommand,
    async set(command) {
      if (command !== '') {
        const problem = await programProblem(command, env);
        if (problem) return problem;
      }
      limits.transformCommand = command;
      return undefined;
    },
  };
}

/** Characters after which the first word is shell syntax, not a program name: left to the shell. */
const SHELL_SYNTAX = /[\s'"`$\\|&;<>(){}*?[\]~=#!]/;

/** Why the program of a shell command line cannot run, or undefined (also when it cannot tell). */
export async function programProblem(command: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const program = command.trimStart().split(/\s/, 1)[0] ?? '';
  if (program === '' || SHELL_SYNTAX.test(program)) return undefined;
  const candidates = program.includes('/') ? [path.resolve(program)] : (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, program));
  for (const file of candidates) {
    const ok = await fs.stat(file).then(
      async (st) => st.isFile() && (await fs.access(file, constants.X_OK).then(() => true, () => false)),
      () => false,
    );
    if (ok) return undefined;
  }
  return program.includes('/') ? `${program}: no such executable file` : `${program}: not found in the server's PATH`;
}
