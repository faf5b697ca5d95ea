/**
 * Replaces a file so that readers (and a restart after a crash) see either the old or the new
 * content, never a torn write: write a temp file in the same folder, fsync it, rename it over the
 * target (rename is atomic within one file system), then fsync the folder so the rename itself is
 * durable. Temp names start with the target's name and end in ".tmp" so a later run can find and
 * remove leftovers of a crash (see removeStaleTemps).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

const TEMP_SUFFIX = '.tmp';

export async function writeFileAtomic(target: string, data: string | Buffer): Promise<void> {
  const dir = path.dirname(target);
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
  const handle = await fs.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fs.rename(temp, target);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(dir);
}

/** fsync on a directory is not supported everywhere (e.g. Windows); failing it is not fatal. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort only: the data itself was already synced before the rename.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Removes temp files a crashed writer of `target` left behind. Only safe while holding the lock
 * that serialises writers of `target` (otherwise a live writer's temp file could be removed).
 * `names` is the folder listing when the caller already has it.
 */
export async function removeStaleTemps(target: string, names?: readonly string[]): Promise<void> {
  const dir = path.dirname(target);
  const prefix = `${path.basename(target)}.`;
  names ??= await fs.readdir(dir);
  await Promise.all(
    names
      .filter((n) => n.startsWith(prefix) && n.endsWith(TEMP_SUFFIX))
      .map((n) => fs.rm(path.join(dir, n), { force: true })),
  );
}
