/**
 * After every case: does the server still serve a fresh connection? A well-formed +OK greeting,
 * then with an account USER/PASS and NOOP answered +OK (without one: CAPA answered at all), then
 * QUIT. A maildrop lock left by an abruptly closed session may take a moment to go (RFC 1939 §8
 * lets the server notice the close late): -ERR [IN-USE] or [SYS/TEMP] to PASS is retried, with
 * growing pauses, until a deadline. Against the bundled server `awaitIdle` makes that unneeded.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ClientError } from '../../client/pop3-client.js';
import { escapeOctets } from '../escape.js';
import { FuzzConnection, type Target } from './connection.js';

export interface Credentials {
  readonly user: string;
  readonly pass: string;
}

export interface HealthResult {
  readonly problems: string[];
  /** The server did not accept a connection at all. */
  readonly down: boolean;
}

export async function checkHealth(target: Target, creds: Credentials | undefined, awaitIdle?: () => Promise<void>): Promise<HealthResult> {
  await awaitIdle?.();
  const deadline = Date.now() + Math.max(5000, target.timeoutMs);
  for (let attempt = 0; ; attempt++) {
    let c: FuzzConnection;
    try {
      c = await FuzzConnection.open(target);
    } catch (err) {
      if (err instanceof ClientError) return { problems: [`a fresh connection failed: ${err.message}`], down: err.kind === 'connect' };
      throw err;
    }
    try {
      const retry = await probe(c, creds);
      if (retry && Date.now() < deadline) {
        // Polling a foreign server is the only way to see its lock go; pauses grow, bounded by the deadline.
        await delay(Math.min(50 * 2 ** attempt, 500));
        continue;
      }
      if (retry) c.problems.push(`login still refused after ${Math.max(5000, target.timeoutMs)} ms: ${retry}`);
      return { problems: c.problems.map((p) => `fresh connection: ${p}`), down: false };
    } finally {
      c.destroy();
    }
  }
}

/** Returns the refusal text when the login was refused in a way worth retrying. */
async function probe(c: FuzzConnection, creds: Credentials | undefined): Promise<string | undefined> {
  if (!creds) {
    const capa = await c.request('CAPA');
    if (!capa) c.problems.push('the server closed the connection instead of answering CAPA');
    else await c.quitAndDrain();
    return undefined;
  }
  const user = await c.request(`USER ${creds.user}`);
  if (!user?.line.ok) {
    c.problems.push(`USER: ${user ? `"${escapeOctets(user.line.raw, 120)}"` : 'connection closed'}`);
    return undefined;
  }
  const pass = await c.request(`PASS ${creds.pass}`);
  if (!pass) {
    c.problems.push('PASS: connection closed');
    return undefined;
  }
  if (!pass.line.ok) {
    const code = pass.line.status?.code;
    if (code === 'IN-USE' || code === 'SYS/TEMP' || /lock|in use|busy/i.test(pass.line.text)) return pass.line.text;
    c.problems.push(`PASS refused: "${escapeOctets(pass.line.raw, 120)}"`);
    return undefined;
  }
  const noop = await c.request('NOOP');
  if (!noop?.line.ok) c.problems.push(`NOOP after login: ${noop ? `"${escapeOctets(noop.line.raw, 120)}"` : 'connection closed'}`);
  else await c.quitAndDrain();
  return undefined;
}
