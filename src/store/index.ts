/** The storage layer: the MailStore interface and its two implementations. */
export * from './types.js';
export { MemoryStore, type DeliverOptions } from './memory-store.js';
export { MaildirStore, createMaildrop, measureCanonicalSize, type MaildirStoreOptions, type MaildropLayout } from './maildir-store.js';
export type { StoreLogger } from './store-logger.js';
