/**
 * Strict base64 for AUTH (RFC 5034 §4, RFC 4648 §4): only the base64 alphabet, padding only at
 * the end and only as needed, no line breaks or spaces, and canonical (unused bits zero), so
 * each byte string has exactly one accepted encoding.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Where the text came from:
 * - 'initial-response': the AUTH command's argument: "=" is an empty response, "" is invalid.
 * - 'response': a client line after a challenge: "" (an empty line) is an empty response.
 * - 'any' (default): both "" and "=" are empty responses.
 */
export type SaslBase64Position = 'any' | 'initial-response' | 'response';

/** The decoded bytes, or undefined when the text is not strict base64 (answer -ERR). */
export function decodeSaslBase64(text: string, position: SaslBase64Position = 'any'): Buffer | undefined {
  if (text === '=') return position === 'response' ? undefined : Buffer.alloc(0);
  if (text === '') return position === 'initial-response' ? undefined : Buffer.alloc(0);
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // Non-zero bits in the last character's unused part ("QR==") decode silently: refuse them.
  if (bytes.toString('base64') !== text) return undefined;
  return bytes;
}

/** Base64 of a challenge; an empty challenge is "" (the line is then "+ " alone, RFC 5034 §4). */
export function encodeSaslBase64(data: Buffer | Uint8Array | undefined): string {
  return data === undefined || data.length === 0 ? '' : Buffer.from(data).toString('base64');
}
