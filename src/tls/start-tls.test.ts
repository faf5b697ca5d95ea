import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as netConnect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureSelfSignedCertificate, type SelfSignedCertificate } from './self-signed.js';
import { startTls } from './start-tls.js';
import { createTlsContext } from './tls-options.js';

let dir: string;
let cert: SelfSignedCertificate;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'popcheck-stls-'));
  cert = await ensureSelfSignedCertificate(dir, ['localhost']);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A toy STLS server: "+OK" to STLS, then TLS, then echo one line. */
async function withStlsServer(fn: (port: number, result: Promise<string>) => Promise<void>): Promise<void> {
  let report!: (r: string) => void;
  const result = new Promise<string>((resolve) => (report = resolve));
  const server = createServer((socket: Socket) => {
    socket.once('data', (line) => {
      if (line.toString() !== 'STLS\r\n') return socket.destroy();
      socket.write('+OK Begin TLS negotiation\r\n');
      startTls(socket, createTlsContext(cert.material)).then(
        (secure) => {
          secure.once('data', (d) => secure.end(`+OK secure: ${d.toString()}`));
          report('secure');
        },
        (err: Error) => report(`failed: ${err.message}`),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    await fn((server.address() as AddressInfo).port, result);
  } finally {
    server.close();
  }
}

describe('startTls', () => {
  it('upgrades a plain connection after STLS', async () => {
    await withStlsServer(async (port, result) => {
      const plain = netConnect(port, '127.0.0.1');
      await once(plain, 'connect');
      plain.write('STLS\r\n');
      const [ok] = await once(plain, 'data');
      expect(ok.toString()).toBe('+OK Begin TLS negotiation\r\n');
      const secure = tlsConnect({ socket: plain, servername: 'localhost', ca: cert.material.cert });
      await once(secure, 'secureConnect');
      expect(secure.authorized).toBe(true);
      expect(secure.getPeerCertificate().fingerprint256).toBe(cert.fingerprint);
      secure.write('NOOP\r\n');
      let reply = '';
      secure.on('data', (d) => (reply += d.toString()));
      await once(secure, 'end');
      expect(reply).toBe('+OK secure: NOOP\r\n');
      expect(await result).toBe('secure');
    });
  });

  it('rejects when the client does not speak TLS', async () => {
    await withStlsServer(async (port, result) => {
      const plain = netConnect(port, '127.0.0.1');
      await once(plain, 'connect');
      plain.write('STLS\r\n');
      await once(plain, 'data');
      plain.write('this is not a TLS ClientHello\r\n');
      expect(await result).toMatch(/^failed: /);
      plain.destroy();
    });
  });

  it('rejects when the handshake does not start in time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await withStlsServer(async (port, result) => {
        const plain = netConnect(port, '127.0.0.1');
        await once(plain, 'connect');
        plain.write('STLS\r\n');
        await once(plain, 'data'); // the server answered, so its handshake timer is running
        vi.advanceTimersByTime(30_000);
        expect(await result).toBe('failed: TLS handshake timed out');
        plain.destroy();
      });
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects when the client hangs up during the handshake', async () => {
    await withStlsServer(async (port, result) => {
      const plain = netConnect(port, '127.0.0.1');
      await once(plain, 'connect');
      plain.write('STLS\r\n');
      await once(plain, 'data');
      plain.end();
      expect(await result).toMatch(/^failed: /);
    });
  });
});
