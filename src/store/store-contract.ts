/**
 * The behaviour every MailStore must show, as a shared vitest suite: each store's test file calls
 * describeStoreContract with a factory. RFC 1939 §4 (exclusive lock), §5 (fixed message list and
 * exact canonical sizes), §6 (UPDATE removes exactly the deleted messages), §7 (UIDL ids: format,
 * uniqueness, persistence, never reused), plus path safety of user names.
 */
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_UNIQUE_ID_CHARS } from '../protocol/limits.js';
import { StoreError, type MailStore, type Maildrop, type StoreErrorCode } from './types.js';

export interface StoreHarness {
  readonly store: MailStore;
  /** Creates an empty maildrop for `user`. */
  addUser(user: string): Promise<void>;
  /**
   * Delivers a message as an MTA would (creating the maildrop if needed). `deliveredAtSeconds`
   * orders it (default: later than every earlier call); `name` is its file name or key, so a test
   * can deliver twice under the same name.
   */
  deliver(user: string, bytes: Buffer | string, deliveredAtSeconds?: number, name?: string): Promise<unknown>;
  cleanup(): Promise<void>;
}

export const UID_FORMAT = new RegExp(`^[\\x21-\\x7e]{1,${MAX_UNIQUE_ID_CHARS}}$`);

/** Rejects with a StoreError of this code. */
export async function expectStoreError(p: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe(code);
  return err as StoreError;
}

export async function readAll(drop: Maildrop, key: string): Promise<string> {
  return text(await drop.openMessage(key));
}

/** Opens, reads what a test needs, and always releases. */
export async function withMaildrop<T>(store: MailStore, user: string, fn: (d: Maildrop) => Promise<T>): Promise<T> {
  const drop = await store.openMaildrop(user);
  try {
    return await fn(drop);
  } finally {
    await drop.release();
  }
}

const bodies = (drop: Maildrop): Promise<string[]> => Promise.all(drop.messages.map((m) => readAll(drop, m.key)));

export function describeStoreContract(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`MailStore contract: ${name}`, () => {
    let h: StoreHarness;
    beforeEach(async () => {
      h = await makeStore();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    describe('opening', () => {
      it('opens an empty maildrop with no messages', async () => {
        await h.addUser('alice');
        const drop = await h.store.openMaildrop('alice');
        expect(drop.user).toBe('alice');
        expect(drop.messages).toEqual([]);
        await drop.release();
      });

      it("rejects an unknown user with 'not-found'", async () => {
        await h.addUser('alice');
        await expectStoreError(h.store.openMaildrop('nobody'), 'not-found');
      });

      const unsafe: Array<[string, string]> = [
        ['a parent path', '../x'],
        ['a nested path', 'a/b'],
        ['a backslash path', 'a\\b'],
        ['the empty name', ''],
        ['"."', '.'],
        ['".."', '..'],
        ['a NUL byte', 'x\0y'],
        ['a 10 KB name', 'x'.repeat(10 * 1024)],
        ['non-ASCII', 'jos\u00e9'],
        ['a leading dot', '.hidden'],
        ['a control byte', 'a\nb'],
      ];
      it.each(unsafe)("rejects %s as a user name with 'not-found'", async (_what, user) => {
        await h.addUser('x');
        await expectStoreError(h.store.openMaildrop(user), 'not-found');
      });
    });

    describe('message list (RFC 1939 §5)', () => {
      it('orders by delivery time, whatever the delivery order', async () => {
        await h.deliver('alice', 'Subject: third\r\n\r\n3\r\n', 1_700_000_300);
        await h.deliver('alice', 'Subject: first\r\n\r\n1\r\n', 1_700_000_100);
        await h.deliver('alice', 'Subject: second\r\n\r\n2\r\n', 1_700_000_200);
        const got = await withMaildrop(h.store, 'alice', bodies);
        expect(got.map((b) => /Subject: (\w+)/.exec(b)?.[1])).toEqual(['first', 'second', 'third']);
      });

      it('breaks delivery-time ties by name in natural order ("2" before "10")', async () => {
        const t = 1_700_000_000;
        await h.deliver('alice', 'ten\r\n', t, '10');
        await h.deliver('alice', 'two\r\n', t, '2');
        await h.deliver('alice', 'one\r\n', t, '1');
        const got = await withMaildrop(h.store, 'alice', bodies);
        expect(got).toEqual(['one\r\n', 'two\r\n', 'ten\r\n']);
      });

      it('keeps the same order, keys and sizes across sessions', async () => {
        for (let i = 0; i < 5; i++) await h.deliver('alice', `Subject: ${i}\n\nbody ${i}\n`);
        const first = await withMaildrop(h.store, 'alice', async (d) => d.messages);
        const second = await withMaildrop(h.store, 'alice', async (d) => d.messages);
        expect(second).toEqual(first);
      });

      const sizes: Array<[string, string, number]> = [
        ['CRLF lines', 'a\r\nb\r\n', 6],
        ['bare LF lines', 'a\nb\n', 6],
        ['no final line break', 'a\r\nb', 6],
        ['bare LF and no final line break', 'a\nb', 6],
        ['mixed line ends', 'a\r\nb\nc', 9],
        ['a lone CR at the end', 'a\r', 3],
        ['an empty message', '', 0],
        ['a lone LF', '\n', 2],
        ['dot lines (not stuffed in the size)', '.\r\n..\r\n', 7],
      ];
      it.each(sizes)('sizes %s by the canonical CRLF form', async (_what, body, size) => {
        await h.deliver('alice', body);
        const got = await withMaildrop(h.store, 'alice', async (d) => d.messages.map((m) => m.size));
        expect(got).toEqual([size]);
      });

      it('serves the stored bytes exactly as stored', async () => {
        const raw = Buffer.from('Subject: x\n\nline\r\n\u00e9\n.\nlast', 'utf8');
        await h.deliver('alice', raw);
        const got = await withMaildrop(h.store, 'alice', async (d) => {
          const chunks: Buffer[] = [];
          for await (const c of await d.openMessage(d.messages[0]!.key)) chunks.push(c as Buffer);
          return Buffer.concat(chunks);
        });
        expect(got.equals(raw)).toBe(true);
      });

      it('does not list a message delivered during the session until the next open', async () => {
        await h.deliver('alice', 'old\r\n');
        const drop = await h.store.openMaildrop('alice');
        await h.deliver('alice', 'new\r\n');
        expect(drop.messages).toHaveLength(1);
        expect(await bodies(drop)).toEqual(['old\r\n']);
        await drop.release();
        const next = await withMaildrop(h.store, 'alice', bodies);
        expect(next).toEqual(['old\r\n', 'new\r\n']);
      });
    });

    describe('unique-ids (RFC 1939 §7)', () => {
      it('gives ids of 1..70 characters in 0x21..0x7E, unique in the maildrop', async () => {
        for (let i = 0; i < 6; i++) await h.deliver('alice', 'same content\r\n');
        const uids = await withMaildrop(h.store, 'alice', async (d) => d.messages.map((m) => m.uid));
        for (const uid of uids) expect(uid).toMatch(UID_FORMAT);
        expect(new Set(uids).size).toBe(6);
      });

      it('keeps every id across sessions', async () => {
        for (let i = 0; i < 4; i++) await h.deliver('alice', `m${i}\r\n`);
        const first = await withMaildrop(h.store, 'alice', async (d) => d.messages.map((m) => [m.key, m.uid]));
        await h.deliver('alice', 'later\r\n');
        const second = await withMaildrop(h.store, 'alice', async (d) => d.messages.map((m) => [m.key, m.uid]));
        expect(second.slice(0, 4)).toEqual(first);
      });

      it('never reuses an id, even for a new message under an expunged message name', async () => {
        const t = 1_700_000_500;
        await h.deliver('alice', 'other\r\n', t - 1, 'other');
        await h.deliver('alice', 'same\r\n', t, 'reused');
        const seen = new Set<string>();
        // Expunge the newest message: a counter derived from the ids still in use would repeat it.
        const goneUid = await withMaildrop(h.store, 'alice', async (d) => {
          d.messages.forEach((m) => seen.add(m.uid));
          await d.expunge([d.messages[1]!.key]);
          return d.messages[1]!.uid;
        });
        await h.deliver('alice', 'same\r\n', t, 'reused');
        const again = await withMaildrop(h.store, 'alice', async (d) => d.messages.map((m) => m.uid));
        expect(again).toHaveLength(2);
        expect(again).not.toContain(goneUid);
        expect(again.filter((u) => seen.has(u))).toHaveLength(1); // only "other" keeps its id
      });

      it('never reuses an id after the maildrop was emptied', async () => {
        await h.deliver('alice', 'one\r\n', 1_700_000_600, 'one');
        const seen = await withMaildrop(h.store, 'alice', async (d) => {
          await d.expunge(d.messages.map((m) => m.key));
          return d.messages.map((m) => m.uid);
        });
        await h.deliver('alice', 'one\r\n', 1_700_000_600, 'one');
        const again = await withMaildrop(h.store, 'alice', async (d) => d.messages.map((m) => m.uid));
        expect(again).toHaveLength(1);
        expect(seen).not.toContain(again[0]);
      });
    });

    describe('exclusive lock (RFC 1939 §4)', () => {
      it("rejects a second open with 'in-use' until the first is released", async () => {
        await h.addUser('alice');
        const first = await h.store.openMaildrop('alice');
        await expectStoreError(h.store.openMaildrop('alice'), 'in-use');
        await first.release();
        const again = await h.store.openMaildrop('alice');
        await again.release();
      });

      it('lets exactly one of two racing opens win', async () => {
        await h.addUser('alice');
        const results = await Promise.allSettled([h.store.openMaildrop('alice'), h.store.openMaildrop('alice')]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect((lost[0]!.reason as StoreError).code).toBe('in-use');
        await (won[0] as PromiseFulfilledResult<Maildrop>).value.release();
      });

      it('locks each maildrop separately', async () => {
        await h.addUser('alice');
        await h.addUser('bob');
        const a = await h.store.openMaildrop('alice');
        const b = await h.store.openMaildrop('bob');
        await Promise.all([a.release(), b.release()]);
      });

      it('makes release idempotent', async () => {
        await h.addUser('alice');
        const drop = await h.store.openMaildrop('alice');
        await drop.release();
        await drop.release();
        const other = await h.store.openMaildrop('alice');
        await drop.release(); // a stale handle must not free someone else's lock
        await expectStoreError(h.store.openMaildrop('alice'), 'in-use');
        await other.release();
      });
    });

    describe('UPDATE (RFC 1939 §6)', () => {
      it('expunges exactly the listed messages', async () => {
        for (const b of ['one\r\n', 'two\r\n', 'three\r\n']) await h.deliver('alice', b);
        const before = await withMaildrop(h.store, 'alice', async (d) => {
          await d.expunge([d.messages[1]!.key]);
          return d.messages;
        });
        const after = await withMaildrop(h.store, 'alice', async (d) => ({ metas: d.messages, bodies: await bodies(d) }));
        expect(after.bodies).toEqual(['one\r\n', 'three\r\n']);
        expect(after.metas).toEqual([before[0], before[2]]);
      });

      it('removes nothing when released without expunge', async () => {
        for (const b of ['one\r\n', 'two\r\n']) await h.deliver('alice', b);
        await withMaildrop(h.store, 'alice', async () => undefined);
        expect(await withMaildrop(h.store, 'alice', bodies)).toEqual(['one\r\n', 'two\r\n']);
      });

      it('counts already-removed messages as removed', async () => {
        await h.deliver('alice', 'one\r\n');
        await withMaildrop(h.store, 'alice', async (d) => {
          const key = d.messages[0]!.key;
          await d.expunge([key]);
          await d.expunge([key, key]);
        });
        expect(await withMaildrop(h.store, 'alice', async (d) => d.messages)).toEqual([]);
      });

      it("reports 'gone' when opening a message that was removed", async () => {
        await h.deliver('alice', 'one\r\n');
        await h.deliver('alice', 'two\r\n');
        await withMaildrop(h.store, 'alice', async (d) => {
          const [gone, kept] = d.messages;
          await d.expunge([gone!.key]);
          await expectStoreError(d.openMessage(gone!.key), 'gone');
          expect(await readAll(d, kept!.key)).toBe('two\r\n');
        });
      });

      it('leaves a message delivered during the session alone', async () => {
        await h.deliver('alice', 'old\r\n');
        await withMaildrop(h.store, 'alice', async (d) => {
          await h.deliver('alice', 'new\r\n');
          await d.expunge(d.messages.map((m) => m.key));
        });
        expect(await withMaildrop(h.store, 'alice', bodies)).toEqual(['new\r\n']);
      });
    });
  });
}
