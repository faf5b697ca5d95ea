import { describe, expect, it } from 'vitest';
import { createServerSettings, limitsTransform, programProblem } from './settings.js';

describe('runtime settings (spec §6)', () => {
  it('idle-timeout: 600 to 86400 s, written into the live limits', async () => {
    const limits = { idleTimeoutMs: 600_000, maxConnections: 10 };
    const s = createServerSettings({ limits, startIdleTimeoutMs: 600_000 });
    expect(s.names()).toEqual(['idle-timeout', 'max-sessions']);
    for (const bad of ['599', '86401', '', '-1', '+700', '7e2', '700.5', '１２３']) expect(await s.set('idle-timeout', bad), bad).toBeDefined();
    expect(limits.idleTimeoutMs).toBe(600_000);
    expect(await s.set('idle-timeout', '86400')).toBeUndefined();
    expect(limits.idleTimeoutMs).toBe(86_400_000);
    expect(s.get('idle-timeout')).toBe('86400');
  });

  it('idle-timeout may go down to a lower start value, never below it (MGR-SET-1)', async () => {
    const limits = { idleTimeoutMs: 30_000, maxConnections: 10 };
    const s = createServerSettings({ limits, startIdleTimeoutMs: 30_000 });
    expect(await s.set('idle-timeout', '29')).toMatch(/30 to 86400/);
    expect(await s.set('idle-timeout', '45')).toBeUndefined();
    expect(await s.set('idle-timeout', '30')).toBeUndefined();
  });

  it('max-sessions: 1 to 1000000 (MGR-SET-2)', async () => {
    const limits = { idleTimeoutMs: 600_000, maxConnections: 10 };
    const s = createServerSettings({ limits, startIdleTimeoutMs: 600_000 });
    expect(await s.set('max-sessions', '0')).toBeDefined();
    expect(await s.set('max-sessions', '1000001')).toBeDefined();
    expect(await s.set('max-sessions', '1')).toBeUndefined();
    expect(limits.maxConnections).toBe(1);
  });

  it('transform: present only with a hook, at most 255 octets, the hook decides the rest', async () => {
    let current = '';
    const s = createServerSettings({
      limits: { idleTimeoutMs: 600_000, maxConnections: 10 },
      startIdleTimeoutMs: 600_000,
      transform: { get: () => current, set: (c) => (c.startsWith('/') || c === '' ? ((current = c), undefined) : 'not an absolute path') },
    });
    expect(s.names()).toContain('transform');
    expect(await s.set('transform', 'x'.repeat(256))).toMatch(/255/);
    expect(await s.set('transform', 'relative')).toBe('not an absolute path');
    expect(await s.set('transform', '/bin/cat')).toBeUndefined();
    expect(s.get('transform')).toBe('/bin/cat');
    expect(await s.set('nothing', '1')).toBeDefined();
  });
});

describe('limitsTransform: the transform setting over the server limits', () => {
  it('sets the live command, refusing programs that cannot run; shell syntax is left to the shell', async () => {
    const limits = { transformCommand: '' };
    const t = limitsTransform(limits, { PATH: '/usr/bin:/bin' });
    expect(await t.set('no-such-program-xyz --flag')).toMatch(/not found in the server's PATH/);
    expect(await t.set('/nonexistent/filter')).toMatch(/no such executable/);
    expect(await t.set('/etc')).toMatch(/no such executable/); // a folder
    expect(limits.transformCommand).toBe('');
    expect(await t.set('cat -v')).toBeUndefined();
    expect(limits.transformCommand).toBe('cat -v');
    expect(t.get()).toBe('cat -v');
    expect(await programProblem('FOO=1 cat')).toBeUndefined();
    expect(await programProblem("'quoted prog' x")).toBeUndefined();
    expect(await t.set('')).toBeUndefined();
    expect(limits.transformCommand).toBe('');
  });
});
