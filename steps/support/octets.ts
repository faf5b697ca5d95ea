/**
 * Octets written in step text: "\r", "\n", "\t", "\\" and "\xNN" escapes, everything else as is
 * (latin1), so a scenario can send exactly the bytes it means, NUL and bare CR included.
 */
export function decodeOctets(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      out.push(c.charCodeAt(0) & 0xff);
      continue;
    }
    const next = text[i + 1];
    if (next === 'r') out.push(0x0d);
    else if (next === 'n') out.push(0x0a);
    else if (next === 't') out.push(0x09);
    else if (next === '\\') out.push(0x5c);
    else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
      out.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 2;
    } else throw new Error(`step error: unknown escape "\\${next ?? ''}" in ${JSON.stringify(text)}`);
    i++;
  }
  return Buffer.from(out);
}
