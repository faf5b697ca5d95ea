/** The management plane (docs/manager-protocol.txt): what the server start-up and the CLI use. */
export { createManagerServer, ManagerServer, isLoopback, type ManagerListenOptions, type ManagerAddress } from './manager-server.js';
export { MetricsRecorder, type MetricsRecorderOptions } from './metrics.js';
export { createPrometheusExporter, PrometheusExporter, type PrometheusOptions, type MetricsListenOptions } from './prometheus.js';
export { createServerSettings, type ServerSettingsOptions, type TransformHook } from './settings.js';
export { defaultTokenPath, loadOrCreateToken, readTokenFile, TokenFileError } from './token.js';
export { ManagerClient, ManagerClientError, signRequest, type ManagerReply } from './client.js';
export { ManagerError, type UserAdmin, type RuntimeSettings, type MetricsSource, type MetricsSnapshot, type ManagerServerOptions } from './types.js';
export * from './limits.js';
export { startManagementPlane, type ManagementPlane, type ManagementPlaneOptions } from './plane.js';
