/**
 * The reference server's own answers, read with the project's byte-exact test client: what each
 * real client's output is compared with.
 */
import { Pop3Client } from '../../../src/client/index.js';

export interface OwnAnswer {
  readonly status: string;
  /** The un-stuffed multi-line body (empty for a single-line answer). */
  readonly body: Buffer;
}

/** Logs in with USER/PASS, sends each command line, and QUITs (so no DELE is ever committed by accident). */
export async function askServer(port: number, user: string, pass: string, commandLines: readonly string[]): Promise<OwnAnswer[]> {
  const { client, greeting } = await Pop3Client.open({ host: '127.0.0.1', port, timeoutMs: 10_000 });
  try {
    if (!greeting.ok) throw new Error(`greeting: ${greeting.text}`);
    for (const [verb, arg] of [['USER', user], ['PASS', pass]] as const) {
      const line = await client.command(verb, arg);
      if (!line.ok) throw new Error(`${verb}: ${line.text}`);
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
