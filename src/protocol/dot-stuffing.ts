/**
 * RFC 1939 §3: in a multi-line response, a line that begins with the termination octet "." is
 * byte-stuffed with one more "."; the response ends with ".CRLF" on a line of its own.
 *
 * DotStuffer (server) streams canonical CRLF text into its stuffed form. MultiLineDecoder (client)
 * reads a stuffed body back, line by line, stopping exactly at the terminator and keeping the
 * bytes after it for the next response (pipelining). stuff()/unstuff() are whole-buffer forms.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { CR, DOT, LF } from './limits.js';

export const TERMINATOR = Buffer.from('.\r\n');
const DOT_BYTES = Buffer.from('.');
const LF_DOT = Buffer.from('\n.');
const EMPTY = Buffer.alloc(0);

export class StuffState {
  private atLineStart = true;

  convert(chunk: Buffer): Buffer {
    if (chunk.length === 0) return chunk;
    const parts: Buffer[] = [];
    let from = 0;
    if (this.atLineStart && chunk[0] === DOT) parts.push(DOT_BYTES);
    // Search for "\n." natively rather than stepping through every line in JS (bench profile).
    let at = chunk.indexOf(LF_DOT);
    while (at !== -1) {
      parts.push(chunk.subarray(from, at + 1), DOT_BYTES);
      from = at + 1;
      at = chunk.indexOf(LF_DOT, at + 1);
    }
    this.atLineStart = chunk[chunk.length - 1] === LF;
    if (parts.length === 0) return chunk;
    parts.push(chunk.subarray(from));
    return Buffer.concat(parts);
  }
}

export class DotStuffer extends Transform {
  private readonly state = new StuffState();
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.push(this.state.convert(chunk));
    done();
  }
}

/** Stuffs a canonical (CRLF) body; the terminator is not added. */
export function stuff(canonical: Buffer): Buffer {
  return new StuffState().convert(canonical);
}

/** A client-side decoding step: data lines decoded so far, and whether the terminator was seen. */
export interface DecodeStep {
  readonly data: Buffer;
  readonly done: boolean;
  /** Bytes that followed the terminator (the next response), only when done. */
  readonly rest: Buffer;
}

/**
 * Decodes a stuffed multi-line body incrementally. Lines are split on CRLF; a bare LF inside a line
 * is kept as data, so the decoded bytes are exactly what the server meant to send. `violations`
 * lists framing errors seen (a data line starting with a single "." other than the terminator).
 */
export class MultiLineDecoder {
  private carry: Buffer = EMPTY;
  readonly violations: string[] = [];
  private lineNo = 0;

  push(chunk: Buffer): DecodeStep {
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const out: Buffer[] = [];
    let from = 0;
    for (;;) {
      const lf = findCrlf(buf, from);
      if (lf === -1) break;
      const line = buf.subarray(from, lf); // without CRLF
      const next = lf + 2;
      this.lineNo++;
      if (line.length === 1 && line[0] === DOT) {
        this.carry = EMPTY;
        return { data: Buffer.concat(out), done: true, rest: buf.subarray(next) };
      }
      if (line.length > 0 && line[0] === DOT) {
        if (line[1] !== DOT) this.violations.push(`line ${this.lineNo} starts with an unstuffed "."`);
        out.push(buf.subarray(from + 1, next));
      } else {
        out.push(buf.subarray(from, next));
      }
      from = next;
    }
    this.carry = Buffer.from(buf.subarray(from));
    return { data: Buffer.concat(out), done: false, rest: EMPTY };
  }

  /** Octets held waiting for the end of a line. */
  get pendingOctets(): number {
    return this.carry.length;
  }
}

/** Index of the CR of the first CRLF at or after `from`, or -1. A bare LF is line data. */
function findCrlf(buf: Buffer, from: number): number {
  let at = buf.indexOf(LF, from + 1);
  while (at !== -1 && buf[at - 1] !== CR) at = buf.indexOf(LF, at + 1);
  return at === -1 ? -1 : at - 1;
}

/** Whole-buffer decode of a stuffed body that ends with the terminator line. */
export function unstuff(stuffedWithTerminator: Buffer): Buffer {
  const d = new MultiLineDecoder();
  const step = d.push(stuffedWithTerminator);
  if (!step.done) throw new Error('multi-line body has no terminator');
  return step.data;
}
