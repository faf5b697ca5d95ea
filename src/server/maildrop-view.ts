/**
 * The session's view of an open maildrop (RFC 1939 §5): message numbers fixed at login, deleted
 * marks that only UPDATE (§6) turns into removals, and RSET clears.
 */
import type { Maildrop, MessageMeta } from '../store/types.js';

export interface NumberedMessage {
  readonly number: number;
  readonly meta: MessageMeta;
}

export class MaildropView {
  private readonly deleted = new Set<number>();

  constructor(readonly maildrop: Maildrop) {}

  get count(): number {
    return this.maildrop.messages.length;
  }

  /** Messages not marked as deleted, in number order. */
  *live(): Generator<NumberedMessage> {
    const all = this.maildrop.messages;
    for (let i = 0; i < all.length; i++) if (!this.deleted.has(i + 1)) yield { number: i + 1, meta: all[i]! };
  }

  /** STAT and RSET totals: "messages marked as deleted are not counted in either total". */
  totals(): { count: number; octets: number } {
    let count = 0;
    let octets = 0;
    for (const m of this.live()) {
      count++;
      octets += m.meta.size;
    }
    return { count, octets };
  }

  lookup(number: number): { message: NumberedMessage } | { missing: 'no-such' | 'deleted' } {
    const meta = this.maildrop.messages[number - 1];
    if (meta === undefined) return { missing: 'no-such' };
    if (this.deleted.has(number)) return { missing: 'deleted' };
    return { message: { number, meta } };
  }

  markDeleted(number: number): void {
    this.deleted.add(number);
  }

  reset(): void {
    this.deleted.clear();
  }

  get deletedKeys(): string[] {
    return [...this.deleted].sort((a, b) => a - b).map((n) => this.maildrop.messages[n - 1]!.key);
  }
}
