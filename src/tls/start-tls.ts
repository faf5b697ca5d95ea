/**
 * Server side of STLS (RFC 2595 §4): after "+OK Begin TLS negotiation", wrap the plain socket and
 * resolve once the handshake is done. The caller must discard any input it read past the STLS
 * line before the handshake (RFC 2595 §4 / CVE-2011-0411: plaintext injected before TLS must
 * never be executed as if it had come over TLS), stop reading the plain socket, and from then
 * on read and write only the returned TLSSocket.
 */
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';

export interface StartTlsOptions {
  /** Give up when the handshake takes longer. Default 30 s. */
  handshakeTimeoutMs?: number;
}

export function startTls(socket: Socket, secureContext: SecureContext, options: StartTlsOptions = {}): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const tlsSocket = new TLSSocket(socket, { isServer: true, secureContext });
    const timer = setTimeout(() => fail(new Error('TLS handshake timed out')), options.handshakeTimeoutMs ?? 30_000);
    timer.unref();
    const cleanup = (): void => {
      clearTimeout(timer);
      tlsSocket.off('secure', onSecure);
      tlsSocket.off('error', fail);
      tlsSocket.off('close', onClose);
    };
    function onSecure(): void {
      cleanup();
      resolve(tlsSocket);
    }
    function fail(err: Error): void {
      cleanup();
      tlsSocket.destroy();
      reject(err);
    }
    function onClose(): void {
      fail(new Error('connection closed during the TLS handshake'));
    }
    tlsSocket.once('secure', onSecure);
    tlsSocket.once('error', fail);
    tlsSocket.once('close', onClose);
  });
}
