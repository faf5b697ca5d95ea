/**
 * RFC 1939 §7 (TOP msg n): "the server sends the headers of the message, the blank line separating
 * the headers from the body, and then the number of lines of the indicated message's body".
 *
 * TopFilter reads the canonical (CRLF) form and passes the header, the blank line and `bodyLines`
 * body lines. A message with no blank line is all header and is sent whole. Once the count is
 * reached it emits `complete` so the caller can stop reading the file early.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { LF } from './limits.js';

export class TopFilter extends Transform {
  private inHeader = true;
  private lineLength = 0; // octets of the current line so far (CRLF excluded)
  private bodyLeft: number;
  private finished = false;

  constructor(bodyLines: number) {
    super();
    this.bodyLeft = bodyLines;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.finished) return done();
    let i = 0;
    while (i < chunk.length) {
      if (!this.inHeader && this.bodyLeft === 0) {
        if (i > 0) this.push(chunk.subarray(0, i));
        this.finish();
        return done();
      }
      const lf = chunk.indexOf(LF, i);
      if (lf === -1) {
        this.lineLength += chunk.length - i;
        break;
      }
      const length = this.lineLength + (lf - i);
      // A line of only CR (length 1 before LF) is the empty line in CRLF text.
      if (this.inHeader && length <= 1) this.inHeader = false;
      else if (!this.inHeader) this.bodyLeft--;
      this.lineLength = 0;
      i = lf + 1;
    }
    if (!this.inHeader && this.bodyLeft === 0 && i >= chunk.length && this.lineLength === 0) {
      this.push(chunk);
      this.finish();
      return done();
    }
    this.push(chunk);
    done();
  }

  private finish(): void {
    this.finished = true;
    this.emit('complete');
  }
}
