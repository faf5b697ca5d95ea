/** Talking to the manager under test from steps: connecting, signed and raw requests, listings. */
import { ManagerClient, signRequest, type ManagerReply, type SignedRequest } from '../../../src/manager/client.js';
import { parseReply } from '../../../src/manager/codec.js';
import { parametersOf, type ManagerState } from './state.js';

/** Step timeout for anything that talks to the network: the client's 3 tries take up to 7 s. */
export const NET = { timeout: 30_000 } as const;

export async function openClient(world: object, state: ManagerState, token?: string): Promise<ManagerClient> {
  const p = parametersOf(world);
  const client = await ManagerClient.connect({ host: p.managerHost!, port: p.managerPort!, token: token ?? p.managerToken! });
  if (token === undefined && !state.client) state.client = client;
  else state.others.push(client);
  return client;
}

export function mainClient(state: ManagerState): ManagerClient {
  if (!state.client) throw new Error('step error: the manager is not connected (add "Given the manager is reachable")');
  return state.client;
}

export function token(world: object): string {
  return parametersOf(world).managerToken!;
}

export function sign(world: object, command: string, atMs: number = Date.now(), id?: string): SignedRequest {
  return signRequest(token(world), command, atMs, id);
}

/** Sends a signed request on the scenario's socket and records the exchange. */
export async function exchange(state: ManagerState, request: SignedRequest, client: ManagerClient = mainClient(state), anonymous = false): Promise<ManagerReply> {
  const reply = await client.exchange(request, { anonymous });
  state.exchanges.push({ request, sent: request.datagram, reply });
  return reply;
}

export async function command(world: object, state: ManagerState, text: string): Promise<ManagerReply> {
  return exchange(state, sign(world, state.expand(text)));
}

/**
 * Sends raw octets, then a signed CAPA on the same socket; the server answers datagrams of one
 * socket in order, so whatever arrived before CAPA's reply is everything the raw datagram got.
 * Records the raw exchange with its reply, if any.
 */
export async function rawThenMarker(world: object, state: ManagerState, datagram: Buffer): Promise<ManagerReply | undefined> {
  const client = mainClient(state);
  const before = client.received.length;
  client.sendOnly(datagram);
  const marker = sign(world, 'CAPA');
  await client.exchange(marker);
  const between = client.received.slice(before, client.received.length - 1);
  if (between.length > 1) throw new Error(`the manager sent ${between.length} replies to one datagram`);
  const parsed = between[0] ? parseReply(between[0]) : undefined;
  const reply: ManagerReply | undefined =
    parsed?.ok && between[0] ? { ...parsed.reply, authenticated: parsed.reply.mac !== '-', datagram: between[0], tries: 1 } : undefined;
  state.exchanges.push({ request: undefined, sent: datagram, reply });
  return reply;
}
