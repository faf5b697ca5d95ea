/**
 * What the server reports about itself, for metrics and the manager (issue 6) and for tests.
 * Emitting is cheap when nobody listens.
 */
import { EventEmitter } from 'node:events';

export interface ServerEventMap {
  'session-start': [{ id: number; peer: string }];
  'session-end': [{ id: number; peer: string; user: string | undefined; result: SessionResult; bytesIn: number; bytesOut: number; durationMs: number; commands: number }];
  command: [{ verb: string; ok: boolean; durationMs: number }];
  'auth-failure': [{ peer: string; user: string | undefined }];
  login: [{ user: string; peer: string }];
  retrieved: [{ user: string; octets: number }];
  expunged: [{ user: string; count: number; failed: number }];
  'bytes-sent': [number];
}

export type SessionResult = 'quit' | 'dropped' | 'timeout' | 'too-many-errors' | 'shutdown' | 'refused' | 'error';

export class ServerEvents extends EventEmitter<ServerEventMap> {}
