/**
 * RFC 1939 §3, §5, §7: sends a RETR or TOP response: the status line, the stored message as a
 * multi-line body (body-encoder.ts), and the terminator, which only a whole body gets.
 *
 * A file from the store (message-file.ts) is read by position into pooled buffers (buffer-pool.ts):
 *   - a small one in one read, and the status line, body and terminator leave in one write;
 *   - a large one READ_CHUNK_OCTETS at a time, the next read overlapping the write of the current
 *     chunk, and each write waiting for the socket to drain before the next chunk is stuffed.
 * Each chunk is stuffed in place, in its read buffer (StuffState.convertInPlace), so a session holds
 * at most three large buffers (about 3 MiB): the chunk being read, the chunk being stuffed or in the
 * socket, and the previous chunk until its write has called back (it has once the socket drained,
 * so two in the steady state). A client that never reads holds them until the idle timeout.
 * Any other body (the memory store, a transformed message) is streamed as it comes, one chunk held
 * back so that a small body still goes out with its status line and terminator in one write.
 */
import type { Readable } from 'node:stream';
import { TERMINATOR } from '../protocol/dot-stuffing.js';
import { MessageFile } from '../store/message-file.js';
import { BodyEncoder } from './body-encoder.js';
import { largeBuffers, READ_CHUNK_OCTETS, SMALL_MESSAGE_OCTETS, smallBuffers } from './buffer-pool.js';

export interface MessageSink {
  /**
   * Writes the parts in order, in one write where the socket allows. `written` runs exactly once,
   * when the socket no longer needs the buffers (pooled ones go back then). Resolves once the
   * socket can take more; false when the connection is gone and sending should stop.
   */
  write(parts: readonly Buffer[], written?: () => void): Promise<boolean>;
}

export interface OutgoingMessage {
  /** The "+OK" status line. */
  readonly head: Buffer;
  readonly body: Readable;
  /** TOP: body lines after the header; undefined sends the whole message. */
  readonly topLines?: number;
  /** RETR: the canonical octets promised; a body of another size is never terminated. */
  readonly expectedOctets?: number;
}

export type SendResult =
  /** The whole response is out; `octets` of canonical text (before stuffing). */
  | { readonly kind: 'sent'; readonly octets: number }
  /** The connection closed while sending. */
  | { readonly kind: 'gone' }
  /** The body is not what was promised (the file changed); no terminator was sent. */
  | { readonly kind: 'changed'; readonly octets: number; readonly headSent: boolean }
  /** Reading the message failed; no terminator was sent. */
  | { readonly kind: 'failed'; readonly error: unknown; readonly headSent: boolean };

const GONE: SendResult = { kind: 'gone' };

/** Sends `m` through `sink` and always destroys the body (closing a message file). */
export async function sendMessage(m: OutgoingMessage, sink: MessageSink): Promise<SendResult> {
  try {
    if (m.body instanceof MessageFile) {
      return m.body.storedOctets < SMALL_MESSAGE_OCTETS ? await sendSmallFile(m, m.body, sink) : await sendLargeFile(m, m.body, sink);
    }
    return await sendStream(m, sink);
  } finally {
    m.body.destroy();
  }
}

const nonEmpty = (parts: ReadonlyArray<Buffer | undefined>): Buffer[] => parts.filter((p): p is Buffer => p !== undefined && p.length > 0);

async function sendSmallFile(m: OutgoingMessage, file: MessageFile, sink: MessageSink): Promise<SendResult> {
  const buf = smallBuffers.take();
  let handedOver = false;
  const release = (): void => smallBuffers.give(buf);
  try {
    const enc = new BodyEncoder(file.canonical, m.topLines);
    let got: number;
    try {
      // One octet more than the file's size: a file that grew since it was opened is seen too.
      got = await file.readAt(buf, 0, file.storedOctets + 1, 0);
    } catch (error) {
      return { kind: 'failed', error, headSent: false };
    }
    const body = enc.encodeInPlace(buf, got);
    const tail = enc.finish();
    if (got !== file.storedOctets || !enc.whole(m.expectedOctets)) return { kind: 'changed', octets: enc.octets, headSent: false };
    handedOver = true;
    return (await sink.write(nonEmpty([m.head, body, tail, TERMINATOR]), release)) ? { kind: 'sent', octets: enc.octets } : GONE;
  } finally {
    if (!handedOver) release();
  }
}

interface ReadChunk {
  readonly buf: Buffer;
  readonly octets: number;
}

async function sendLargeFile(m: OutgoingMessage, file: MessageFile, sink: MessageSink): Promise<SendResult> {
  const pool = largeBuffers;
  const readChunk = (position: number): Promise<ReadChunk> => {
    const buf = pool.take();
    return file.readAt(buf, 0, READ_CHUNK_OCTETS, position).then(
      (octets) => ({ buf, octets }),
      (error: unknown) => {
        pool.give(buf);
        throw error;
      },
    );
  };
  const enc = new BodyEncoder(file.canonical, m.topLines);
  let headSent = false;
  let position = 0;
  // Always settled before returning: the file is closed after this, never under a read.
  let next: Promise<ReadChunk> | undefined = readChunk(0);
  try {
    for (;;) {
      let chunk: ReadChunk;
      try {
        chunk = await next;
      } catch (error) {
        return { kind: 'failed', error, headSent };
      } finally {
        next = undefined;
      }
      const release = (): void => pool.give(chunk.buf);
      if (chunk.octets === 0) {
        release();
        break;
      }
      position += chunk.octets;
      next = readChunk(position); // overlaps the stuffing and the write of this chunk
      const body = enc.encodeInPlace(chunk.buf, chunk.octets);
      const parts = nonEmpty(headSent ? [body] : [m.head, body]);
      headSent ||= parts.length > 0;
      if (parts.length === 0) release();
      else if (!(await sink.write(parts, release))) return GONE;
      if (enc.done) break;
    }
    const tail = enc.finish();
    if (!enc.whole(m.expectedOctets)) return { kind: 'changed', octets: enc.octets, headSent };
    const parts = nonEmpty([headSent ? undefined : m.head, tail, TERMINATOR]);
    return (await sink.write(parts)) ? { kind: 'sent', octets: enc.octets } : GONE;
  } finally {
    const pending = next as Promise<ReadChunk> | undefined;
    if (pending !== undefined) await pending.then((c) => pool.give(c.buf), () => undefined);
  }
}

async function sendStream(m: OutgoingMessage, sink: MessageSink): Promise<SendResult> {
  const enc = new BodyEncoder(false, m.topLines);
  let head: Buffer | undefined = m.head; // goes out with the first body write
  let held: Buffer | undefined; // the latest chunk, so the last one goes out with the terminator
  try {
    for await (const chunk of m.body) {
      const body = enc.encode(chunk as Buffer);
      if (body.length > 0) {
        if (held !== undefined) {
          if (!(await sink.write(nonEmpty([head, held])))) return GONE;
          head = undefined;
        }
        held = body;
      }
      if (enc.done) break;
    }
  } catch (error) {
    return { kind: 'failed', error, headSent: head === undefined };
  }
  const tail = enc.finish();
  if (!enc.whole(m.expectedOctets)) return { kind: 'changed', octets: enc.octets, headSent: head === undefined };
  return (await sink.write(nonEmpty([head, held, tail, TERMINATOR]))) ? { kind: 'sent', octets: enc.octets } : GONE;
}
