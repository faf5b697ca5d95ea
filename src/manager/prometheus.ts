/**
 * GET /metrics in the Prometheus text format (spec §8.3), with prom-client on a private registry
 * (never the global one, so two servers in one process, as in tests, do not collide). The counters
 * are read from the metrics source at each scrape, so they are the persisted ones; the command
 * latency histogram is fed live from the POP3 server's "command" events and starts empty.
 */
import http from 'node:http';
import pino, { type Logger } from 'pino';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ServerEventMap, ServerEvents } from '../server/server-events.js';
import { DEFAULT_METRICS_PORT } from './limits.js';
import type { MetricsSnapshot, MetricsSource } from './types.js';
import { VerbKeys } from './verbs.js';

/**
 * Seconds. Most POP3 commands take well under a millisecond; a RETR of a large message or an
 * UPDATE over many files can take seconds.
 */
export const LATENCY_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface PrometheusOptions {
  readonly metrics: MetricsSource;
  readonly events: ServerEvents;
  /** Standard process_* and nodejs_* metrics; default true. */
  readonly defaultMetrics?: boolean;
  readonly logger?: Logger;
}

export interface MetricsListenOptions {
  /** Default 127.0.0.1: the endpoint has no authentication (spec §8.3). */
  readonly host?: string;
  readonly port?: number;
}

type CounterField = Exclude<keyof MetricsSnapshot, 'commands' | 'since' | 'uptimeSeconds' | 'sessionsCurrent'>;

const COUNTERS: ReadonlyArray<[string, string, CounterField]> = [
  ['popcheck_sessions_total', 'POP3 sessions started since the counters began', 'sessionsTotal'],
  ['popcheck_bytes_sent_total', 'Octets sent to POP3 clients', 'bytesSent'],
  ['popcheck_messages_retrieved_total', 'Messages sent in full by RETR', 'messagesRetrieved'],
  ['popcheck_messages_deleted_total', 'Messages removed by UPDATE', 'messagesDeleted'],
  ['popcheck_auth_failures_total', 'Failed POP3 authentication attempts', 'authFailures'],
  ['popcheck_logins_total', 'Successful POP3 logins', 'logins'],
];

export class PrometheusExporter {
  readonly registry = new Registry();
  private readonly logger: Logger;
  private readonly onCommand: (...args: ServerEventMap['command']) => void;
  private server: http.Server | undefined;

  constructor(private readonly options: PrometheusOptions) {
    this.logger = options.logger ?? pino({ level: 'silent' });
    const registers = [this.registry];
    const source = options.metrics;
    for (const [name, help, field] of COUNTERS) {
      new Counter({
        name,
        help,
        registers,
        collect() {
          // A collected counter: reset and set to the recorder's (persisted, monotonic) value.
          this.reset();
          this.inc(source.snapshot()[field]);
        },
      });
    }
    new Counter({
      name: 'popcheck_commands_total',
      help: 'POP3 commands received, by verb',
      labelNames: ['verb'],
      registers,
      collect() {
        this.reset();
        for (const [verb, n] of Object.entries(source.snapshot().commands)) this.inc({ verb }, n);
      },
    });
    new Gauge({
      name: 'popcheck_sessions_current',
      help: 'POP3 sessions open now',
      registers,
      collect() {
        this.set(source.snapshot().sessionsCurrent);
      },
    });
    new Gauge({
      name: 'popcheck_uptime_seconds',
      help: 'Seconds since this server process started',
      registers,
      collect() {
        this.set(source.snapshot().uptimeSeconds);
      },
    });
    const latency = new Histogram({
      name: 'popcheck_command_duration_seconds',
      help: 'Time the server took to handle a POP3 command, by verb',
      labelNames: ['verb'],
      buckets: [...LATENCY_BUCKETS],
      registers,
    });
    const verbs = new VerbKeys();
    this.onCommand = (e) => latency.observe({ verb: verbs.key(e.verb) }, e.durationMs / 1000);
    options.events.on('command', this.onCommand);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** The exposition text, as served at /metrics. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  listen(options: MetricsListenOptions = {}): Promise<{ address: string; port: number }> {
    const server = http.createServer((req, res) => this.handle(req, res));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? DEFAULT_METRICS_PORT }, () => {
        server.off('error', reject);
        server.on('error', (e) => this.logger.error({ err: e }, 'metrics endpoint error'));
        const a = server.address() as { address: string; port: number };
        this.logger.info({ address: a.address, port: a.port }, 'metrics endpoint listening');
        resolve({ address: a.address, port: a.port });
      });
    });
  }

  async close(): Promise<void> {
    this.options.events.off('command', this.onCommand);
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: the metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    this.render().then(
      (body) => res.writeHead(200, { 'Content-Type': this.registry.contentType }).end(req.method === 'HEAD' ? undefined : body),
      (e: unknown) => {
        this.logger.error({ err: e }, 'metrics rendering failed');
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  }
}

export function createPrometheusExporter(options: PrometheusOptions): PrometheusExporter {
  return new PrometheusExporter(options);
}
