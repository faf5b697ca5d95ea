import { chmod, mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultTokenPath, loadOrCreateToken, readTokenFile, TokenFileError, tokenProblem } from './token.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'popcheck-token-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the token file (spec §4.1)', () => {
  it('is created at first start: 64 hex characters, mode 0600, folders 0700 (MGR-TOKEN-1)', async () => {
    const file = path.join(dir, 'conf', 'popcheck', 'manager.token');
    const { token, created } = await loadOrCreateToken(file);
    expect(created).toBe(true);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect((await readFile(file, 'utf8')).trim()).toBe(token);
    // Second start: the same token.
    expect(await loadOrCreateToken(file)).toEqual({ token, created: false });
  });

  it('is refused when others can read it, or it is not a regular file (MGR-TOKEN-2)', async () => {
    const file = path.join(dir, 'manager.token');
    await writeFile(file, `${'a'.repeat(40)}\n`, { mode: 0o600 });
    expect(await readTokenFile(file)).toBe('a'.repeat(40));
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      await chmod(file, mode);
      await expect(loadOrCreateToken(file)).rejects.toThrow(/readable by others.*chmod 600/);
    }
    await mkdir(path.join(dir, 'folder.token'), { mode: 0o700 });
    await expect(readTokenFile(path.join(dir, 'folder.token'))).rejects.toThrow(/not a regular file/);
  });

  it('must hold a valid token; a missing file is a clear error for the client', async () => {
    const file = path.join(dir, 'short.token');
    await writeFile(file, 'tooshort\n', { mode: 0o600 });
    await expect(readTokenFile(file)).rejects.toThrow(TokenFileError);
    await expect(readTokenFile(path.join(dir, 'none'))).rejects.toThrow(/no token file/);
    expect(tokenProblem('x'.repeat(31))).toBeDefined();
    expect(tokenProblem(`${'x'.repeat(31)} y`)).toBeDefined();
    expect(tokenProblem('x'.repeat(32))).toBeUndefined();
  });

  it('defaults to $XDG_CONFIG_HOME/popcheck/manager.token, else ~/.config', () => {
    expect(defaultTokenPath({ XDG_CONFIG_HOME: '/etc/x' }, '/home/u')).toBe('/etc/x/popcheck/manager.token');
    expect(defaultTokenPath({}, '/home/u')).toBe('/home/u/.config/popcheck/manager.token');
    expect(defaultTokenPath({ XDG_CONFIG_HOME: 'relative' }, '/home/u')).toBe('/home/u/.config/popcheck/manager.token');
  });
});
