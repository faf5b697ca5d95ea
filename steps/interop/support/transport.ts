/**
 * How a client reaches the reference server in a scenario: plaintext on the plain port, STLS
 * (RFC 2595) on the plain port, or implicit TLS (RFC 8314) on the server's TLS port. Feature files
 * name them in quotes: "plaintext", "STLS", "implicit TLS".
 */
export const TRANSPORTS = ['plaintext', 'STLS', 'implicit TLS'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export function transport(text: string): Transport {
  if (!(TRANSPORTS as readonly string[]).includes(text)) throw new Error(`transport must be one of ${TRANSPORTS.map((t) => `"${t}"`).join(', ')}, not "${text}"`);
  return text as Transport;
}
