/**
 * Deliberately broken MailStores, to show the model-based run catches a broken build: each wraps a
 * working store and breaks one promise of src/store/types.ts.
 */
import type { MailStore, Maildrop, MessageMeta } from '../../store/types.js';

/** UPDATE removes one message too many: the one after the last message marked as deleted (RFC 1939 §6). */
export function greedyExpunge(inner: MailStore): MailStore {
  return {
    async openMaildrop(user) {
      const drop = await inner.openMaildrop(user);
      return wrap(drop, drop.messages, async (keys) => {
        const last = Math.max(...keys.map((k) => drop.messages.findIndex((m) => m.key === k)));
        const extra = drop.messages[last + 1];
        await drop.expunge(extra ? [...keys, extra.key] : keys);
      });
    },
  };
}

/** The listing shows the last message twice: numbering, sizes and unique-ids all go wrong (§5, §7). */
export function duplicateListing(inner: MailStore): MailStore {
  return {
    async openMaildrop(user) {
      const drop = await inner.openMaildrop(user);
      const last = drop.messages[drop.messages.length - 1];
      return wrap(drop, last ? [...drop.messages, last] : drop.messages, (keys) => drop.expunge(keys));
    },
  };
}

function wrap(drop: Maildrop, messages: readonly MessageMeta[], expunge: (keys: readonly string[]) => Promise<void>): Maildrop {
  return {
    user: drop.user,
    messages,
    openMessage: (key) => drop.openMessage(key),
    expunge,
    release: () => drop.release(),
  };
}
