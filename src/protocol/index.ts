/** The POP3 codec shared by the server and the test client: one parser, one formatter. */
export * from './limits.js';
export * from './line-splitter.js';
export * from './command.js';
export * from './response.js';
export * from './crlf-normalizer.js';
export * from './dot-stuffing.js';
export * from './top-filter.js';
