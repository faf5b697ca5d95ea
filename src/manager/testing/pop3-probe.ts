/** Small POP3 checks for the manager's tests and steps: can this user log in, is the server up. */
import { Pop3Client } from '../../client/pop3-client.js';

/** Connects, reads the greeting, tries USER/PASS, quits: the first -ERR line, or +OK's. */
export async function tryLogIn(host: string, port: number, user: string, pass: string, timeoutMs = 5000): Promise<{ ok: boolean; line: string }> {
  const client = await Pop3Client.connect({ host, port, timeoutMs });
  try {
    const greeting = await client.readLine();
    if (!greeting.ok) return { ok: false, line: greeting.text };
    const u = await client.command('USER', user);
    if (!u.ok) return { ok: false, line: u.text };
    const p = (await client.request(`PASS ${pass}`)).line;
    await client.request('QUIT');
    return { ok: p.ok, line: p.text };
  } finally {
    client.destroy();
  }
}

/** True when the user can log in with this password. */
export async function canLogIn(host: string, port: number, user: string, pass: string, timeoutMs = 5000): Promise<boolean> {
  return (await tryLogIn(host, port, user, pass, timeoutMs)).ok;
}

/** Connects and reads the greeting; the open client, for scenarios that hold a session open. */
export async function openSession(host: string, port: number, timeoutMs = 5000): Promise<{ client: Pop3Client; greetingOk: boolean }> {
  const client = await Pop3Client.connect({ host, port, timeoutMs });
  const greeting = await client.readLine();
  return { client, greetingOk: greeting.ok };
}
