/**
 * TLS material for implicit TLS (RFC 8314, pop3s on 995) and STLS (RFC 2595): reads a PEM
 * certificate (chain) and private key, checks that they belong together, and says clearly what is
 * wrong when they do not. RFC 8314 §4.1: TLS 1.2 or later.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContext, type TlsOptions } from 'node:tls';

export class TlsConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TlsConfigError';
  }
}

export interface TlsMaterial {
  /** PEM, as read (the leaf first, then any intermediates). */
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly certPath: string;
  readonly keyPath: string;
  /** SHA-256 fingerprint of the leaf certificate, colon-separated upper-case hex. */
  readonly fingerprint: string;
  readonly subject: string;
  /** As X509Certificate.subjectAltName: "DNS:localhost, IP Address:127.0.0.1", or "". */
  readonly subjectAltName: string;
  readonly validFrom: Date;
  readonly validTo: Date;
  /** Non-fatal: expired or not yet valid certificates, self-signed leaf. */
  readonly warnings: string[];
}

/** Minimum protocol version for every popcheck TLS endpoint (RFC 8314 §4.1). */
export const MIN_TLS_VERSION = 'TLSv1.2' as const;

export async function loadTlsOptions(certPath: string, keyPath: string, now: Date = new Date()): Promise<TlsMaterial> {
  const cert = await readPem(certPath, 'certificate');
  const key = await readPem(keyPath, 'private key');
  if (!/-----BEGIN CERTIFICATE-----/.test(cert.toString('latin1'))) {
    throw new TlsConfigError(`TLS certificate file ${certPath} holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----")`);
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new TlsConfigError(`TLS certificate file ${certPath} cannot be parsed: ${(err as Error).message}`, { cause: err });
  }
  const keyText = key.toString('latin1');
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(keyText)) {
    throw new TlsConfigError(`TLS private key ${keyPath} is encrypted with a passphrase; give an unencrypted key (keep it mode 0600)`);
  }
  if (!/-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/.test(keyText)) {
    throw new TlsConfigError(`TLS private key file ${keyPath} holds no PEM private key (expected "-----BEGIN PRIVATE KEY-----")`);
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(key);
  } catch (err) {
    throw new TlsConfigError(`TLS private key ${keyPath} cannot be parsed: ${(err as Error).message}`, { cause: err });
  }
  if (!x509.checkPrivateKey(keyObject)) {
    throw new TlsConfigError(`TLS private key ${keyPath} does not belong to the certificate in ${certPath}`);
  }
  const validFrom = new Date(x509.validFrom);
  const validTo = new Date(x509.validTo);
  const warnings: string[] = [];
  if (validTo.getTime() < now.getTime()) warnings.push(`TLS certificate ${certPath} expired on ${validTo.toISOString()}`);
  if (validFrom.getTime() > now.getTime()) warnings.push(`TLS certificate ${certPath} is not valid before ${validFrom.toISOString()}`);
  if (x509.issuer === x509.subject && x509.verify(x509.publicKey)) warnings.push(`TLS certificate ${certPath} is self-signed: clients must be told to trust it (fingerprint ${x509.fingerprint256})`);
  try {
    // Refuse now rather than at the first connection: Node's own checks on key and certificate.
    createSecureContext({ cert, key, minVersion: MIN_TLS_VERSION });
  } catch (err) {
    throw new TlsConfigError(`TLS certificate ${certPath} and key ${keyPath} cannot be used: ${(err as Error).message}`, { cause: err });
  }
  return {
    cert,
    key,
    certPath,
    keyPath,
    fingerprint: x509.fingerprint256,
    subject: x509.subject,
    subjectAltName: x509.subjectAltName ?? '',
    validFrom,
    validTo,
    warnings,
  };
}

/** Options for tls.createServer (implicit TLS). */
export function tlsServerOptions(material: Pick<TlsMaterial, 'cert' | 'key'>): TlsOptions {
  return { cert: material.cert, key: material.key, minVersion: MIN_TLS_VERSION };
}

/** A SecureContext for STLS (new tls.TLSSocket(socket, { isServer: true, secureContext })). */
export function createTlsContext(material: Pick<TlsMaterial, 'cert' | 'key'>): SecureContext {
  return createSecureContext({ cert: material.cert, key: material.key, minVersion: MIN_TLS_VERSION });
}

async function readPem(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new TlsConfigError(`TLS ${what} file ${file}: ${why}`, { cause: err });
  }
}
