import { X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, createServer, type ConnectionOptions, type Server, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureSelfSignedCertificate, SELF_SIGNED_CERT_FILE, SELF_SIGNED_KEY_FILE, type SelfSignedCertificate } from './self-signed.js';
import { tlsServerOptions } from './tls-options.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'popcheck-selfsigned-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withServer<T>(cert: SelfSignedCertificate, fn: (port: number) => Promise<T>): Promise<T> {
  const server: Server = createServer(tlsServerOptions(cert.material), (socket) => socket.end('+OK hello over TLS\r\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await fn((server.address() as AddressInfo).port);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function handshake(options: ConnectionOptions): Promise<{ socket: TLSSocket; greeting: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(options);
    let greeting = '';
    socket.on('data', (d) => (greeting += d.toString()));
    socket.on('end', () => resolve({ socket, greeting }));
    socket.on('error', reject);
  });
}

describe('ensureSelfSignedCertificate', () => {
  it('makes a certificate a Node TLS client verifies, with the fingerprint it reports', async () => {
    const cert = await ensureSelfSignedCertificate(dir, ['localhost', '127.0.0.1', '::1']);
    expect(cert.created).toBe(true);
    expect(cert.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(cert.hostnames).toEqual(['localhost', '127.0.0.1', '::1']);
    await withServer(cert, async (port) => {
      // Trusting the certificate itself (pinning it as the CA), with host name checks on.
      const byName = await handshake({ host: '127.0.0.1', port, servername: 'localhost', ca: cert.material.cert });
      expect(byName.socket.authorized).toBe(true);
      expect(byName.socket.getPeerCertificate().fingerprint256).toBe(cert.fingerprint);
      expect(byName.greeting).toBe('+OK hello over TLS\r\n');
      expect(['TLSv1.2', 'TLSv1.3']).toContain(byName.socket.getProtocol());
      const byIp = await handshake({ host: '127.0.0.1', port, ca: cert.material.cert });
      expect(byIp.socket.authorized).toBe(true);
      // A client that does not trust it sees the same fingerprint (what users compare).
      const untrusted = await handshake({ host: '127.0.0.1', port, rejectUnauthorized: false });
      expect(untrusted.socket.authorized).toBe(false);
      expect(untrusted.socket.getPeerCertificate().fingerprint256).toBe(cert.fingerprint);
      // A name it does not carry fails the check.
      await expect(handshake({ host: '127.0.0.1', port, servername: 'other.example', ca: cert.material.cert })).rejects.toThrow(/other\.example/);
    });
  });

  it('writes the key with mode 0600 and leaves no temporary files', async () => {
    const cert = await ensureSelfSignedCertificate(dir, ['localhost']);
    expect(path.basename(cert.certPath)).toBe(SELF_SIGNED_CERT_FILE);
    expect(path.basename(cert.keyPath)).toBe(SELF_SIGNED_KEY_FILE);
    expect((await stat(cert.keyPath)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual([SELF_SIGNED_CERT_FILE, SELF_SIGNED_KEY_FILE]);
  });

  it('reuses the certificate on later starts', async () => {
    const first = await ensureSelfSignedCertificate(dir, ['localhost', '127.0.0.1']);
    const again = await ensureSelfSignedCertificate(dir, ['localhost']);
    expect(again.created).toBe(false);
    expect(again.fingerprint).toBe(first.fingerprint);
  });

  it('makes a new one for a host it does not name', async () => {
    const first = await ensureSelfSignedCertificate(dir, ['localhost']);
    const again = await ensureSelfSignedCertificate(dir, ['localhost', 'pop.example.org']);
    expect(again.created).toBe(true);
    expect(again.fingerprint).not.toBe(first.fingerprint);
    expect(new X509Certificate(again.material.cert).subjectAltName).toBe('DNS:localhost, DNS:pop.example.org');
  });

  it('makes a new one 30 days before expiry', async () => {
    const first = await ensureSelfSignedCertificate(dir, ['localhost'], { validDays: 100 });
    const later = await ensureSelfSignedCertificate(dir, ['localhost'], { now: () => new Date(Date.now() + 71 * 86400_000) });
    expect(later.created).toBe(true);
    expect(later.fingerprint).not.toBe(first.fingerprint);
  });

  it('replaces broken or mismatched files', async () => {
    await writeFile(path.join(dir, SELF_SIGNED_CERT_FILE), 'garbage');
    await writeFile(path.join(dir, SELF_SIGNED_KEY_FILE), 'garbage');
    const cert = await ensureSelfSignedCertificate(dir, ['localhost']);
    expect(cert.created).toBe(true);
    const other = await mkdtemp(path.join(tmpdir(), 'popcheck-selfsigned-other-'));
    try {
      const second = await ensureSelfSignedCertificate(other, ['localhost']);
      // Put the other key next to the first certificate: they do not match, so it is remade.
      await writeFile(cert.keyPath, await (await import('node:fs/promises')).readFile(second.keyPath));
      expect((await ensureSelfSignedCertificate(dir, ['localhost'])).created).toBe(true);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('works with RSA keys too', async () => {
    const cert = await ensureSelfSignedCertificate(dir, ['localhost'], { keyType: 'rsa' });
    await withServer(cert, async (port) => {
      const { socket } = await handshake({ host: '127.0.0.1', port, servername: 'localhost', ca: cert.material.cert });
      expect(socket.authorized).toBe(true);
      expect(socket.getPeerCertificate().fingerprint256).toBe(cert.fingerprint);
    });
  });

  it('defaults to localhost, 127.0.0.1 and ::1, and refuses bad host names', async () => {
    const cert = await ensureSelfSignedCertificate(dir, []);
    expect(cert.hostnames).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(cert.material.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    await expect(ensureSelfSignedCertificate(dir, ['bad host'])).rejects.toThrow(/not a host name/);
    await expect(ensureSelfSignedCertificate(dir, ['-x.example'])).rejects.toThrow(/not a host name/);
  });
});
