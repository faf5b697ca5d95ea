/**
 * Disk faults for the reliability tests (Linux, as root): a small tmpfs that can be filled to the
 * last block, the immutable attribute (chattr +i: even root cannot replace or rename over the
 * file) and read-only bind mounts. Every helper undoes itself; the tests call the undo in finally.
 */
import { execFile } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function sh(cmd: string, args: string[]): Promise<void> {
  await run(cmd, args, { timeout: 20_000 });
}

/** Mounts a tmpfs of `sizeBytes` on `dir` (created); resolves to its unmount. Throws if not permitted. */
export async function mountTmpfs(dir: string, sizeBytes: number, extraOptions: string[] = []): Promise<() => Promise<void>> {
  await fs.mkdir(dir, { recursive: true });
  await sh('mount', ['-t', 'tmpfs', '-o', [`size=${sizeBytes}`, 'mode=0700', ...extraOptions].join(','), 'tmpfs', dir]);
  return () => unmount(dir);
}

/** Bind-mounts `dir` onto itself read-only; resolves to the undo. */
export async function bindReadOnly(dir: string): Promise<() => Promise<void>> {
  await sh('mount', ['--bind', dir, dir]);
  try {
    await sh('mount', ['-o', 'remount,ro,bind', dir]);
  } catch (e) {
    await unmount(dir);
    throw e;
  }
  return () => unmount(dir);
}

async function unmount(dir: string): Promise<void> {
  // Lazy as a fallback: a descriptor a killed server left open must not keep the mount (and fail the suite).
  await sh('umount', [dir]).catch(() => sh('umount', ['-l', dir]));
}

/** Whether this process may mount (root in a sandbox that allows it). */
export async function canMount(scratch: string): Promise<boolean> {
  const dir = path.join(scratch, 'mount-probe');
  try {
    const undo = await mountTmpfs(dir, 64 * 1024);
    await undo();
    return true;
  } catch {
    return false;
  } finally {
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Fills the file system of `dir` to the last block with `<dir>/<name>`; resolves to the octets written.
 * Bounded: stops at ENOSPC or after `maxBytes`.
 */
export async function fillDisk(dir: string, name = '.filler', maxBytes = 256 * 1024 * 1024): Promise<number> {
  const handle = await fs.open(path.join(dir, name), fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_APPEND, 0o600);
  const chunk = Buffer.alloc(64 * 1024, 0x78);
  let written = 0;
  try {
    // Big chunks first, then single octets: the tail of the last block must go too.
    for (const size of [chunk.length, 4096, 1]) {
      for (;;) {
        if (written >= maxBytes) throw new Error(`fillDisk: ${dir} took ${maxBytes} octets without filling up`);
        try {
          const { bytesWritten } = await handle.write(chunk, 0, size);
          written += bytesWritten;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw e;
        }
      }
    }
  } finally {
    await handle.close();
  }
  return written;
}

/**
 * Fills the file system of `dir` and then frees space until exactly `pages` blocks are available
 * (tmpfs counts whole pages): room for a small file such as a lock, not for the next one.
 */
export async function leaveFreeBlocks(dir: string, pages: number): Promise<void> {
  await fillDisk(dir);
  const filler = path.join(dir, '.filler');
  for (let attempt = 0; attempt < 16; attempt++) {
    const st = await fs.statfs(dir);
    const free = Number(st.bavail);
    if (free === pages) return;
    const size = (await fs.stat(filler)).size;
    const blocks = Math.ceil(size / st.bsize);
    if (free < pages) {
      await fs.truncate(filler, Math.max(0, blocks - (pages - free)) * st.bsize);
    } else {
      await fs.appendFile(path.join(dir, `.pad${attempt}`), Buffer.alloc(st.bsize * (free - pages), 0x78)).catch(() => undefined);
    }
  }
  throw new Error(`leaveFreeBlocks: could not leave exactly ${pages} free blocks in ${dir}`);
}

/** Removes what fillDisk and leaveFreeBlocks wrote. */
export async function freeDisk(dir: string): Promise<void> {
  for (const name of await fs.readdir(dir)) if (name === '.filler' || name.startsWith('.pad')) await fs.rm(path.join(dir, name), { force: true });
}

/** chattr +i / -i. */
export async function setImmutable(file: string, on: boolean): Promise<void> {
  await sh('chattr', [on ? '+i' : '-i', file]);
}

/** Whether chattr +i works on this file system (ext4 yes, tmpfs on older kernels no, overlayfs no). */
export async function canSetImmutable(scratch: string): Promise<boolean> {
  const probe = path.join(scratch, 'immutable-probe');
  await fs.writeFile(probe, 'x');
  try {
    await setImmutable(probe, true);
    await setImmutable(probe, false);
    return true;
  } catch {
    return false;
  } finally {
    await fs.rm(probe, { force: true });
  }
}
