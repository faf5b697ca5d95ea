/**
 * The socket loop every hand-made test server shares (the harness's and the fuzzer's broken POP3
 * servers): listen on 127.0.0.1 on a free port, track the connections so close() can end them
 * (a test must stop by itself even when a client never hangs up), and destroy a socket on error.
 */
import net from 'node:net';
import { once } from 'node:events';

export interface LoopbackListener {
  readonly port: number;
  /** Stops listening (if still listening) and destroys every open connection. */
  close(): Promise<void>;
  /** A crash: stops listening and drops every connection at once, without waiting. */
  crash(): void;
}

export async function listenLoopback(serve: (socket: net.Socket, listener: LoopbackListener) => void): Promise<LoopbackListener> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    serve(socket, listener);
  });
  const dropAll = (): void => {
    for (const s of sockets) s.destroy();
  };
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const listener: LoopbackListener = {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      dropAll();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    crash: () => {
      server.close();
      dropAll();
    },
  };
  return listener;
}
