/**
 * Before running dozens of scenarios against a host, read its greeting once: when even that fails
 * the target is unreachable (exit 3), and one clear line beats a report full of connect errors.
 */
import net from 'node:net';
import { Pop3Client } from '../client/index.js';
import type { WorldParameters } from './contract.js';

export type PreflightTarget = Pick<WorldParameters, 'host' | 'port' | 'tls' | 'tlsInsecure' | 'timeoutMs'>;

/** Returns undefined when a greeting line arrived, else why not. */
export async function checkReachable(target: PreflightTarget): Promise<string | undefined> {
  try {
    const { client } = await Pop3Client.open({
      host: target.host,
      port: target.port,
      timeoutMs: target.timeoutMs,
      tls: target.tls === 'implicit' ? { servername: net.isIP(target.host) === 0 ? target.host : undefined, rejectUnauthorized: !target.tlsInsecure } : undefined,
    });
    // Say goodbye properly; the answer does not matter here, the suite judges it.
    await client.command('QUIT').catch(() => undefined);
    client.destroy();
    return undefined;
  } catch (err) {
    return `cannot read a greeting from ${target.host}:${target.port}: ${(err as Error).message}`;
  }
}
