/**
 * popcheck as a library: the reference server to embed in other projects' tests, its stores and
 * user directory, and the byte-exact client.
 */
export * from './server/index.js';
export { MemoryStore } from './store/memory-store.js';
export { MaildirStore, createMaildrop } from './store/maildir-store.js';
export { StoreError, type MailStore, type Maildrop, type MessageMeta } from './store/types.js';
export { StaticUsers } from './auth/static-users.js';
export type { UserDirectory } from './auth/types.js';
export { Pop3Client, ClientError, type ResponseLine, type MultiLineBody } from './client/pop3-client.js';
export { renderTranscript } from './client/transcript.js';
