/**
 * SASLprep-lite (RFC 4013, a profile of stringprep RFC 3454) for SCRAM user names and passwords
 * and PLAIN identities.
 *
 * Done: §2.1 non-ASCII spaces mapped to SPACE, §2.1 "commonly mapped to nothing" (B.1) removed,
 * §2.2 NFKC, §2.3 the prohibited tables C.1.2-C.9 (controls, private use, non-characters,
 * surrogates, display and tagging characters).
 * Not done ("lite"): the §2.4 bidirectional check (JavaScript has no Bidi_Class property) and the
 * Unicode 3.2 unassigned table A.1 (strings are treated as "query" strings, RFC 3454 §7).
 * For ASCII input without control characters the result is the input unchanged.
 */

const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/g;
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B-\u180D\u200C\u200D\u2060\uFE00-\uFE0F\uFEFF]/g;

// C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9 (C.1.2 is mapped away above).
const PROHIBITED = new RegExp(
  [
    '[\\u0000-\\u001F\\u007F]', // C.2.1 ASCII control
    '[\\u0080-\\u009F\\u06DD\\u070F\\u180E\\u200C\\u200D\\u2028\\u2029\\u2060-\\u2063\\u206A-\\u206F\\uFEFF\\uFFF9-\\uFFFC]', // C.2.2
    '[\\u{1D173}-\\u{1D17A}]', // C.2.2 musical symbols
    '[\\uE000-\\uF8FF\\u{F0000}-\\u{FFFFD}\\u{100000}-\\u{10FFFD}]', // C.3 private use
    '[\\uFDD0-\\uFDEF\\uFFFE\\uFFFF]', // C.4 non-characters (BMP)
    '[\\u{1FFFE}\\u{1FFFF}\\u{2FFFE}\\u{2FFFF}\\u{3FFFE}\\u{3FFFF}\\u{4FFFE}\\u{4FFFF}\\u{5FFFE}\\u{5FFFF}\\u{6FFFE}\\u{6FFFF}\\u{7FFFE}\\u{7FFFF}\\u{8FFFE}\\u{8FFFF}\\u{9FFFE}\\u{9FFFF}\\u{AFFFE}\\u{AFFFF}\\u{BFFFE}\\u{BFFFF}\\u{CFFFE}\\u{CFFFF}\\u{DFFFE}\\u{DFFFF}\\u{EFFFE}\\u{EFFFF}\\u{FFFFE}\\u{FFFFF}\\u{10FFFE}\\u{10FFFF}]', // C.4 planes 1-16
    '\\p{Cs}', // C.5 surrogates (lone ones: paired ones are code points above)
    '[\\uFFF9-\\uFFFD]', // C.6
    '[\\u2FF0-\\u2FFB]', // C.7
    '[\\u0340\\u0341\\u200E\\u200F\\u202A-\\u202E\\u206A-\\u206F]', // C.8
    '[\\u{E0001}\\u{E0020}-\\u{E007F}]', // C.9 tagging
  ].join('|'),
  'u',
);

/** The prepared string, or undefined when it contains a prohibited character or comes out empty. */
export function saslPrep(input: string): string | undefined {
  const mapped = input.replace(NON_ASCII_SPACE, ' ').replace(MAPPED_TO_NOTHING, '');
  const normalized = mapped.normalize('NFKC');
  if (normalized.length === 0 || PROHIBITED.test(normalized)) return undefined;
  return normalized;
}

/** Strict UTF-8 decoding: undefined for invalid sequences (overlongs, lone surrogates, truncation). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
