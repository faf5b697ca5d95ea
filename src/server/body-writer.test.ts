import { openSync, promises as fs, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalize } from '../protocol/crlf-normalizer.js';
import { stuff, TERMINATOR } from '../protocol/dot-stuffing.js';
import { cut, STREAM_RUNS } from '../protocol/testing/property-support.js';
import { TopState } from '../protocol/top-filter.js';
import { MessageFile } from '../store/message-file.js';
import { sendMessage, type MessageSink, type OutgoingMessage, type SendResult } from './body-writer.js';
import { READ_CHUNK_OCTETS, SMALL_MESSAGE_OCTETS } from './buffer-pool.js';

const HEAD = Buffer.from('+OK here it comes\r\n');

/**
 * A sink like a socket that accepts each write at once but calls back one write late: it keeps the
 * buffers it was given and copies them only when it calls `written`, at the next write or at the
 * end. A pooled buffer reused before its write called back shows up as corrupted output.
 */
class LateSink implements MessageSink {
  readonly writes: number[] = [];
  private readonly out: Buffer[] = [];
  private pending: { parts: readonly Buffer[]; written?: () => void } | undefined;
  private open = true;

  constructor(private readonly closeAfterWrites = Infinity) {}

  write(parts: readonly Buffer[], written?: () => void): Promise<boolean> {
    if (!this.open) {
      written?.();
      return Promise.resolve(false);
    }
    this.flush();
    this.writes.push(parts.length);
    this.pending = { parts, written };
    this.open = this.writes.length < this.closeAfterWrites;
    return Promise.resolve(this.open);
  }

  get bytes(): Buffer {
    this.flush();
    return Buffer.concat(this.out);
  }

  private flush(): void {
    const p = this.pending;
    this.pending = undefined;
    if (p === undefined) return;
    for (const part of p.parts) this.out.push(Buffer.from(part));
    p.written?.();
  }
}

let dir: string;
let files = 0;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'popcheck-body-writer-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A MessageFile over `bytes`, as the Maildir store opens it; `stored` overrides the size it was listed with. */
function messageFile(bytes: Buffer, opts: { canonical?: boolean; stored?: number } = {}): MessageFile {
  const file = path.join(dir, `m${files++}`);
  writeFileSync(file, bytes);
  const canonical = opts.canonical ?? canonicalize(bytes).length === bytes.length;
  return new MessageFile(openSync(file, 'r'), opts.stored ?? bytes.length, canonical);
}

/** The whole response, computed from the whole message with the reference whole-buffer functions. */
function expected(bytes: Buffer, topLines?: number): Buffer {
  let canonical = canonicalize(bytes);
  if (topLines !== undefined) canonical = new TopState(topLines).take(canonical);
  return Buffer.concat([HEAD, stuff(canonical), TERMINATOR]);
}

async function send(body: Readable, opts: Partial<OutgoingMessage> = {}, sink = new LateSink()): Promise<{ result: SendResult; out: Buffer; sink: LateSink }> {
  const result = await sendMessage({ head: HEAD, body, ...opts }, sink);
  return { result, out: sink.bytes, sink };
}

/** Message text where dot lines, bare CRs and both line ends are frequent. */
const messageArb = fc
  .array(fc.constantFrom('', '.', '..', '.a', 'a.', 'Subject: x', 'body text', '\r', 'a\rb'), { maxLength: 40 })
  .chain((lines) => fc.tuple(fc.constant(lines), fc.constantFrom('\r\n', '\n', 'mixed'), fc.constantFrom('', '\r\n', '\n', '\r')))
  .map(([lines, eol, end]) => {
    const text = eol === 'mixed' ? lines.map((l, i) => l + (i % 3 === 0 ? '\n' : '\r\n')).join('') : lines.join(eol);
    return Buffer.from(text + end, 'latin1');
  });
const topArb = fc.option(fc.nat({ max: 5 }), { nil: undefined });

describe('sendMessage: a small message file', () => {
  it('goes out with its status line and terminator in one write', async () => {
    const bytes = Buffer.from('Subject: a\r\n\r\n.dot line\r\nend\r\n');
    const { result, out, sink } = await send(messageFile(bytes), { expectedOctets: bytes.length });
    expect(result).toEqual({ kind: 'sent', octets: bytes.length });
    expect(out.equals(expected(bytes))).toBe(true);
    expect(sink.writes).toEqual([3]);
  });

  it('canonical fast path == normalising path == streamed path, for RETR and TOP (property)', async () => {
    await fc.assert(
      fc.asyncProperty(messageArb, topArb, fc.array(fc.nat(), { maxLength: 6 }), async (bytes, topLines, points) => {
        const want = expected(bytes, topLines);
        const expectedOctets = topLines === undefined ? canonicalize(bytes).length : undefined;
        // The store's choice (canonical when the sizes match), the normalising path forced, and a
        // plain stream in random chunks (the memory store, a transformed message).
        for (const body of [messageFile(bytes), messageFile(bytes, { canonical: false }), Readable.from(cut(bytes, points))]) {
          const { result, out } = await send(body, { topLines, expectedOctets });
          expect(result.kind).toBe('sent');
          expect(out.toString('latin1')).toBe(want.toString('latin1'));
        }
      }),
      { numRuns: STREAM_RUNS },
    );
  });

  it('is refused before anything is sent when the file is longer or shorter than when it was opened', async () => {
    const bytes = Buffer.from('a\r\nb\r\n');
    for (const stored of [bytes.length - 1, bytes.length + 1]) {
      const { result, out } = await send(messageFile(bytes, { stored }), { expectedOctets: stored });
      expect(result).toMatchObject({ kind: 'changed', headSent: false });
      expect(out.length).toBe(0);
    }
  });

  it('is not terminated when the store took a file with a bare LF for canonical (same size, rewritten in place)', async () => {
    const bytes = Buffer.from('a\nb\n');
    const { result } = await send(messageFile(bytes, { canonical: true }), { expectedOctets: 6 });
    expect(result).toMatchObject({ kind: 'changed', headSent: false });
  });
});

describe('sendMessage: a large message file', () => {
  /** About 2.5 read chunks of mail text with a dot line every few lines. */
  function largeMessage(eol: string): Buffer {
    const lines: string[] = [];
    let size = 0;
    for (let i = 0; size < 2.5 * READ_CHUNK_OCTETS; i++) {
      const line = i % 7 === 0 ? `.dot line ${i}` : `line ${i} of a large message, long enough to look like text`;
      lines.push(line);
      size += line.length + eol.length;
    }
    return Buffer.from(lines.join(eol) + eol, 'latin1');
  }

  it.each([
    ['canonical CRLF', '\r\n'],
    ['bare LF', '\n'],
  ])('streams %s in chunks, equal to the whole-buffer form, never reusing a buffer before its write called back', async (_what, eol) => {
    const bytes = largeMessage(eol);
    const want = expected(bytes);
    const { result, out, sink } = await send(messageFile(bytes), { expectedOctets: canonicalize(bytes).length });
    expect(result.kind).toBe('sent');
    expect(out.equals(want)).toBe(true);
    expect(sink.writes.length).toBeGreaterThan(2);
  });

  it('serves TOP from the first chunk and stops reading', async () => {
    const bytes = Buffer.concat([Buffer.from('Subject: big\r\n\r\n.first\r\nsecond\r\n'), largeMessage('\r\n')]);
    const { result, out } = await send(messageFile(bytes), { topLines: 2 });
    expect(result.kind).toBe('sent');
    expect(out.toString('latin1')).toBe('+OK here it comes\r\nSubject: big\r\n\r\n..first\r\nsecond\r\n.\r\n');
  });

  it('is never terminated when the file is shorter than promised (truncated while sent)', async () => {
    const bytes = largeMessage('\r\n');
    const { result, out } = await send(messageFile(bytes, { stored: bytes.length + 100 }), { expectedOctets: bytes.length + 100 });
    expect(result).toMatchObject({ kind: 'changed', headSent: true });
    expect(out.subarray(-5).toString('latin1')).not.toBe('\r\n.\r\n');
  });

  it('stops at once when the connection goes away', async () => {
    const bytes = largeMessage('\r\n');
    const { result, sink } = await send(messageFile(bytes), { expectedOctets: bytes.length }, new LateSink(1));
    expect(result).toEqual({ kind: 'gone' });
    expect(sink.writes).toEqual([2]);
  });

  it('takes the small path only below SMALL_MESSAGE_OCTETS', async () => {
    const bytes = Buffer.alloc(SMALL_MESSAGE_OCTETS, 0x61);
    bytes.write('\r\n', bytes.length - 2);
    const { result, sink } = await send(messageFile(bytes), { expectedOctets: bytes.length });
    expect(result.kind).toBe('sent');
    expect(sink.writes).toEqual([2, 1]);
  });
});
