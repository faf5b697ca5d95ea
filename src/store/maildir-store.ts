/**
 * MailStore over a folder of maildrops: `<root>/<user>/`, each either a Maildir (cur/ new/ tmp/)
 * or the seed's flat folder of one file per message (see maildir-listing.ts).
 *
 * Opening a maildrop (RFC 1939 §4, "acquire an exclusive-access lock"): check the user name,
 * take the lock (maildrop-lock.ts), list the messages, size them in their canonical CRLF form
 * (RFC 1939 §5 "exact size"; streamed, cached in the state file), give each its persistent
 * unique-id (uid-state.ts, RFC 1939 §7), save the state atomically, and hand out the snapshot.
 */
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { canonicalSize } from '../protocol/crlf-normalizer.js';
import { removeStaleTemps } from './atomic-write.js';
import { errnoOf, toStoreError } from './fs-errors.js';
import { MaildirMaildrop } from './maildir-maildrop.js';
import { detectLayout, listMessages, type ListedFile } from './maildir-listing.js';
import { MaildropLock } from './maildrop-lock.js';
import { mapLimit } from './map-limit.js';
import { DEFAULT_STORE_IO, storeIo, type StoreIo, type StoreIoMode } from './store-io.js';
import { stderrLogger, type StoreLogger } from './store-logger.js';
import { isSafeUserName, StoreError, type MailStore, type Maildrop, type MessageMeta } from './types.js';
import { allocateUid, loadState, saveState, statePath, type MaildropState } from './uid-state.js';

export type { MaildropLayout } from './maildir-listing.js';
export { DEFAULT_STORE_IO, type StoreIoMode } from './store-io.js';

const MEASURE_CONCURRENCY = 8;

export interface MaildirStoreOptions {
  /** The folder holding one maildrop folder per user. */
  readonly root: string;
  readonly logger?: StoreLogger;
  /**
   * Measures the canonical size of one stored file. Defaults to measureCanonicalSize; injectable so
   * tests can count how many files are re-read (the size cache should make a restart read none).
   */
  readonly measureSize?: (file: string) => Promise<number>;
  /**
   * How a login's metadata calls are made (store-io.ts): 'sync' (default) is about half the CPU
   * of a login, but on a slow or network file system a login blocks the event loop, and every
   * other session, while they last; 'async' never blocks it. Flag: --store-io.
   */
  readonly storeIo?: StoreIoMode;
}

/** Canonical (CRLF) size of a stored file, streamed with constant memory. */
export async function measureCanonicalSize(file: string): Promise<number> {
  return canonicalSize(createReadStream(file));
}

export class MaildirStore implements MailStore {
  private readonly root: string;
  private readonly logger: StoreLogger;
  private readonly measureSize: (file: string) => Promise<number>;
  private readonly io: StoreIo;

  constructor(options: MaildirStoreOptions) {
    this.root = path.resolve(options.root);
    this.logger = options.logger ?? stderrLogger;
    this.measureSize = options.measureSize ?? measureCanonicalSize;
    this.io = storeIo(options.storeIo ?? DEFAULT_STORE_IO);
  }

  async openMaildrop(user: string): Promise<Maildrop> {
    // The name becomes a path component: refuse anything unsafe before touching the file system.
    if (!isSafeUserName(user)) throw new StoreError('not-found', 'no such maildrop');
    const dir = path.join(this.root, user);
    // No stat of the folder first: the lock's realpath fails with ENOENT when it is missing, and
    // its symlink with ENOTDIR when it is not a folder (-> 'permanent', see maildrop-lock.ts).
    const lock = await MaildropLock.acquire(dir, this.io).catch((err: unknown) => {
      throw errnoOf(err) === 'ENOENT' ? new StoreError('not-found', 'no such maildrop') : toStoreError(err, 'cannot reach the maildrop');
    });
    try {
      return await this.snapshot(user, dir, lock);
    } catch (err) {
      await lock.release().catch(() => undefined);
      throw toStoreError(err, 'cannot read the maildrop');
    }
  }

  private async snapshot(user: string, dir: string, lock: MaildropLock): Promise<Maildrop> {
    const rootEntries = await this.io.readdir(dir);
    // Safe: we hold the lock, so no other writer of the state file is live.
    await removeStaleTemps(statePath(dir), rootEntries.map((e) => e.name));
    const layout = detectLayout(rootEntries);
    const listed = await listMessages(this.io, dir, layout, rootEntries);
    // A copy: changing it below leaves the cached state as it was read.
    const { state, text } = await loadState(dir, this.logger, this.io);
    const present = new Set(listed.map((f) => f.identity));
    for (const identity of [...state.entries.keys()]) if (!present.has(identity)) state.entries.delete(identity);

    const sizes = await this.sizesOf(listed, state);
    const files: ListedFile[] = [];
    const messages: MessageMeta[] = [];
    listed.forEach((f, i) => {
      const size = sizes[i];
      if (size === undefined) return; // removed by another MUA while we were listing
      const known = state.entries.get(f.identity);
      // Ids are allocated in message order, so a fresh maildrop numbers its ids like its messages.
      const uid = known?.uid ?? allocateUid(state);
      state.entries.set(f.identity, { uid, size, stat: f.fingerprint });
      files.push(f);
      messages.push(Object.freeze({ key: f.key, size, uid }));
    });
    // Persist before handing out any new id: an id the file does not record could be reused.
    const stateText = await saveState(dir, state, text);
    return new MaildirMaildrop({
      user,
      dir,
      layout,
      files,
      messages: Object.freeze(messages),
      state,
      stateText,
      lock,
      logger: this.logger,
    });
  }

  /**
   * Cached sizes where the file is unchanged; the others are measured, streamed and
   * MEASURE_CONCURRENCY at a time (always async: they read whole messages). undefined if vanished.
   */
  private async sizesOf(listed: readonly ListedFile[], state: MaildropState): Promise<Array<number | undefined>> {
    const sizes: Array<number | undefined> = [];
    const unknown: number[] = [];
    listed.forEach((f, i) => {
      const known = state.entries.get(f.identity);
      if (known !== undefined && known.stat === f.fingerprint) sizes[i] = known.size;
      else unknown.push(i);
    });
    const measured = await mapLimit(unknown, MEASURE_CONCURRENCY, (i) => this.measure(listed[i]!));
    unknown.forEach((i, j) => (sizes[i] = measured[j]));
    return sizes;
  }

  private async measure(f: ListedFile): Promise<number | undefined> {
    try {
      return await this.measureSize(f.path);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return undefined;
      throw err;
    }
  }
}

/**
 * Creates `<root>/<user>/` for a new user (the manager's ADD, tests): a Maildir with cur/ new/
 * tmp/, or the seed's flat folder. Idempotent. Returns the maildrop path.
 */
export async function createMaildrop(root: string, user: string, layout: 'maildir' | 'flat'): Promise<string> {
  if (!isSafeUserName(user)) throw new RangeError(`unsafe user name: ${JSON.stringify(user)}`);
  const dir = path.join(path.resolve(root), user);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  if (layout === 'maildir') {
    await Promise.all(['cur', 'new', 'tmp'].map((sub) => fs.mkdir(path.join(dir, sub), { recursive: true, mode: 0o700 })));
  }
  return dir;
}
