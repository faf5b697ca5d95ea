/**
 * RFC 1939 §3 / RFC 2449 §4: commands are lines ending in CRLF, at most MAX_COMMAND_OCTETS long.
 *
 * LineSplitter turns an arbitrary sequence of byte chunks into complete lines. It holds at most
 * `maxLineOctets` bytes of an unfinished line: a longer line is reported once as `overflow`
 * the moment it crosses the limit, and its remaining bytes are discarded up to the next LF, so a
 * client that never sends a line break costs bounded memory. A bare LF also ends a line (many
 * clients and `nc` users send one); the CR before an LF is stripped from the line.
 */
import { CR, LF } from './limits.js';

export type SplitEvent =
  | { readonly kind: 'line'; readonly bytes: Buffer }
  | { readonly kind: 'overflow'; readonly limit: number };

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingOctets = 0;
  private discarding = false;

  /** `maxLineOctets` counts the terminating CRLF, as the RFC limits do. */
  constructor(public maxLineOctets: number) {}

  /** Feeds a chunk; returns the events it completes, in input order. Never throws. */
  push(chunk: Buffer): SplitEvent[] {
    const events: SplitEvent[] = [];
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(LF, start);
      const end = lf === -1 ? chunk.length : lf;
      if (this.discarding) {
        if (lf !== -1) this.discarding = false;
      } else {
        this.accumulate(chunk.subarray(start, end), events);
        if (lf !== -1 && !this.discarding) events.push({ kind: 'line', bytes: this.takeLine() });
        else if (lf !== -1) this.discarding = false;
      }
      if (lf === -1) break;
      start = lf + 1;
    }
    return events;
  }

  /** Octets of an unfinished line currently held (for memory accounting and tests). */
  get bufferedOctets(): number {
    return this.pendingOctets;
  }

  reset(): void {
    this.pending = [];
    this.pendingOctets = 0;
    this.discarding = false;
  }

  private accumulate(part: Buffer, events: SplitEvent[]): void {
    if (part.length === 0) return;
    // The line body may hold maxLineOctets - 2 octets (room for CRLF); a CR at the end of the
    // part is only a candidate terminator, so allow one octet more until we see what follows.
    const room = this.maxLineOctets - 1 - this.pendingOctets;
    if (part.length > room) {
      this.pending = [];
      this.pendingOctets = 0;
      this.discarding = true;
      events.push({ kind: 'overflow', limit: this.maxLineOctets });
      return;
    }
    // Copy: the caller's chunk may be a pooled buffer that is reused after this call.
    this.pending.push(Buffer.from(part));
    this.pendingOctets += part.length;
  }

  private takeLine(): Buffer {
    let line = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingOctets);
    this.pending = [];
    this.pendingOctets = 0;
    if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    return line;
  }
}
