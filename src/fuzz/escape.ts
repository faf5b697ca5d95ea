/**
 * One way to write arbitrary octets as text, used by failure reports, JSON replays and generated
 * Gherkin: printable ASCII as is, CR and LF as \r and \n, everything else (and the characters that
 * would end a Gherkin string or table cell: \ " |) as \xNN. The conformance steps that take
 * octets ("the client sends the octets ...") read the same escapes.
 */
export function escapeOctets(bytes: Buffer, maxOctets = Number.POSITIVE_INFINITY): string {
  let s = '';
  const shown = bytes.subarray(0, Math.min(bytes.length, maxOctets));
  for (const b of shown) {
    if (b === 0x0d) s += '\\r';
    else if (b === 0x0a) s += '\\n';
    else if (b < 0x20 || b >= 0x7f || b === 0x5c || b === 0x22 || b === 0x7c) s += `\\x${b.toString(16).padStart(2, '0')}`;
    else s += String.fromCharCode(b);
  }
  if (shown.length < bytes.length) s += `… (+${bytes.length - shown.length} octets)`;
  return s;
}

/** The inverse of escapeOctets (without truncation); used to check round trips and read replays. */
export function unescapeOctets(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x5c) {
      out.push(c & 0xff);
      continue;
    }
    const next = text[i + 1];
    if (next === 'r') out.push(0x0d);
    else if (next === 'n') out.push(0x0a);
    else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
      out.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 2;
    } else throw new Error(`bad escape at ${i} in ${JSON.stringify(text.slice(i, i + 6))}`);
    i++;
  }
  return Buffer.from(out);
}

/**
 * escapeOctets for octets inside Gherkin step text and table cells: `$` too (the conformance steps
 * expand ${…} placeholders), and a space at either end (Gherkin trims table cells), as \xNN.
 */
export function escapeForStep(bytes: Buffer): string {
  return escapeOctets(bytes).replace(/\$/g, '\\x24').replace(/^ /, '\\x20').replace(/ $/, '\\x20');
}
