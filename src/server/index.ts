/** Library entry point of the reference server, for embedding in other projects' tests. */
export { createServer, Pop3Server, DEFAULT_POP3_PORT, DEFAULT_POP3S_PORT, type ServerOptions, type ListenOptions, type BoundAddress } from './server.js';
export { DEFAULT_LIMITS, type ServerLimits } from './config.js';
export { ServerEvents, type ServerEventMap, type SessionResult } from './server-events.js';
