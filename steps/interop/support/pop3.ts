/**
 * The reference server's own answers, read with the project's byte-exact test client: what each
 * real client's output is compared with. Always on the plain port of 127.0.0.1 (loopback, where
 * the server accepts plaintext logins).
 */
import { apopDigest, greetingTimestamp, Pop3Client } from '../../../src/client/index.js';

export interface OwnAnswer {
  readonly status: string;
  /** The un-stuffed multi-line body (empty for a single-line answer). */
  readonly body: Buffer;
}

export interface Login {
  readonly user: string;
  /** A password (USER/PASS) or, with `apop`, the shared secret. */
  readonly secret: string;
  /** Log in with APOP (RFC 1939 §7) instead of USER/PASS: for APOP-only users (RFC 1939 §13). */
  readonly apop?: boolean;
}

/**
 * Logs in (USER/PASS, or APOP for an APOP user), sends each command line, and QUITs (so no DELE is
 * ever committed by accident).
 */
export async function askServer(port: number, login: Login, commandLines: readonly string[]): Promise<OwnAnswer[]> {
  const { client, greeting } = await Pop3Client.open({ host: '127.0.0.1', port, timeoutMs: 10_000 });
  try {
    if (!greeting.ok) throw new Error(`greeting: ${greeting.text}`);
    if (login.apop) {
      const timestamp = greetingTimestamp(greeting.text);
      if (!timestamp) throw new Error(`no APOP timestamp in the greeting: ${greeting.text}`);
      const line = await client.command('APOP', login.user, apopDigest(timestamp, login.secret));
      if (!line.ok) throw new Error(`APOP: ${line.text}`);
    } else {
      for (const [verb, arg] of [['USER', login.user], ['PASS', login.secret]] as const) {
        const line = await client.command(verb, arg);
        if (!line.ok) throw new Error(`${verb}: ${line.text}`);
      }
    }
    const answers: OwnAnswer[] = [];
    for (const commandLine of commandLines) {
      const reply = await client.request(commandLine);
      answers.push({ status: reply.line.text, body: reply.body?.data ?? Buffer.alloc(0) });
    }
    await client.command('QUIT');
    return answers;
  } finally {
    client.destroy();
  }
}
