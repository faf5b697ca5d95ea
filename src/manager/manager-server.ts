/**
 * The management endpoint: one UDP socket feeding the request pipeline (engine.ts). A datagram is
 * answered with at most one datagram to its sender (spec §3.1). Socket errors are logged, never
 * thrown, so nothing here can take the POP3 server down.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import pino, { type Logger } from 'pino';
import { ManagerEngine, type EngineOptions } from './engine.js';
import { DEFAULT_MANAGER_HOST, DEFAULT_MANAGER_PORT } from './limits.js';

export interface ManagerListenOptions {
  /** An IP address; default 127.0.0.1 (spec §9: loopback unless asked otherwise). */
  readonly host?: string;
  /** Default 9090 (the seed's); 0 picks a free port. */
  readonly port?: number;
}

export interface ManagerAddress {
  readonly address: string;
  readonly family: string;
  readonly port: number;
}

export function isLoopback(host: string): boolean {
  return /^127\./.test(host) || host === '::1' || /^::ffff:127\./i.test(host);
}

export class ManagerServer {
  readonly engine: ManagerEngine;
  private readonly logger: Logger;
  private socket: dgram.Socket | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: EngineOptions) {
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.engine = new ManagerEngine(options);
  }

  address(): ManagerAddress | undefined {
    if (!this.socket) return undefined;
    const a = this.socket.address();
    return { address: a.address, family: a.family, port: a.port };
  }

  listen(options: ManagerListenOptions = {}): Promise<ManagerAddress> {
    if (this.socket) return Promise.reject(new Error('the manager is already listening'));
    const host = options.host ?? DEFAULT_MANAGER_HOST;
    const port = options.port ?? DEFAULT_MANAGER_PORT;
    const socket = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4' });
    this.socket = socket;
    socket.on('message', (msg, rinfo) => this.onMessage(socket, msg, rinfo));
    return new Promise((resolve, reject) => {
      const fail = (e: Error): void => {
        this.socket = undefined;
        socket.close();
        reject(e);
      };
      socket.once('error', fail);
      socket.bind({ address: host, port, exclusive: true }, () => {
        socket.off('error', fail);
        socket.on('error', (e) => this.logger.error({ err: e }, 'manager socket error'));
        const a = socket.address();
        if (!isLoopback(a.address)) {
          this.logger.warn({ address: a.address }, 'manager listening beyond loopback: its traffic (ADD passwords included) is not encrypted');
        }
        this.logger.info({ address: a.address, port: a.port }, 'manager listening');
        resolve({ address: a.address, family: a.family, port: a.port });
      });
    });
  }

  /** Stops receiving, then waits for the request running (if any) to finish. Not from a handler. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const socket = this.socket;
      if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
      await this.engine.idle();
    })();
    return this.closing;
  }

  private onMessage(socket: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.closing) return;
    void this.engine.receive(msg, `${rinfo.address}|${rinfo.port}`).then((outcome) => {
      if (!outcome) return;
      const after = (): void => {
        try {
          outcome.after?.();
        } catch (e) {
          this.logger.error({ err: e }, 'manager: after-reply action failed');
        }
      };
      if (this.closing) return after();
      socket.send(outcome.reply, rinfo.port, rinfo.address, (e) => {
        if (e) this.logger.warn({ err: e, peer: rinfo.address }, 'manager: reply not sent');
        after();
      });
    });
  }
}

export function createManagerServer(options: EngineOptions): ManagerServer {
  return new ManagerServer(options);
}
