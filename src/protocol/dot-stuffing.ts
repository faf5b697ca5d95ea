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
const LF_DOT = Buffer.from('\n.');
/**
 * Dots are "dense" once at least this many were not at a line start and they came on average
 * closer than DENSE_DOTS_GAP octets apart: about as often as line ends in prose, where the "\n."
 * search is as fast.
 */
const DENSE_DOTS_MIN_MISSES = 64;
const DENSE_DOTS_GAP = 80;
const EMPTY = Buffer.alloc(0);

export class StuffState {
  private atLineStart = true;
  /** Offsets in the current chunk where a "." goes in; reused so a chunk allocates nothing. */
  private readonly marks: number[] = [];

  /** True when the octets converted so far end a line (or none were converted). */
  get lineStart(): boolean {
    return this.atLineStart;
  }

  /** The stuffed form of `chunk` (`chunk` itself when no line in it starts with "."). */
  convert(chunk: Buffer): Buffer {
    const marks = this.findDotLines(chunk);
    return marks.length === 0 ? chunk : insertDots(chunk, marks);
  }

  /**
   * Stuffs `buf[0, length)` in place, using the spare room after `length` (the server's pooled read
   * buffers have some): returns the stuffed form as a view of `buf`, or a new buffer when the dots
   * do not fit. In place, each run moves right with one copyWithin (a memmove), from the last run
   * back, so nothing is allocated per line or per chunk (bench profile: per-run Buffer.copy calls
   * cost more than the copying).
   */
  convertInPlace(buf: Buffer, length: number): Buffer {
    const text = buf.subarray(0, length);
    const marks = this.findDotLines(text);
    const stuffedLength = length + marks.length;
    if (marks.length === 0) return text;
    if (stuffedLength > buf.length) return insertDots(text, marks);
    let end = length;
    for (let k = marks.length - 1; k >= 0; k--) {
      const mark = marks[k]!;
      // Everything from this dot line to `end` moves right by the k + 1 dots at or before it.
      buf.copyWithin(mark + k + 1, mark, end);
      buf[mark + k] = DOT;
      end = mark;
    }
    return buf.subarray(0, stuffedLength);
  }

  /**
   * Offsets in `text` where a "." goes in: the start of every line that begins with "." (in a
   * reused array). A bare LF starts a line here too: a client must never see an unstuffed "."
   * after any LF.
   *
   * Searched natively, and for the rarer octet first: "." (absent from base64, rare in text), each
   * hit kept when an LF precedes it. Searching "\n." instead costs one native call per line (the
   * search runs memchr for its first octet, LF; bench profile: a fifth of a RETR's CPU). Where dots
   * turn out dense (dot art, a line of "....") the search switches to "\n." for the rest of the
   * chunk, so neither search costs more than one call per line.
   */
  private findDotLines(text: Buffer): number[] {
    const marks = this.marks;
    marks.length = 0;
    if (text.length === 0) return marks;
    if (this.atLineStart && text[0] === DOT) marks.push(0);
    let misses = 0;
    let at = text.indexOf(DOT, 1);
    while (at !== -1) {
      if (text[at - 1] === LF) marks.push(at);
      else if (++misses >= DENSE_DOTS_MIN_MISSES && misses * DENSE_DOTS_GAP > at) {
        this.findLfDots(text, at + 1);
        break;
      }
      at = text.indexOf(DOT, at + 1);
    }
    this.atLineStart = text[text.length - 1] === LF;
    return marks;
  }

  /** The "\n." search, from `from` on (marks already found stay). */
  private findLfDots(text: Buffer, from: number): void {
    let at = text.indexOf(LF_DOT, from - 1);
    while (at !== -1) {
      this.marks.push(at + 1);
      at = text.indexOf(LF_DOT, at + 2);
    }
  }
}

/** `chunk` with a "." inserted at each offset of `marks`, in a new buffer. */
function insertDots(chunk: Buffer, marks: readonly number[]): Buffer {
  const target = Buffer.allocUnsafe(chunk.length + marks.length);
  let from = 0;
  let to = 0;
  for (const mark of marks) {
    to += chunk.copy(target, to, from, mark);
    target[to++] = DOT;
    from = mark;
  }
  chunk.copy(target, to, from);
  return target;
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
