/** A wire transcript: every byte each side sent, in order, for failure reports. */
export interface TranscriptEntry {
  /** Who sent the bytes, or 'note' for an event of the connection (the TLS negotiation). */
  readonly from: 'client' | 'server' | 'note';
  readonly bytes: Buffer;
  /** Milliseconds since the connection opened. */
  readonly at: number;
}

const MAX_SHOWN_OCTETS = 4096;

/** Renders a transcript as `C: ...` / `S: ...` lines with control bytes made visible. */
export function renderTranscript(entries: readonly TranscriptEntry[], maxOctets = MAX_SHOWN_OCTETS): string {
  const out: string[] = [];
  let shown = 0;
  for (const e of entries) {
    if (e.from === 'note') {
      out.push(`-- ${e.bytes.toString('utf8')} --`);
      continue;
    }
    if (shown >= maxOctets) {
      out.push(`… (${entries.length} writes in all, cut at ${maxOctets} octets)`);
      break;
    }
    const part = e.bytes.subarray(0, Math.max(0, maxOctets - shown));
    shown += part.length;
    const text = visible(part) + (part.length < e.bytes.length ? `… (+${e.bytes.length - part.length} octets)` : '');
    for (const line of text.split(/(?<=\\n)/)) out.push(`${e.from === 'client' ? 'C' : 'S'}: ${line}`);
  }
  return out.join('\n');
}

/** Shows CR, LF and other controls as escapes, bytes >= 0x80 as \xNN. */
export function visible(bytes: Buffer): string {
  let s = '';
  for (const b of bytes) {
    if (b === 0x0d) s += '\\r';
    else if (b === 0x0a) s += '\\n';
    else if (b < 0x20 || b === 0x7f || b >= 0x80) s += `\\x${b.toString(16).padStart(2, '0')}`;
    else s += String.fromCharCode(b);
  }
  return s;
}
