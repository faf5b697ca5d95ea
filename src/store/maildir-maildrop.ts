/**
 * One locked session on a Maildir or flat maildrop (see maildir-store.ts for how it is opened).
 * The message list is the snapshot taken at open (RFC 1939 §5: numbers and sizes are fixed for the
 * session); mail delivered meanwhile shows up at the next open.
 */
import { close, constants as fsConstants, fstat, open, promises as fs, type BigIntStats } from 'node:fs';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { errnoOf } from './fs-errors.js';
import type { ListedFile, MaildropLayout } from './maildir-listing.js';
import { findRenamed } from './maildir-listing.js';
import type { MaildropLock } from './maildrop-lock.js';
import { mapLimit } from './map-limit.js';
import { MessageFile } from './message-file.js';
import type { StoreLogger } from './store-logger.js';
import { StoreError, type Maildrop, type MessageMeta } from './types.js';
import { saveState, type MaildropState } from './uid-state.js';

/**
 * O_NOFOLLOW: a symlink swapped in for a message is never followed out of the mail root.
 * O_NONBLOCK: a FIFO swapped in cannot block the open (and a libuv worker thread) forever.
 */
const OPEN_FLAGS = fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK;

const UNLINK_CONCURRENCY = 16;

// Plain descriptors rather than FileHandles: the body is read by position into pooled buffers
// (message-file.ts), and the callback API skips a FileHandle's promise bookkeeping on every read.
const openFd = promisify(open);
const closeFd = promisify(close);
const fstatBig = (fd: number): Promise<BigIntStats> =>
  new Promise((resolve, reject) => fstat(fd, { bigint: true }, (err, st) => (err ? reject(err) : resolve(st))));

export interface MaildirSession {
  readonly user: string;
  readonly dir: string;
  readonly layout: MaildropLayout;
  readonly files: readonly ListedFile[];
  readonly messages: readonly MessageMeta[];
  readonly state: MaildropState;
  readonly stateText: string;
  readonly lock: MaildropLock;
  readonly logger: StoreLogger;
}

export class MaildirMaildrop implements Maildrop {
  readonly user: string;
  readonly messages: readonly MessageMeta[];
  private readonly files: ReadonlyMap<string, ListedFile>;
  /** Canonical sizes by key, from the listing. */
  private readonly sizes: ReadonlyMap<string, number>;
  private stateText: string;

  constructor(private readonly s: MaildirSession) {
    this.user = s.user;
    this.messages = s.messages;
    this.files = new Map(s.files.map((f) => [f.key, f]));
    this.sizes = new Map(s.messages.map((m) => [m.key, m.size]));
    this.stateText = s.stateText;
  }

  async openMessage(key: string): Promise<Readable> {
    const file = this.fileOf(key);
    // Open the descriptor first, so a missing file is reported before any +OK is promised.
    let fd: number;
    try {
      fd = await openFd(file.path, OPEN_FLAGS);
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw new StoreError('temporary', `cannot open message: ${errnoOf(err) ?? 'error'}`, { cause: err });
      fd = await this.openRenamed(file, err);
    }
    // The file must still be the one listed at login (same size, mtime, inode, a regular file):
    // a message truncated, replaced, or swapped for a symlink, folder or FIFO by another process
    // is refused before "+OK" promises its size (issue 8).
    let st: BigIntStats;
    try {
      st = await fstatBig(fd);
    } catch (err) {
      await closeFd(fd);
      throw new StoreError('temporary', `cannot stat message: ${errnoOf(err) ?? 'error'}`, { cause: err });
    }
    if (!st.isFile() || `${st.size}:${st.mtimeNs}:${st.ino}` !== file.fingerprint) {
      await closeFd(fd);
      throw new StoreError('gone', 'message changed since the session began');
    }
    // The canonical size was measured for exactly this fingerprint: when it equals the stored size
    // the file is already canonical CRLF and the server sends it without normalising (issue 7).
    const stored = Number(st.size);
    return new MessageFile(fd, stored, this.sizes.get(key) === stored);
  }

  async expunge(keys: readonly string[]): Promise<void> {
    const files = [...new Set(keys)].map((k) => this.fileOf(k)); // validate all before removing any
    const failures: string[] = [];
    await mapLimit(files, UNLINK_CONCURRENCY, async (file) => {
      try {
        await this.unlink(file);
        this.s.state.entries.delete(file.identity);
      } catch (err) {
        failures.push(`${file.key} (${errnoOf(err) ?? 'error'})`);
      }
    });
    try {
      // The counter is kept: ids of removed messages are never handed out again (RFC 1939 §7).
      this.stateText = await saveState(this.s.dir, this.s.state, this.stateText);
    } catch (err) {
      // The messages are gone either way; the next open prunes their entries.
      this.s.logger.warn({ dir: this.s.dir, error: String(err) }, 'cannot update the maildrop state after expunge');
    }
    if (failures.length > 0) {
      throw new StoreError('temporary', `could not remove ${failures.length} message(s): ${failures.join(', ')}`);
    }
  }

  async release(): Promise<void> {
    await this.s.lock.release();
  }

  private fileOf(key: string): ListedFile {
    if (!this.s.lock.held) throw new StoreError('permanent', 'the maildrop was released');
    const file = this.files.get(key);
    // Only keys of this snapshot map to paths: a caller can never name an arbitrary file.
    if (file === undefined) throw new StoreError('gone', 'no such message in this maildrop');
    return file;
  }

  private async openRenamed(file: ListedFile, original: unknown): Promise<number> {
    const renamed = this.s.layout === 'maildir' ? await findRenamed(this.s.dir, file.baseName) : undefined;
    if (renamed === undefined) throw new StoreError('gone', 'message was removed', { cause: original });
    try {
      return await openFd(renamed, OPEN_FLAGS);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') throw new StoreError('gone', 'message was removed', { cause: err });
      throw new StoreError('temporary', `cannot open message: ${errnoOf(err) ?? 'error'}`, { cause: err });
    }
  }

  /** Removes one message; a file already gone counts as removed (RFC 1939 §6 asks for it gone). */
  private async unlink(file: ListedFile): Promise<void> {
    try {
      await fs.unlink(file.path);
      return;
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw err;
    }
    if (this.s.layout !== 'maildir') return;
    // Another MUA may have renamed it (new flags); the user still asked for it to be deleted.
    const renamed = await findRenamed(this.s.dir, file.baseName);
    if (renamed !== undefined) await fs.rm(renamed, { force: true });
  }
}
