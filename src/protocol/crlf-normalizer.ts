/**
 * RFC 1939 §3: multi-line responses are lines ending in CRLF. Stored messages may use bare LF
 * (Unix mailboxes, the seed's flat files) and may lack a final line break.
 *
 * CrlfNormalizer streams any bytes into the canonical transmitted form: every LF not preceded by
 * CR becomes CRLF, and a non-empty message that does not end in a line break gets a final CRLF
 * (the terminator ".CRLF" must start a line). LIST and STAT sizes are the length of this form
 * (RFC 1939 §5, "exact size"), computed by canonicalSize() with the same code.
 *
 * The canonical form only ever adds octets (a CR before a bare LF, a final CRLF or LF) and never
 * drops or changes one; a bare CR stays as it is. So a stored message whose size equals its
 * canonical size is already canonical, and the server skips this pass for it (property-tested).
 */
import { Transform, type TransformCallback, type Readable } from 'node:stream';
import { CR, LF } from './limits.js';

const CRLF_BYTES = Buffer.from('\r\n');

/** Pure state machine shared by the transform and the size counter. */
export class CrlfState {
  private prev = -1; // last byte seen, -1 before any
  private total = 0;

  /** Returns the normalised form of `chunk` (the same buffer when nothing changes). */
  convert(chunk: Buffer): Buffer {
    if (chunk.length === 0) return chunk;
    const parts: Buffer[] = [];
    let from = 0;
    let at = chunk.indexOf(LF);
    while (at !== -1) {
      const before = at === 0 ? this.prev : chunk[at - 1]!;
      if (before !== CR) {
        parts.push(chunk.subarray(from, at), CRLF_BYTES);
        from = at + 1;
      }
      at = chunk.indexOf(LF, at + 1);
    }
    this.prev = chunk[chunk.length - 1]!;
    const out = parts.length === 0 ? chunk : Buffer.concat([...parts, chunk.subarray(from)]);
    this.total += out.length;
    return out;
  }

  /** What must follow the last chunk: a CRLF when the message does not end in a line break. */
  finish(): Buffer {
    if (this.prev === -1 || this.prev === LF) return Buffer.alloc(0);
    // A lone CR at the very end becomes CRLF by adding LF only.
    const tail = this.prev === CR ? Buffer.from('\n') : CRLF_BYTES;
    this.total += tail.length;
    this.prev = LF;
    return tail;
  }

  get octets(): number {
    return this.total;
  }
}

export class CrlfNormalizer extends Transform {
  private readonly state = new CrlfState();

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const out = this.state.convert(chunk);
    if (out.length > 0) this.push(out);
    done();
  }

  override _flush(done: TransformCallback): void {
    const tail = this.state.finish();
    if (tail.length > 0) this.push(tail);
    done();
  }
}

/** Normalises a whole buffer (tests, in-memory messages). */
export function canonicalize(bytes: Buffer): Buffer {
  const s = new CrlfState();
  return Buffer.concat([s.convert(bytes), s.finish()]);
}

/** Octets of the canonical form of a stream, reading it once with constant memory. */
export async function canonicalSize(source: Readable): Promise<number> {
  const s = new CrlfState();
  for await (const chunk of source) s.convert(chunk as Buffer);
  s.finish();
  return s.octets;
}
