/**
 * RFC 1939 §3, §5, §7: streams a stored message into a multi-line response body: file ->
 * CRLF normalisation -> (TOP's cut) -> byte-stuffing -> socket. Each chunk waits for the socket to
 * drain before the next is read, so a 1 GB message or a client that never reads costs a bounded
 * amount of memory. The terminator is written by the caller.
 */
import type { Readable } from 'node:stream';
import { CrlfState } from '../protocol/crlf-normalizer.js';
import { StuffState } from '../protocol/dot-stuffing.js';
import { TopState } from '../protocol/top-filter.js';

/** Writes a chunk; resolves false when the connection is gone and writing should stop. */
export type ChunkWriter = (chunk: Buffer) => Promise<boolean>;

/** Returns the octets of canonical message text sent (before stuffing). */
export async function writeMessageBody(body: Readable, write: ChunkWriter, topLines?: number): Promise<number> {
  const crlf = new CrlfState();
  const stuff = new StuffState();
  const top = topLines === undefined ? undefined : new TopState(topLines);
  let sent = 0;
  const emit = async (canonical: Buffer): Promise<boolean> => {
    const part = top ? top.take(canonical) : canonical;
    if (part.length === 0) return true;
    sent += part.length;
    return write(stuff.convert(part));
  };
  try {
    for await (const chunk of body) {
      if (!(await emit(crlf.convert(chunk as Buffer)))) return sent;
      if (top?.done) return sent;
    }
    await emit(crlf.finish());
    return sent;
  } finally {
    body.destroy();
  }
}
