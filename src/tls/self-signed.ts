/**
 * A self-signed certificate for the demo and for tests: made once in a folder and reused on later
 * starts while it is valid for 30 more days and names every requested host. Made with Node's
 * crypto only (der.ts): no openssl binary, no dependency.
 *
 * Files: <dir>/selfsigned-key.pem (PKCS#8, mode 0600) and <dir>/selfsigned-cert.pem.
 */
import { createHash, generateKeyPair, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { bitString, boolean, explicit, generalName, integer, nullValue, octetString, oid, sequence, set, time, utf8String } from './der.js';
import { loadTlsOptions, TlsConfigError, type TlsMaterial } from './tls-options.js';

const generateKeyPairAsync = promisify(generateKeyPair);

export const SELF_SIGNED_CERT_FILE = 'selfsigned-cert.pem';
export const SELF_SIGNED_KEY_FILE = 'selfsigned-key.pem';
export const DEFAULT_SELF_SIGNED_HOSTS = ['localhost', '127.0.0.1', '::1'] as const;

export interface SelfSignedOptions {
  /** Validity from now. Default 825 days. */
  validDays?: number;
  /** 'ec' (P-256, default) or 'rsa' (2048 bits). */
  keyType?: 'ec' | 'rsa';
  /** Clock, for tests. */
  now?: () => Date;
}

export interface SelfSignedCertificate {
  certPath: string;
  keyPath: string;
  /** SHA-256 of the certificate, colon hex ("AB:CD:..."), to print for clients to pin. */
  fingerprint: string;
  /** True when made by this call, false when an existing one was reused. */
  created: boolean;
  validTo: Date;
  /** The names and addresses in subjectAltName. */
  hostnames: string[];
  /** The loaded certificate and key, ready for tlsServerOptions / createTlsContext. */
  material: TlsMaterial;
}

const RENEW_BEFORE_MS = 30 * 24 * 3600_000;

/**
 * Returns the certificate in `dir`, making it first when it is missing, unusable, about to
 * expire, or does not name every host in `hostnames` (DNS names or IP addresses; default
 * localhost, 127.0.0.1 and ::1).
 */
export async function ensureSelfSignedCertificate(dir: string, hostnames: readonly string[] = DEFAULT_SELF_SIGNED_HOSTS, options: SelfSignedOptions = {}): Promise<SelfSignedCertificate> {
  const names = normalizeHostnames(hostnames.length > 0 ? hostnames : DEFAULT_SELF_SIGNED_HOSTS);
  const now = options.now ?? (() => new Date());
  const certPath = path.join(path.resolve(dir), SELF_SIGNED_CERT_FILE);
  const keyPath = path.join(path.resolve(dir), SELF_SIGNED_KEY_FILE);
  try {
    await mkdir(path.dirname(certPath), { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new TlsConfigError(`cannot create the folder for the self-signed certificate ${path.dirname(certPath)}: ${(err as Error).message}`, { cause: err });
  }

  const existing = await reusable(certPath, keyPath, names, now());
  if (existing) return { certPath, keyPath, fingerprint: existing.fingerprint, created: false, validTo: existing.validTo, hostnames: names, material: existing };

  const { certPem, keyPem } = await createSelfSignedCertificate(names, { ...options, now });
  // Key first: a concurrent reader that sees the new certificate also finds its key; one that
  // sees a mismatched pair fails checkPrivateKey and regenerates.
  await writeAtomically(keyPath, keyPem, 0o600);
  await writeAtomically(certPath, certPem, 0o644);
  const material = await loadTlsOptions(certPath, keyPath, now());
  return { certPath, keyPath, fingerprint: material.fingerprint, created: true, validTo: material.validTo, hostnames: names, material };
}

async function reusable(certPath: string, keyPath: string, names: string[], now: Date): Promise<TlsMaterial | undefined> {
  let material: TlsMaterial;
  try {
    material = await loadTlsOptions(certPath, keyPath, now);
  } catch {
    return undefined; // missing or broken: make a new one
  }
  if (material.validFrom.getTime() > now.getTime() || material.validTo.getTime() - now.getTime() < RENEW_BEFORE_MS) return undefined;
  const x509 = new X509Certificate(material.cert);
  const covered = names.every((n) => (isIP(n) ? x509.checkIP(n) !== undefined : x509.checkHost(n, { wildcards: false }) !== undefined));
  return covered ? material : undefined;
}

/** PEM certificate and PKCS#8 key, self-signed, for these names. */
export async function createSelfSignedCertificate(hostnames: readonly string[], options: SelfSignedOptions = {}): Promise<{ certPem: string; keyPem: string }> {
  const names = normalizeHostnames(hostnames);
  const keyType = options.keyType ?? 'ec';
  const { publicKey, privateKey } =
    keyType === 'ec'
      ? await generateKeyPairAsync('ec', { namedCurve: 'prime256v1' })
      : await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const notBefore = new Date((options.now?.() ?? new Date()).getTime() - 5 * 60_000); // some clock skew
  notBefore.setUTCMilliseconds(0);
  const notAfter = new Date(notBefore.getTime() + (options.validDays ?? 825) * 24 * 3600_000);

  const sigAlg = keyType === 'ec' ? sequence(oid('1.2.840.10045.4.3.2')) : sequence(oid('1.2.840.113549.1.1.11'), nullValue());
  const cn = names.find((n) => isIP(n) === 0) ?? names[0]!;
  const name = sequence(set(sequence(oid('2.5.4.3'), utf8String(cn.slice(0, 64)))), set(sequence(oid('2.5.4.10'), utf8String('popcheck self-signed'))));
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40; // positive, 16 octets, no leading zero

  const extension = (id: string, critical: boolean, value: Buffer): Buffer => sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
  const extensions = sequence(
    extension('2.5.29.19', true, sequence()), // basicConstraints: not a CA
    extension('2.5.29.15', true, keyType === 'ec' ? bitString(Buffer.from([0x80]), 7) : bitString(Buffer.from([0xa0]), 5)), // keyUsage
    extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
    extension('2.5.29.17', false, sequence(...names.map(generalName))), // subjectAltName
    extension('2.5.29.14', false, octetString(subjectKeyId(spki))), // subjectKeyIdentifier
  );
  const tbs = sequence(explicit(0, integer(Buffer.from([2]))), integer(serial), sigAlg, name, sequence(time(notBefore), time(notAfter)), name, spki, explicit(3, extensions));
  const signature = sign('sha256', tbs, privateKey as KeyObject);
  const der = sequence(tbs, sigAlg, bitString(signature));
  return { certPem: toPem('CERTIFICATE', der), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's value. */
function subjectKeyId(spki: Buffer): Buffer {
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
  let i = headerLength(spki, 0); // into the outer SEQUENCE
  i += headerLength(spki, i) + contentLength(spki, i); // skip AlgorithmIdentifier
  const start = i + headerLength(spki, i) + 1; // BIT STRING content after the unused-bits octet
  return createHash('sha1').update(spki.subarray(start, i + headerLength(spki, i) + contentLength(spki, i))).digest();
}

function headerLength(der: Buffer, at: number): number {
  const first = der[at + 1]!;
  return first < 0x80 ? 2 : 2 + (first & 0x7f);
}

function contentLength(der: Buffer, at: number): number {
  const first = der[at + 1]!;
  if (first < 0x80) return first;
  let n = 0;
  for (let k = 0; k < (first & 0x7f); k++) n = n * 256 + der[at + 2 + k]!;
  return n;
}

function toPem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function normalizeHostnames(hostnames: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of hostnames) {
    const h = raw.trim().replace(/^\[(.*)\]$/, '$1');
    const valid = isIP(h) !== 0 || /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(h);
    if (!valid) throw new TlsConfigError(`not a host name or IP address for a certificate: ${JSON.stringify(raw)}`);
    const name = isIP(h) ? h : h.toLowerCase().replace(/\.$/, '');
    if (!out.includes(name)) out.push(name);
  }
  if (out.length === 0) throw new TlsConfigError('a certificate needs at least one host name');
  return out;
}

async function writeAtomically(file: string, text: string, mode: number): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const h = await open(temp, 'wx', mode);
  try {
    await h.chmod(mode);
    await h.writeFile(text, 'utf8');
    await h.sync();
  } catch (err) {
    await h.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw new TlsConfigError(`cannot write ${file}: ${(err as Error).message}`, { cause: err });
  }
  await h.close();
  try {
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw new TlsConfigError(`cannot write ${file}: ${(err as Error).message}`, { cause: err });
  }
}
