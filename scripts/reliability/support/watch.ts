/**
 * Waits for a file to reach a state (exists, has new content): fs.watch on its folder, checked at
 * every event, with a deadline, so the tests wait for the file system instead of sleeping.
 */
import { watch, promises as fs } from 'node:fs';
import path from 'node:path';

export async function waitForFile(file: string, accept: (content: Buffer) => boolean, timeoutMs: number): Promise<Buffer> {
  const read = (): Promise<Buffer | undefined> => fs.readFile(file).catch(() => undefined);
  const watcher = watch(path.dirname(file));
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      let busy = false;
      let again = false;
      const timer = setTimeout(() => reject(new Error(`${file} did not reach the expected state within ${timeoutMs} ms`)), timeoutMs);
      const check = async (): Promise<void> => {
        if (busy) {
          again = true;
          return;
        }
        busy = true;
        do {
          again = false;
          const content = await read();
          if (content !== undefined && accept(content)) {
            clearTimeout(timer);
            resolve(content);
            return;
          }
        } while (again);
        busy = false;
      };
      watcher.on('change', () => void check());
      watcher.on('error', (e) => reject(e));
      void check();
    });
  } finally {
    watcher.close();
  }
}

/**
 * Resolves once a writer of `file` (src/store/atomic-write.ts: "<file>.<pid>.<hex>.tmp", then a
 * rename) has created a temp file and that temp file is gone again, renamed or removed: one write
 * attempt, finished. The caller tells success from failure by the target's content. Start it before
 * the attempt can begin.
 */
export function waitForWriteAttempt(file: string, timeoutMs: number): { done: Promise<string>; cancel: () => void } {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  const watcher = watch(dir);
  const seen = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<string>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no finished write attempt on ${file} within ${timeoutMs} ms`)), timeoutMs);
    watcher.on('error', reject);
    watcher.on('change', (_event, name) => {
      const n = String(name ?? '');
      if (n.startsWith(prefix) && n.endsWith('.tmp')) seen.add(n);
      for (const temp of seen) {
        void fs.access(path.join(dir, temp)).catch(() => resolve(temp));
      }
    });
  }).finally(() => {
    clearTimeout(timer);
    watcher.close();
  });
  return { done, cancel: () => watcher.close() };
}
