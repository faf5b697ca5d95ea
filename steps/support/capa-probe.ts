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

/**
 * The target's CAPA list in the AUTHORIZATION state ('unsupported' when CAPA gets -ERR), as the
 * scenarios see it: with --tls stls, after STLS. `beforeStls` asks for the list before STLS instead
 * (the one that announces STLS, RFC 2595 §4).
 */
export function probeCapabilities(p: WorldParameters, tlsOptions: tls.ConnectionOptions, options: { beforeStls?: boolean } = {}): Promise<CapabilityList | 'unsupported'> {
  const upgrade = p.tls === 'stls' && options.beforeStls !== true;
  const key = `${p.host}|${p.port}|${p.tls}|${upgrade}`;
  let cached = capaCache.get(key);
  if (!cached) {
    cached = (async () => {
      const client = await Pop3Client.connect({ host: p.host, port: p.port, timeoutMs: p.timeoutMs, tls: p.tls === 'implicit' ? tlsOptions : undefined });
      try {
        await client.readLine();
        if (upgrade) {
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
  if (world.privateTarget) return askPrivateServer(world);
  world.capaProbe ??= await probeCapabilities(world.parameters, world.tlsOptions(world.parameters.host));
  return world.capaProbe;
}


/**
 * The CAPA list before TLS, the one that announces STLS (RFC 2595 §4): the target's plaintext
 * probe (asked without STLS even under --tls stls), or the private server's. 'implicit' when the
 * run uses implicit TLS, where no connection is without TLS.
 */
export async function capabilitiesBeforeTls(world: PopWorld): Promise<CapabilityList | 'unsupported' | 'implicit'> {
  if (world.target.tls === 'implicit') return 'implicit';
  if (world.privateTarget) return askPrivateServer(world);
  world.capaBeforeTls ??= await probeCapabilities(world.parameters, world.tlsOptions(world.parameters.host), { beforeStls: true });
  return world.capaBeforeTls;
}

/** A private server is not the cached target: it is asked directly, on a plain connection of the scenario. */
async function askPrivateServer(world: PopWorld): Promise<CapabilityList | 'unsupported'> {
  const conn = await world.openConnection('capa-probe', { plain: true });
  const ex = await world.send(conn, 'CAPA');
  conn.client.destroy();
  conn.state = 'CLOSED';
  return ex.reply.line.ok && ex.reply.body ? parseCapabilities(ex.reply.body.data) : 'unsupported';
}
