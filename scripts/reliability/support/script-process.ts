/**
 * Runs a hostile client script (drip-load.ts, flood-client.ts) as a child process, through bash for
 * `ulimit -n`, and follows the JSON events it prints on stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './paths.js';
import type { DripConfig } from './drip-load.js';
import type { FloodConfig } from './flood-client.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface ScriptProcess {
  readonly proc: ChildProcess;
  /** Resolves with the first event of this name (already received or still to come). */
  next(event: string, timeoutMs: number): Promise<Record<string, unknown>>;
  /** Has this event arrived yet? */
  seen(event: string): boolean;
  /** Closes stdin (the loader drops its connections and exits) and waits for the exit. */
  end(timeoutMs?: number): Promise<number | null>;
  stderr(): string;
}

export function startDripLoad(config: DripConfig, openFiles: number): ScriptProcess {
  return startScript(path.join(HERE, 'drip-load.ts'), config, openFiles);
}

export function startFlood(config: FloodConfig): ScriptProcess {
  return startScript(path.join(HERE, 'flood-client.ts'), config, 1024);
}

function startScript(file: string, config: object, openFiles: number): ScriptProcess {
  const script = `ulimit -n ${openFiles} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`;
  const proc = spawn('bash', ['-c', script, process.execPath, '--import', 'tsx', file, JSON.stringify(config)], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const events = new Map<string, Record<string, unknown>>();
  const waiters = new Map<string, Array<(e: Record<string, unknown>) => void>>();
  let buffer = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
  proc.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const e = JSON.parse(line) as Record<string, unknown>;
      const name = String(e.event);
      events.set(name, e);
      for (const w of waiters.get(name) ?? []) w(e);
      waiters.delete(name);
    }
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    seen: (event) => events.has(event),
    next(event, timeoutMs) {
      const have = events.get(event);
      if (have) return Promise.resolve(have);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${path.basename(file)}: no "${event}" within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        void exited.then((code) => {
          clearTimeout(timer);
          if (!events.has(event)) reject(new Error(`${path.basename(file)} exited (${code}) before "${event}"; stderr: ${err}`));
        });
        const list = waiters.get(event) ?? [];
        list.push((e) => {
          clearTimeout(timer);
          resolve(e);
        });
        waiters.set(event, list);
      });
    },
    async end(timeoutMs = 20_000) {
      proc.stdin!.end();
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    stderr: () => err,
  };
}
