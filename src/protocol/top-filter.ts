/**
 * RFC 1939 §7 (TOP msg n): "the server sends the headers of the message, the blank line separating
 * the headers from the body, and then the number of lines of the indicated message's body".
 *
 * TopState reads the canonical (CRLF) form chunk by chunk and keeps the header, the blank line and
 * `bodyLines` body lines. A message with no blank line is all header and is sent whole. Once the
 * count is reached `done` turns true so the caller can stop reading the file early.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { LF } from './limits.js';

export class TopState {
  private inHeader = true;
  private lineLength = 0; // octets of the current line so far, LF excluded
  private bodyLeft: number;
  done = false;

  constructor(bodyLines: number) {
    this.bodyLeft = bodyLines;
  }

  /** The part of `chunk` that belongs to the TOP response (empty once done). */
  take(chunk: Buffer): Buffer {
    if (this.done) return chunk.subarray(0, 0);
    let i = 0;
    while (i < chunk.length) {
      if (!this.inHeader && this.bodyLeft === 0) {
        this.done = true;
        return chunk.subarray(0, i);
      }
      const lf = chunk.indexOf(LF, i);
      if (lf === -1) {
        this.lineLength += chunk.length - i;
        return chunk;
      }
      // In CRLF text the blank line is a lone CR before the LF.
      const length = this.lineLength + (lf - i);
      if (this.inHeader) {
        if (length <= 1) this.inHeader = false;
      } else {
        this.bodyLeft--;
      }
      this.lineLength = 0;
      i = lf + 1;
    }
    if (!this.inHeader && this.bodyLeft === 0) this.done = true;
    return chunk;
  }
}

/** Stream form of TopState; stops passing data once the count is reached. */
export class TopFilter extends Transform {
  private readonly state: TopState;

  constructor(bodyLines: number) {
    super();
    this.state = new TopState(bodyLines);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const out = this.state.take(chunk);
    if (out.length > 0) this.push(out);
    done();
  }
}
