import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ServerEvents } from '../server/server-events.js';
import { MAX_TRACKED_VERBS } from './limits.js';
import { decodeCounters, encodeCounters, emptyCounters } from './metrics-file.js';
import { MetricsRecorder } from './metrics.js';
import { ManualScheduler } from './scheduler.js';
import { FakeClock } from './testing/fake-clock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'popcheck-metrics-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One POP3 session's worth of events: a login, 2 commands, a retrieval, a deletion. */
function session(events: ServerEvents, id: number): void {
  events.emit('session-start', { id, peer: '127.0.0.1' });
  events.emit('bytes-sent', 100);
  events.emit('auth-failure', { peer: '127.0.0.1', user: 'alice' });
  events.emit('login', { user: 'alice', peer: '127.0.0.1' });
  events.emit('command', { verb: 'RETR', ok: true, durationMs: 1 });
  events.emit('command', { verb: '(unknown)', ok: false, durationMs: 0.1 });
  events.emit('retrieved', { user: 'alice', octets: 50 });
  events.emit('expunged', { user: 'alice', count: 3, failed: 1 });
  events.emit('session-end', { id, peer: '127.0.0.1', user: 'alice', result: 'quit', bytesIn: 10, bytesOut: 100, durationMs: 5, commands: 2 });
}

describe('MetricsRecorder counts the server events (spec §8.1)', () => {
  it('keeps every counter, current sessions included', async () => {
    const events = new ServerEvents();
    const clock = new FakeClock();
    const r = await MetricsRecorder.open({ events, clock: clock.now });
    events.emit('session-start', { id: 9, peer: 'p' });
    session(events, 1);
    clock.advance(3500);
    expect(r.snapshot()).toMatchObject({
      uptimeSeconds: 3,
      sessionsCurrent: 1,
      sessionsTotal: 2,
      bytesSent: 100,
      messagesRetrieved: 1,
      messagesDeleted: 2,
      authFailures: 1,
      logins: 1,
      commands: { retr: 1, unknown: 1 },
    });
    await r.close();
    // Unsubscribed: later events change nothing.
    session(events, 2);
    expect(r.snapshot().sessionsTotal).toBe(2);
  });

  it(`tells at most ${MAX_TRACKED_VERBS} verbs apart; the rest are "other"`, async () => {
    const events = new ServerEvents();
    const r = await MetricsRecorder.open({ events });
    for (let i = 0; i < 100; i++) events.emit('command', { verb: `V${i}`, ok: false, durationMs: 0 });
    const commands = r.snapshot().commands;
    expect(Object.keys(commands)).toHaveLength(MAX_TRACKED_VERBS + 1);
    expect(commands.other).toBe(100 - MAX_TRACKED_VERBS);
  });
});

describe('persistence (spec §8.2)', () => {
  it('saves periodically while counters change, atomically, and restores at start (current sessions 0)', async () => {
    const file = path.join(dir, 'state', 'metrics.json');
    const events = new ServerEvents();
    const scheduler = new ManualScheduler();
    const clock = new FakeClock();
    const r1 = await MetricsRecorder.open({ events, file, scheduler, clock: clock.now });
    events.emit('session-start', { id: 7, peer: 'p' }); // still open at the "crash"
    session(events, 1);
    scheduler.fire();
    await r1.settled();
    const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(saved).toMatchObject({ format: 'popcheck-metrics/1', sessionsTotal: 2, bytesSent: 100, commands: { retr: 1, unknown: 1 } });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // Nothing changed since: the next tick writes nothing (mtime stays).
    const before = (await stat(file)).mtimeMs;
    scheduler.fire();
    await r1.settled();
    expect((await stat(file)).mtimeMs).toBe(before);

    // A crash (SIGKILL): no close(), so what happened after the last save is lost.
    session(events, 2);
    const r2 = await MetricsRecorder.open({ events: new ServerEvents(), file, scheduler: new ManualScheduler(), clock: clock.now });
    expect(r2.snapshot()).toMatchObject({ sessionsCurrent: 0, sessionsTotal: 2, bytesSent: 100, logins: 1, messagesDeleted: 2, since: clock.nowMs });
    expect((await readdir(path.dirname(file))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    await r2.close();
  });

  it('saves on close, and the counters go on from there after a restart', async () => {
    const file = path.join(dir, 'metrics.json');
    const events = new ServerEvents();
    const scheduler = new ManualScheduler();
    const r1 = await MetricsRecorder.open({ events, file, scheduler });
    session(events, 1);
    await r1.close();
    expect(scheduler.active).toBe(0);
    const events2 = new ServerEvents();
    const r2 = await MetricsRecorder.open({ events: events2, file, scheduler });
    session(events2, 2);
    expect(r2.snapshot()).toMatchObject({ sessionsTotal: 2, bytesSent: 200, commands: { retr: 2 } });
    await r2.close();
  });

  it('moves a corrupt file aside and starts from 0', async () => {
    const file = path.join(dir, 'metrics.json');
    await writeFile(file, '{"format":"popcheck-metrics/1","sessionsTotal":-1}');
    const r = await MetricsRecorder.open({ events: new ServerEvents(), file, scheduler: new ManualScheduler() });
    expect(r.snapshot().sessionsTotal).toBe(0);
    expect(await readFile(`${file}.corrupt`, 'utf8')).toContain('-1');
    await r.close();
  });

  it('decodeCounters accepts exactly what encodeCounters writes', () => {
    const c = { ...emptyCounters(Date.UTC(2025, 0, 1)), sessionsTotal: 5, commands: { retr: 2 } };
    expect(decodeCounters(encodeCounters(c, Date.now()))).toEqual(c);
    for (const bad of ['', 'null', '[]', '{"format":"x"}', encodeCounters(c, 0).replace('"sessionsTotal": 5', '"sessionsTotal": 1.5'), encodeCounters(c, 0).replace('"retr"', '"RETR X"')]) {
      expect(typeof decodeCounters(bad)).toBe('string');
    }
  });
});
