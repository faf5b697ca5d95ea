/**
 * Starts the reference server on 127.0.0.1 with an in-memory store for tests, and opens test
 * clients to it. Everything stops in close().
 */
import { StaticUsers } from '../../auth/static-users.js';
import { Pop3Client, type ResponseLine } from '../../client/pop3-client.js';
import { MemoryStore } from '../../store/memory-store.js';
import type { ServerLimits } from '../config.js';
import { createServer, type Pop3Server, type ServerOptions } from '../server.js';

export interface TestServer {
  server: Pop3Server;
  store: MemoryStore;
  users: StaticUsers;
  port: number;
  /** Opens a client and reads the greeting. */
  connect(): Promise<{ client: Pop3Client; greeting: ResponseLine }>;
  /** Opens a client and logs in with USER/PASS; fails the test if login fails. */
  login(user?: string, pass?: string): Promise<Pop3Client>;
  close(): Promise<void>;
}

export const TEST_USERS: ReadonlyArray<[string, string]> = [
  ['alice', 'wonderland'],
  ['bob', 'builder'],
];
/** APOP users (RFC 1939 §13: APOP only, no USER/PASS), with their shared secrets. */
export const TEST_APOP_USERS: ReadonlyArray<[string, string]> = [['dave', 'tanstaaf']];

export async function startTestServer(
  options: { limits?: Partial<ServerLimits>; messages?: Array<Buffer | string>; host?: string; server?: Partial<ServerOptions> } = {},
): Promise<TestServer> {
  const store = new MemoryStore();
  const users = new StaticUsers(TEST_USERS, { apopUsers: TEST_APOP_USERS });
  for (const [u] of [...TEST_USERS, ...TEST_APOP_USERS]) store.addUser(u);
  let t = 1_700_000_000;
  for (const m of options.messages ?? []) store.deliver('alice', m, { deliveredAt: new Date(t++ * 1000) });
  // No auth penalty unless a test asks for one: many tests fail logins on purpose.
  const server = createServer({ store, users, hostname: 'test.invalid', authPenalty: false, ...(options.limits ? { limits: options.limits } : {}), ...options.server });
  const host = options.host ?? '127.0.0.1';
  const { port } = await server.listen({ host, port: 0 });
  const clients: Pop3Client[] = [];
  const connectHost = host === '::' ? '127.0.0.1' : host;
  const connect = async (): Promise<{ client: Pop3Client; greeting: ResponseLine }> => {
    const opened = await Pop3Client.open({ host: connectHost, port, timeoutMs: 5000 });
    clients.push(opened.client);
    return opened;
  };
  return {
    server,
    store,
    users,
    port,
    connect,
    async login(user = 'alice', pass = 'wonderland') {
      const { client } = await connect();
      const u = await client.command('USER', user);
      const p = await client.command('PASS', pass);
      if (!u.ok || !p.ok) throw new Error(`login failed: ${u.text} / ${p.text}`);
      return client;
    },
    async close() {
      for (const c of clients) c.destroy();
      await server.close();
    },
  };
}
