/**
 * The client against a scripted server on loopback: what request() reads, the raw body it keeps,
 * pipelined bytes left for the next reply, the transcript cap, and staysOpenFor().
 */
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { Pop3Client } from './pop3-client.js';

type Script = (socket: net.Socket, line: string) => void;

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];

/** A server that greets, then calls `script` for every command line it receives. */
async function scripted(script: Script): Promise<number> {
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.write('+OK ready\r\n');
    let buf = '';
    socket.on('data', (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      for (let i = buf.indexOf('\r\n'); i !== -1; i = buf.indexOf('\r\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        script(socket, line);
      }
    });
    socket.on('error', () => undefined);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

describe('Pop3Client.request', () => {
  it('reads the body of a multi-line reply, un-stuffed, and keeps its wire form', async () => {
    const port = await scripted((s, line) => {
      if (line === 'RETR 1') s.write('+OK 12 octets\r\n..dot\r\nplain\r\n.\r\n');
    });
    const { client, greeting } = await Pop3Client.open({ host: '127.0.0.1', port, timeoutMs: 2000 });
    expect(greeting.ok).toBe(true);
    const reply = await client.request('RETR 1');
    expect(reply.line.text).toBe('+OK 12 octets');
    expect(reply.body?.data.toString()).toBe('.dot\r\nplain\r\n');
    expect(reply.body?.raw?.toString()).toBe('..dot\r\nplain\r\n.\r\n');
    expect(reply.body?.wireOctets).toBe(17);
    client.destroy();
  });

  it('does not read a body for a -ERR or for a single-line command', async () => {
    const port = await scripted((s, line) => s.write(line === 'LIST 1' ? '+OK 1 120\r\n' : '-ERR no\r\n'));
    const { client } = await Pop3Client.open({ host: '127.0.0.1', port, timeoutMs: 2000 });
    expect((await client.request('LIST 1')).body).toBeUndefined();
    expect((await client.request('RETR 9')).body).toBeUndefined();
    client.destroy();
  });

  it('leaves the replies to pipelined commands for the next reads', async () => {
    const port = await scripted((s, line) => {
      if (line === 'GO') s.write('+OK a\r\nx\r\n.\r\n+OK b\r\n-ERR c\r\n');
    });
    const { client } = await Pop3Client.open({ host: '127.0.0.1', port, timeoutMs: 2000 });
    await client.writeRaw('GO\r\n');
    expect((await client.readReply(true)).body?.data.toString()).toBe('x\r\n');
    expect((await client.readReply(false)).line.text).toBe('+OK b');
    expect((await client.readReply(true)).line.text).toBe('-ERR c');
    client.destroy();
  });

  it('sends the line exactly as written (no re-joining of arguments)', async () => {
    const seen: string[] = [];
    const port = await scripted((s, line) => {
      seen.push(line);
      s.write('-ERR\r\n');
    });
    const { client } = await Pop3Client.open({ host: '127.0.0.1', port, timeoutMs: 2000 });
    await client.request('RETR  1');
    expect(seen).toEqual(['RETR  1']);
    await expect(client.request('A\r\nB')).rejects.toThrow(/CR or LF/);
    client.destroy();
  });
});

describe('Pop3Client transcript', () => {
  it('keeps at most maxTranscriptOctets per direction and counts the rest', async () => {
    const port = await scripted((s, line) => {
      if (line === 'RETR 1') s.write(`+OK\r\n${'a'.repeat(1000)}\r\n.\r\n`);
    });
    const client = await Pop3Client.connect({ host: '127.0.0.1', port, timeoutMs: 2000, maxTranscriptOctets: 100 });
    await client.readLine();
    const reply = await client.request('RETR 1');
    expect(reply.body?.data.length).toBe(1002);
    const kept = client.transcript.filter((e) => e.from === 'server').reduce((a, e) => a + e.bytes.length, 0);
    expect(kept).toBe(100);
    expect(client.transcriptDropped.server).toBe(client.octetsReceived - 100);
    client.destroy();
  });
});

describe('Pop3Client.staysOpenFor', () => {
  it('is true when the server keeps quiet and open, false as soon as it closes', async () => {
    const port = await scripted((s, line) => {
      if (line === 'BYE') s.end();
    });
    const { client } = await Pop3Client.open({ host: '127.0.0.1', port, timeoutMs: 2000 });
    expect(await client.staysOpenFor(50)).toBe(true);
    await client.writeRaw('BYE\r\n');
    const started = Date.now();
    expect(await client.staysOpenFor(5000)).toBe(false);
    expect(Date.now() - started).toBeLessThan(4000);
    client.destroy();
  });
});
