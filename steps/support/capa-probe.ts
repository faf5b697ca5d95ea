/**
 * What CAPA announces before login (RFC 2449 §5), for the @capa-<TAG> verdicts and the steps that
 * compare the lists before and after login. The target's list is asked once per process (it does
 * not change during a run); a private bundled server is asked on the scenario's own connection.
 */
import type tls from 'node:tls';
import { Pop3Client } from '../../src/client/index.js';
import type { WorldParameters } from '../../src/harness/contract.js';
import type { PopWorld } from '../world.js';
import { parseCapabilities, type CapabilityList } from './capa.js';

const capaCache = new Map<string, Promise<CapabilityList | 'unsupported'>>();

/** The target's CAPA list in the AUTHORIZATION state ('unsupported' when CAPA gets -ERR). */
export function probeCapabilities(p: WorldParameters, tlsOptions: tls.ConnectionOptions): Promise<CapabilityList | 'unsupported'> {
  const key = `${p.host}|${p.port}|${p.tls}`;
  let cached = capaCache.get(key);
  if (!cached) {
    cached = (async () => {
      const client = await Pop3Client.connect({ host: p.host, port: p.port, timeoutMs: p.timeoutMs, tls: p.tls === 'implicit' ? tlsOptions : undefined });
      try {
        await client.readLine();
        if (p.tls === 'stls') {
          if ((await client.request('STLS')).line.ok) await client.startTls(tlsOptions);
        }
        const reply = await client.request('CAPA');
        if (!reply.line.ok || !reply.body) return 'unsupported';
        await client.request('QUIT').catch(() => undefined);
        return parseCapabilities(reply.body.data);
      } finally {
        client.destroy();
      }
    })();
    cached.catch(() => capaCache.delete(key));
    capaCache.set(key, cached);
  }
  return cached;
}

export async function capabilitiesBeforeLogin(world: PopWorld): Promise<CapabilityList | 'unsupported'> {
  if (world.capaSeen.AUTHORIZATION) return world.capaSeen.AUTHORIZATION;
  if (world.privateTarget) {
    // A private server is not the cached target: ask it directly, on a connection of the scenario.
    const conn = await world.openConnection('capa-probe');
    const ex = await world.send(conn, 'CAPA');
    conn.client.destroy();
    conn.state = 'CLOSED';
    return ex.reply.line.ok && ex.reply.body ? parseCapabilities(ex.reply.body.data) : 'unsupported';
  }
  world.capaProbe ??= await probeCapabilities(world.parameters, world.tlsOptions(world.parameters.host));
  return world.capaProbe;
}

