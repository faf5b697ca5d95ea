import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from '../server/index.js';
import { MemoryStore } from '../store/memory-store.js';
import { ManagerClient } from './client.js';
import { startManagementPlane } from './plane.js';
import { MemoryUsers } from './testing/memory-users.js';
import { openSession } from './testing/pop3-probe.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'popcheck-plane-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function scrape(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe('startManagementPlane: what the server start-up wires', () => {
  it('token, manager, metrics file and /metrics around a POP3 server; counters survive a restart', async () => {
    const tokenFile = path.join(dir, 'conf', 'manager.token');
    const metricsFile = path.join(dir, 'state', 'metrics.json');
    const run = async (): Promise<number> => {
      const store = new MemoryStore();
      const users = new MemoryUsers(store, [['alice', 'wonderland']]);
      const pop3 = createServer({ store, users });
      let stopped = false;
      const plane = await startManagementPlane({
        server: pop3,
        users,
        stop: () => (stopped = true),
        manager: { host: '127.0.0.1', port: 0, tokenFile },
        metricsFile,
        metricsListen: { host: '127.0.0.1', port: 0 },
      });
      const { port } = await pop3.listen({ host: '127.0.0.1', port: 0 });
      const s = await openSession('127.0.0.1', port);
      await s.client.request('QUIT');
      await s.client.waitForClose();
      const token = (await readFile(tokenFile, 'utf8')).trim();
      const client = await ManagerClient.connect({ host: '127.0.0.1', port: plane.managerAddress!.port, token });
      const hist = Number((await client.request('HIST')).text);
      expect((await client.request('STOP')).ok).toBe(true);
      client.close();
      expect(await scrape(plane.metricsAddress!.port)).toContain(`popcheck_sessions_total ${hist}`);
      await pop3.close();
      await plane.close();
      expect(stopped).toBe(true);
      return hist;
    };
    expect(await run()).toBe(1);
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    expect(await run()).toBe(2);
  });

  it('closes what it started when a part cannot start (port in use)', async () => {
    const pop3 = createServer({ store: new MemoryStore(), users: new MemoryUsers(new MemoryStore()) });
    const first = await startManagementPlane({ server: pop3, users: new MemoryUsers(new MemoryStore()), stop: () => undefined, manager: { host: '127.0.0.1', port: 0, tokenFile: path.join(dir, 't') } });
    const taken = first.managerAddress!.port;
    await expect(
      startManagementPlane({ server: pop3, users: new MemoryUsers(new MemoryStore()), stop: () => undefined, manager: { host: '127.0.0.1', port: taken, tokenFile: path.join(dir, 't') }, metricsListen: { host: '127.0.0.1', port: 0 } }),
    ).rejects.toThrow(/EADDRINUSE/);
    // Only the first plane's listeners remain on the events.
    expect(pop3.events.listenerCount('command')).toBe(1);
    await first.close();
    expect(pop3.events.listenerCount('command')).toBe(0);
  });
});
