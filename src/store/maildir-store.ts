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
import { stderrLogger, type StoreLogger } from './store-logger.js';
import { isSafeUserName, StoreError, type MailStore, type Maildrop, type MessageMeta } from './types.js';
import { allocateUid, loadState, saveState, statePath, type MaildropState } from './uid-state.js';

export type { MaildropLayout } from './maildir-listing.js';

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
}

/** Canonical (CRLF) size of a stored file, streamed with constant memory. */
export async function measureCanonicalSize(file: string): Promise<number> {
  return canonicalSize(createReadStream(file));
}

export class MaildirStore implements MailStore {
  private readonly root: string;
  private readonly logger: StoreLogger;
  private readonly measureSize: (file: string) => Promise<number>;

  constructor(options: MaildirStoreOptions) {
    this.root = path.resolve(options.root);
    this.logger = options.logger ?? stderrLogger;
    this.measureSize = options.measureSize ?? measureCanonicalSize;
  }

  async openMaildrop(user: string): Promise<Maildrop> {
    // The name becomes a path component: refuse anything unsafe before touching the file system.
    if (!isSafeUserName(user)) throw new StoreError('not-found', 'no such maildrop');
    const dir = path.join(this.root, user);
    await this.checkFolder(dir);
    const lock = await MaildropLock.acquire(dir).catch((err: unknown) => {
      throw errnoOf(err) === 'ENOENT' ? new StoreError('not-found', 'no such maildrop') : toStoreError(err, 'cannot lock the maildrop');
    });
    try {
      return await this.snapshot(user, dir, lock);
    } catch (err) {
      await lock.release().catch(() => undefined);
      throw toStoreError(err, 'cannot read the maildrop');
    }
  }

  /** Missing -> 'not-found'; present but not a folder (or not reachable) -> 'permanent'. */
  private async checkFolder(dir: string): Promise<void> {
    let isDir: boolean;
    try {
      isDir = (await fs.stat(dir)).isDirectory();
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') throw new StoreError('not-found', 'no such maildrop');
      throw toStoreError(err, 'cannot reach the maildrop');
    }
    if (!isDir) throw new StoreError('permanent', 'the maildrop is not a folder');
  }

  private async snapshot(user: string, dir: string, lock: MaildropLock): Promise<Maildrop> {
    const rootEntries = await fs.readdir(dir, { withFileTypes: true });
    // Safe: we hold the lock, so no other writer of the state file is live.
    await removeStaleTemps(statePath(dir), rootEntries.map((e) => e.name));
    const layout = detectLayout(rootEntries);
    const listed = await listMessages(dir, layout, rootEntries);
    const { state, text } = await loadState(dir, this.logger);
    const present = new Set(listed.map((f) => f.identity));
    for (const identity of [...state.entries.keys()]) if (!present.has(identity)) state.entries.delete(identity);

    const sizes = await mapLimit(listed, MEASURE_CONCURRENCY, (f) => this.sizeOf(f, state));
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

  /** Cached size when the file is unchanged, else measured; undefined if the file vanished. */
  private async sizeOf(f: ListedFile, state: MaildropState): Promise<number | undefined> {
    const known = state.entries.get(f.identity);
    if (known !== undefined && known.stat === f.fingerprint) return known.size;
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
