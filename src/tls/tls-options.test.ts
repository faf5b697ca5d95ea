import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from './self-signed.js';
import { createTlsContext, loadTlsOptions, tlsServerOptions, TlsConfigError } from './tls-options.js';

let dir: string;
let certPath: string;
let keyPath: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'popcheck-tls-'));
  const { certPem, keyPem } = await createSelfSignedCertificate(['pop.example.org']);
  certPath = path.join(dir, 'cert.pem');
  keyPath = path.join(dir, 'key.pem');
  await writeFile(certPath, certPem);
  await writeFile(keyPath, keyPem, { mode: 0o600 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, content);
  return p;
}

describe('loadTlsOptions', () => {
  it('loads a matching certificate and key and describes them', async () => {
    const m = await loadTlsOptions(certPath, keyPath);
    expect(m.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(m.subjectAltName).toBe('DNS:pop.example.org');
    expect(m.validTo.getTime()).toBeGreaterThan(Date.now());
    expect(m.warnings.join()).toMatch(/self-signed/);
    expect(tlsServerOptions(m)).toMatchObject({ minVersion: 'TLSv1.2' });
    expect(createTlsContext(m)).toBeDefined();
  });

  it('names a missing file', async () => {
    await expect(loadTlsOptions(path.join(dir, 'nope.pem'), keyPath)).rejects.toThrow(/TLS certificate file .*nope\.pem: no such file/);
    await expect(loadTlsOptions(certPath, path.join(dir, 'nokey.pem'))).rejects.toThrow(/TLS private key file .*nokey\.pem: no such file/);
    await expect(loadTlsOptions(dir, keyPath)).rejects.toThrow(/is a directory/);
  });

  it('says when the certificate file holds no certificate', async () => {
    await expect(loadTlsOptions(keyPath, keyPath)).rejects.toThrow(/holds no PEM certificate/);
    const junk = await file('junk.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    await expect(loadTlsOptions(junk, keyPath)).rejects.toThrow(/cannot be parsed/);
  });

  it('says when the key file holds no key, an encrypted key, or the wrong key', async () => {
    await expect(loadTlsOptions(certPath, certPath)).rejects.toThrow(/holds no PEM private key/);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const encrypted = await file('enc.pem', privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }).toString());
    await expect(loadTlsOptions(certPath, encrypted)).rejects.toThrow(/encrypted with a passphrase/);
    const other = await file('other.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    await expect(loadTlsOptions(certPath, other)).rejects.toThrow(/does not belong to the certificate/);
    await expect(loadTlsOptions(certPath, other)).rejects.toBeInstanceOf(TlsConfigError);
  });

  it('warns about an expired certificate', async () => {
    const { certPem, keyPem } = await createSelfSignedCertificate(['old.example'], { validDays: 1, now: () => new Date('2020-01-01T00:00:00Z') });
    const m = await loadTlsOptions(await file('old.pem', certPem), await file('old-key.pem', keyPem));
    expect(m.warnings.join()).toMatch(/expired on 2020-01-01/);
  });

  it('accepts PKCS#1 RSA and SEC1 EC keys', async () => {
    const rsa = await createSelfSignedCertificate(['rsa.example'], { keyType: 'rsa' });
    const { createPrivateKey } = await import('node:crypto');
    const pkcs1 = createPrivateKey(rsa.keyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs1).toMatch(/BEGIN RSA PRIVATE KEY/);
    await expect(loadTlsOptions(await file('rsa.pem', rsa.certPem), await file('rsa-key.pem', pkcs1))).resolves.toBeDefined();
    const ec = await createSelfSignedCertificate(['ec.example']);
    const sec1 = createPrivateKey(ec.keyPem).export({ type: 'sec1', format: 'pem' }).toString();
    await expect(loadTlsOptions(await file('ec.pem', ec.certPem), await file('ec-key.pem', sec1))).resolves.toBeDefined();
  });
});
