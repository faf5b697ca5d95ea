export { loadTlsOptions, tlsServerOptions, createTlsContext, TlsConfigError, MIN_TLS_VERSION, type TlsMaterial } from './tls-options.js';
export {
  ensureSelfSignedCertificate,
  createSelfSignedCertificate,
  SELF_SIGNED_CERT_FILE,
  SELF_SIGNED_KEY_FILE,
  DEFAULT_SELF_SIGNED_HOSTS,
  type SelfSignedCertificate,
  type SelfSignedOptions,
} from './self-signed.js';
export { startTls, type StartTlsOptions } from './start-tls.js';
