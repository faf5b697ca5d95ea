import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerEvents } from '../server/server-events.js';
import { createPrometheusExporter, type PrometheusExporter } from './prometheus.js';
import { zeroSnapshot } from './testing/engine-harness.js';

let exporter: PrometheusExporter | undefined;
afterEach(async () => {
  await exporter?.close();
  exporter = undefined;
});

function get(port: number, pathname: string, method = 'GET'): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathname, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Prometheus exposition (spec §8.3)', () => {
  it('serves the counters, the current sessions and a latency histogram by verb at /metrics', async () => {
    const events = new ServerEvents();
    const snap = zeroSnapshot({ sessionsTotal: 12, sessionsCurrent: 2, bytesSent: 4096, messagesRetrieved: 3, messagesDeleted: 1, authFailures: 4, logins: 8, uptimeSeconds: 60, commands: { retr: 3, user: 9 } });
    exporter = createPrometheusExporter({ metrics: { snapshot: () => snap }, events, defaultMetrics: false });
    events.emit('command', { verb: 'RETR', ok: true, durationMs: 2 });
    events.emit('command', { verb: 'RETR', ok: true, durationMs: 700 });
    const { port } = await exporter.listen({ host: '127.0.0.1', port: 0 });
    const res = await get(port, '/metrics');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain/);
    for (const line of [
      'popcheck_sessions_total 12',
      'popcheck_sessions_current 2',
      'popcheck_bytes_sent_total 4096',
      'popcheck_messages_retrieved_total 3',
      'popcheck_messages_deleted_total 1',
      'popcheck_auth_failures_total 4',
      'popcheck_logins_total 8',
      'popcheck_uptime_seconds 60',
      'popcheck_commands_total{verb="retr"} 3',
      'popcheck_commands_total{verb="user"} 9',
      '# TYPE popcheck_command_duration_seconds histogram',
      'popcheck_command_duration_seconds_bucket{le="0.0025",verb="retr"} 1',
      'popcheck_command_duration_seconds_bucket{le="1",verb="retr"} 2',
      'popcheck_command_duration_seconds_count{verb="retr"} 2',
    ]) {
      expect(res.body).toContain(line);
    }
  });

  it('reads the counters at each scrape', async () => {
    let n = 1;
    exporter = createPrometheusExporter({ metrics: { snapshot: () => zeroSnapshot({ sessionsTotal: n }) }, events: new ServerEvents(), defaultMetrics: false });
    expect(await exporter.render()).toContain('popcheck_sessions_total 1');
    n = 5;
    expect(await exporter.render()).toContain('popcheck_sessions_total 5');
  });

  it('includes the standard process metrics by default', async () => {
    exporter = createPrometheusExporter({ metrics: { snapshot: () => zeroSnapshot() }, events: new ServerEvents() });
    expect(await exporter.render()).toMatch(/^process_cpu_seconds_total /m);
  });

  it('404 elsewhere, 405 for other methods', async () => {
    exporter = createPrometheusExporter({ metrics: { snapshot: () => zeroSnapshot() }, events: new ServerEvents(), defaultMetrics: false });
    const { port } = await exporter.listen({ port: 0 });
    expect((await get(port, '/')).status).toBe(404);
    expect((await get(port, '/metrics', 'POST')).status).toBe(405);
    expect((await get(port, '/metrics?x=1')).status).toBe(200);
  });
});
