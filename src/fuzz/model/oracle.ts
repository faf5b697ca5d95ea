/**
 * Expected values the model computes from the messages themselves. RETR's bytes are the canonical
 * form from the shared codec (canonicalize); TOP's cut is computed here independently of the
 * server's streaming TopState, on whole lines, so the two implementations check each other.
 */
import { canonicalize } from '../../protocol/crlf-normalizer.js';

export { canonicalize };

/**
 * RFC 1939 §7 TOP msg n: the header, the blank line, then n lines of the body. A message without a
 * blank line is all header and is sent whole. Lines of the canonical form all end in CRLF, so the
 * blank line is exactly "\r\n".
 */
export function topOf(canonical: Buffer, bodyLines: number): Buffer {
  const ends: number[] = [];
  for (let at = canonical.indexOf(0x0a); at !== -1; at = canonical.indexOf(0x0a, at + 1)) ends.push(at + 1);
  let start = 0;
  let blankEnd: number | undefined;
  for (const end of ends) {
    if (end - start === 2) {
      blankEnd = end;
      break;
    }
    start = end;
  }
  if (blankEnd === undefined) return canonical;
  const after = ends.filter((e) => e > blankEnd);
  const cut = bodyLines === 0 ? blankEnd : (after[Math.min(bodyLines, after.length) - 1] ?? blankEnd);
  return canonical.subarray(0, cut);
}

/** The lines of a multi-line body (un-stuffed data), without their CRLF. */
export function bodyLines(data: Buffer): string[] {
  const text = data.toString('latin1');
  if (text === '') return [];
  return text.replace(/\r\n$/, '').split('\r\n');
}
