/**
 * A stored message that is an open file. It is a Readable like any message body (the transform,
 * tests and other consumers stream it), and it also lets the server read it by position into its
 * own pooled buffers (readAt), which is how RETR streams large files without a stream's per-chunk
 * allocations (issue 7).
 */
import { close, read } from 'node:fs';
import { Readable } from 'node:stream';

/** Chunk size when it is consumed as a stream, as fs.createReadStream's default. */
const STREAM_CHUNK_OCTETS = 64 * 1024;

export class MessageFile extends Readable {
  private position = 0;
  private reading = 0;
  private closeWhenIdle: (() => void) | undefined;

  /**
   * @param fd an open descriptor, owned from now on: closed on destroy()
   * @param storedOctets the file's size, checked against the session's listing when it was opened
   * @param canonical the stored size equals the canonical size the listing gave, so the stored
   *   bytes are already the canonical CRLF form (normalising only adds octets: crlf-normalizer.ts)
   */
  constructor(
    private readonly fd: number,
    readonly storedOctets: number,
    readonly canonical: boolean,
  ) {
    super({ highWaterMark: STREAM_CHUNK_OCTETS });
  }

  /**
   * Reads up to `length` octets at `position` into `into` at `offset`; 0 at the end of the file.
   * The descriptor stays open until every read has settled, even if destroy() comes first.
   */
  readAt(into: Buffer, offset: number, length: number, position: number): Promise<number> {
    if (this.destroyed) return Promise.reject(new Error('the message file is closed'));
    this.reading++;
    return new Promise((resolve, reject) => {
      read(this.fd, into, offset, length, position, (err, octets) => {
        this.reading--;
        if (this.reading === 0) this.closeWhenIdle?.();
        if (err) reject(err);
        else resolve(octets);
      });
    });
  }

  override _read(): void {
    const buf = Buffer.allocUnsafe(STREAM_CHUNK_OCTETS);
    this.readAt(buf, 0, buf.length, this.position).then(
      (octets) => {
        this.position += octets;
        this.push(octets === 0 ? null : buf.subarray(0, octets));
      },
      (err: Error) => this.destroy(err),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Closing under a read in flight could let the descriptor number be reused and read from.
    const closeNow = (): void => {
      this.closeWhenIdle = undefined;
      close(this.fd, (closeError) => callback(error ?? closeError));
    };
    if (this.reading === 0) closeNow();
    else this.closeWhenIdle = closeNow;
  }
}
