export * from './types.js';
export { decodeSaslBase64, encodeSaslBase64, type SaslBase64Position } from './base64.js';
export { PLAIN, parsePlainMessage, type PlainMessage } from './plain.js';
export { LOGIN, LOGIN_USERNAME_CHALLENGE, LOGIN_PASSWORD_CHALLENGE } from './login.js';
export { CRAM_MD5, cramMd5, defaultCramChallenge, type CramMd5Options } from './cram-md5.js';
export { SCRAM_SHA_256, scramSha256, decodeSaslName, encodeSaslName, type ScramOptions } from './scram-sha-256.js';
export { saslMechanisms, findMechanism, advertisedMechanisms, type SaslRegistryOptions } from './registry.js';
