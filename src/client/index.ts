export * from './pop3-client.js';
export * from './transcript.js';
export * from './commands.js';
