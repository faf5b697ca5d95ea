import { describe, expect, it } from 'vitest';
import { MemoryStore } from './memory-store.js';
import { describeStoreContract, readAll, withMaildrop } from './store-contract.js';

describeStoreContract('MemoryStore', async () => {
  const store = new MemoryStore();
  let clock = 1_700_000_000;
  return {
    store,
    addUser: async (user) => store.addUser(user),
    deliver: async (user, bytes, at, name) => {
      store.addUser(user);
      const seconds = at ?? ++clock;
      return store.deliver(user, bytes, { key: name, deliveredAt: new Date(seconds * 1000) });
    },
    cleanup: async () => undefined,
  };
});

describe('MemoryStore', () => {
  it('returns the keys it assigns and lists messages for tests', async () => {
    const store = new MemoryStore();
    store.addUser('alice');
    const k1 = store.deliver('alice', 'one\n', { deliveredAt: new Date(1000) });
    const k2 = store.deliver('alice', Buffer.from('two\n'), { deliveredAt: new Date(2000) });
    expect(k1).not.toBe(k2);
    expect(store.messagesOf('alice').map(String)).toEqual(['one\n', 'two\n']);
    await withMaildrop(store, 'alice', async (d) => {
      expect(d.messages.map((m) => m.key)).toEqual([k1, k2]);
      expect(await readAll(d, k2)).toBe('two\n');
    });
  });

  it('rejects unsafe names and duplicate keys when adding', () => {
    const store = new MemoryStore();
    expect(() => store.addUser('../x')).toThrow(RangeError);
    expect(() => store.deliver('nobody', 'x')).toThrow(RangeError);
    store.addUser('alice');
    store.deliver('alice', 'x', { key: 'k' });
    expect(() => store.deliver('alice', 'y', { key: 'k' })).toThrow(RangeError);
  });

  it('does not let a new message under an expunged key stand in for the old one', async () => {
    const store = new MemoryStore();
    store.addUser('alice');
    store.deliver('alice', 'old\n', { key: 'k' });
    await withMaildrop(store, 'alice', async (d) => {
      await d.expunge(['k']);
      store.deliver('alice', 'new\n', { key: 'k' });
      await expect(d.openMessage('k')).rejects.toMatchObject({ code: 'gone' });
      await d.expunge(['k']);
    });
    expect(store.messagesOf('alice').map(String)).toEqual(['new\n']);
  });
});
