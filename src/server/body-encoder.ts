/**
 * RFC 1939 §3, §7: the transformations a stored message goes through on its way into a multi-line
 * response, chunk by chunk: CRLF normalisation -> (TOP's cut) -> byte-stuffing. The normalisation
 * is skipped for a file the store knows is already canonical (message-file.ts).
 */
import { CrlfState } from '../protocol/crlf-normalizer.js';
import { StuffState } from '../protocol/dot-stuffing.js';
import { TopState } from '../protocol/top-filter.js';

const EMPTY = Buffer.alloc(0);

export class BodyEncoder {
  private readonly crlf: CrlfState | undefined;
  private readonly top: TopState | undefined;
  private readonly stuff = new StuffState();
  /** Octets of canonical text taken so far (after TOP's cut, before stuffing). */
  octets = 0;

  constructor(canonical: boolean, topLines: number | undefined) {
    this.crlf = canonical ? undefined : new CrlfState();
    this.top = topLines === undefined ? undefined : new TopState(topLines);
  }

  /** The stuffed form of the next stored chunk; `chunk` is never modified. */
  encode(chunk: Buffer): Buffer {
    return this.stuff.convert(this.take(chunk));
  }

  /**
   * The stuffed form of the next stored chunk, `buf[0, length)`, a pooled buffer the caller owns.
   * When the chunk needs no line-end change (always for a canonical file) it is stuffed in place,
   * in the room after `length`.
   */
  encodeInPlace(buf: Buffer, length: number): Buffer {
    const stored = buf.subarray(0, length);
    const part = this.take(stored);
    // TOP's cut is a prefix, so a chunk the normaliser left as it was still starts at buf[0].
    return part.buffer === buf.buffer && part.byteOffset === buf.byteOffset ? this.stuff.convertInPlace(buf, part.length) : this.stuff.convert(part);
  }

  /** What follows the last stored chunk: a final line break the stored text lacked, stuffed. */
  finish(): Buffer {
    return this.crlf ? this.stuff.convert(this.cut(this.crlf.finish())) : EMPTY;
  }

  /** TOP has all its lines: the rest of the file need not be read. */
  get done(): boolean {
    return this.top?.done ?? false;
  }

  /**
   * The body may be terminated: it is the size promised (RETR's "+OK n octets"; a file that changed
   * while it was sent is not, issue 8) and it ends a line, so ".CRLF" is a line of its own.
   */
  whole(expectedOctets: number | undefined): boolean {
    return (expectedOctets === undefined || this.octets === expectedOctets) && this.stuff.lineStart;
  }

  /** Normalised and cut: the canonical text of this stored chunk that goes out. */
  private take(stored: Buffer): Buffer {
    return this.cut(this.crlf ? this.crlf.convert(stored) : stored);
  }

  /** TOP's cut of canonical text, counted. */
  private cut(canonical: Buffer): Buffer {
    const part = this.top ? this.top.take(canonical) : canonical;
    this.octets += part.length;
    return part;
  }
}
