/**
 * MailStore held in memory, for tests and for programs that embed the server. It keeps the same
 * promises as MaildirStore (store-contract.ts): one session per maildrop (RFC 1939 §4), a snapshot
 * message list (§5), canonical CRLF sizes, and unique-ids that are never reused (§7).
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { canonicalize } from '../protocol/crlf-normalizer.js';
import { naturalCompare } from './natural-order.js';
import { isSafeUserName, StoreError, type MailStore, type Maildrop, type MessageMeta } from './types.js';

export interface DeliverOptions {
  /** Storage key; must be unique among the user's current messages. Default: a counter. */
  readonly key?: string;
  /** Orders the maildrop (whole seconds, then key in natural order). Default: now. */
  readonly deliveredAt?: Date;
}

interface StoredMessage {
  readonly key: string;
  readonly bytes: Buffer;
  readonly meta: MessageMeta;
  readonly deliveredAt: number; // seconds
}

interface MemoryMaildropData {
  messages: StoredMessage[];
  locked: boolean;
  /** Next unique-id number and default key number; only ever grows (ids are never reused). */
  nextUid: number;
  nextKey: number;
}

function byDelivery(a: StoredMessage, b: StoredMessage): number {
  return a.deliveredAt - b.deliveredAt || naturalCompare(a.key, b.key);
}

export class MemoryStore implements MailStore {
  private readonly users = new Map<string, MemoryMaildropData>();
  // Ids of a fresh store differ from a previous instance's, as a new UIDVALIDITY would.
  private readonly prefix = randomBytes(4).toString('hex');

  /** Adds an empty maildrop; a no-op when the user exists. */
  addUser(user: string): void {
    if (!isSafeUserName(user)) throw new RangeError(`unsafe user name: ${JSON.stringify(user)}`);
    if (!this.users.has(user)) this.users.set(user, { messages: [], locked: false, nextUid: 1, nextKey: 1 });
  }

  /** Stores a message (bytes kept as given, like a file) and returns its key. */
  deliver(user: string, bytes: Buffer | string, opts: DeliverOptions = {}): string {
    const data = this.dataOf(user);
    const key = opts.key ?? String(data.nextKey++);
    if (data.messages.some((m) => m.key === key)) throw new RangeError(`duplicate key ${JSON.stringify(key)}`);
    const stored = Buffer.from(bytes);
    const uid = `${this.prefix}.${(data.nextUid++).toString(36)}`;
    const size = canonicalize(stored).length;
    const deliveredAt = Math.floor((opts.deliveredAt ?? new Date()).getTime() / 1000);
    data.messages.push({ key, bytes: stored, meta: Object.freeze({ key, size, uid }), deliveredAt });
    data.messages.sort(byDelivery);
    return key;
  }

  /** The stored messages of a user, in maildrop order (copies; for tests). */
  messagesOf(user: string): Buffer[] {
    return this.dataOf(user).messages.map((m) => Buffer.from(m.bytes));
  }

  async openMaildrop(user: string): Promise<Maildrop> {
    const data = isSafeUserName(user) ? this.users.get(user) : undefined;
    if (data === undefined) throw new StoreError('not-found', 'no such maildrop');
    if (data.locked) throw new StoreError('in-use', 'maildrop is locked by another session');
    data.locked = true;
    return new MemoryMaildrop(user, data);
  }

  private dataOf(user: string): MemoryMaildropData {
    const data = this.users.get(user);
    if (data === undefined) throw new RangeError(`unknown user ${JSON.stringify(user)}`);
    return data;
  }
}

class MemoryMaildrop implements Maildrop {
  readonly messages: readonly MessageMeta[];
  private released = false;

  constructor(
    readonly user: string,
    private readonly data: MemoryMaildropData,
  ) {
    this.messages = Object.freeze(data.messages.map((m) => m.meta));
  }

  async openMessage(key: string): Promise<Readable> {
    const found = this.storedOf(key);
    if (found === undefined) throw new StoreError('gone', 'message was removed');
    return Readable.from([found.bytes]);
  }

  async expunge(keys: readonly string[]): Promise<void> {
    this.assertHeld();
    // By unique-id, not key: a message delivered later under a reused key is not this session's.
    const uids = new Set(keys.map((k) => this.messages.find((m) => m.key === k)?.uid));
    this.data.messages = this.data.messages.filter((m) => !uids.has(m.meta.uid));
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.data.locked = false;
  }

  /** The stored message behind a key of this snapshot, if it still exists. */
  private storedOf(key: string): StoredMessage | undefined {
    this.assertHeld();
    const meta = this.messages.find((m) => m.key === key);
    return meta === undefined ? undefined : this.data.messages.find((m) => m.meta.uid === meta.uid);
  }

  private assertHeld(): void {
    if (this.released) throw new StoreError('permanent', 'the maildrop was released');
  }
}
