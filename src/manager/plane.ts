/**
 * The whole management plane in one call, for the server start-up: the metrics recorder (restored
 * from its file), the Prometheus endpoint if asked for, the token and the UDP manager. Call it
 * before the POP3 server listens (so the recorder sees every session) and close it after the POP3
 * server has closed (so the last sessions are counted in the final save). If any part cannot
 * start, the parts already started are closed and the error is thrown: an operator who asked for
 * the manager must not find out later that it is missing (spec §9).
 */
import pino, { type Logger } from 'pino';
import type { ServerEvents } from '../server/server-events.js';
import { createManagerServer, type ManagerAddress, type ManagerServer } from './manager-server.js';
import { MetricsRecorder } from './metrics.js';
import { createPrometheusExporter, type PrometheusExporter } from './prometheus.js';
import { createServerSettings, limitsTransform, type TransformHook } from './settings.js';
import { loadOrCreateToken } from './token.js';
import type { UserAdmin } from './types.js';

export interface ManagementPlaneOptions {
  /** The POP3 server (Pop3Server): its events and its live limits. */
  readonly server: { readonly events: ServerEvents; readonly limits: { idleTimeoutMs: number; maxConnections: number; transformCommand?: string } };
  readonly users: UserAdmin;
  /** Stops the whole server as SIGTERM does (STOP). */
  stop(): void;
  /**
   * The mail transformation setting; default: over server.limits.transformCommand when the limits
   * have it (limitsTransform), else no transform setting.
   */
  readonly transform?: TransformHook;
  /** The manager endpoint; omitted: none (--no-manager). */
  readonly manager?: { readonly host?: string; readonly port?: number; readonly tokenFile: string };
  /** The metrics snapshot file; omitted: counters in memory only. */
  readonly metricsFile?: string;
  /** The Prometheus endpoint; omitted: none. */
  readonly metricsListen?: { readonly host?: string; readonly port: number };
  readonly logger?: Logger;
}

export interface ManagementPlane {
  readonly recorder: MetricsRecorder;
  readonly manager: ManagerServer | undefined;
  readonly managerAddress: ManagerAddress | undefined;
  readonly prometheus: PrometheusExporter | undefined;
  readonly metricsAddress: { address: string; port: number } | undefined;
  /** True when the token file was created by this start (print its path for the operator). */
  readonly tokenCreated: boolean;
  close(): Promise<void>;
}

export async function startManagementPlane(options: ManagementPlaneOptions): Promise<ManagementPlane> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const startIdleTimeoutMs = options.server.limits.idleTimeoutMs;
  const recorder = await MetricsRecorder.open({ events: options.server.events, ...(options.metricsFile ? { file: options.metricsFile } : {}), logger });
  let prometheus: PrometheusExporter | undefined;
  let manager: ManagerServer | undefined;
  const close = async (): Promise<void> => {
    await manager?.close();
    await prometheus?.close();
    await recorder.close();
  };
  try {
    let metricsAddress: { address: string; port: number } | undefined;
    if (options.metricsListen) {
      prometheus = createPrometheusExporter({ metrics: recorder, events: options.server.events, logger });
      metricsAddress = await prometheus.listen(options.metricsListen);
    }
    let managerAddress: ManagerAddress | undefined;
    let tokenCreated = false;
    if (options.manager) {
      const { token, created } = await loadOrCreateToken(options.manager.tokenFile);
      tokenCreated = created;
      if (created) logger.info({ file: options.manager.tokenFile }, 'manager token created');
      const limits = options.server.limits;
      const transform = options.transform ?? (typeof limits.transformCommand === 'string' ? limitsTransform(limits as { transformCommand: string }) : undefined);
      manager = createManagerServer({
        users: options.users,
        settings: createServerSettings({ limits, startIdleTimeoutMs, ...(transform ? { transform } : {}) }),
        metrics: recorder,
        stop: options.stop,
        token,
        logger,
      });
      managerAddress = await manager.listen({ ...(options.manager.host ? { host: options.manager.host } : {}), ...(options.manager.port !== undefined ? { port: options.manager.port } : {}) });
    }
    return { recorder, manager, managerAddress, prometheus, metricsAddress, tokenCreated, close };
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }
}
