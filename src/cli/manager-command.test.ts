import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagedServer, type ManagedServer } from '../manager/testing/managed-server.js';
import { EXIT_ERR_REPLY, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE, managerCommand } from './manager-command.js';

let server: ManagedServer;
let dir: string;
let tokenFile: string;

beforeAll(async () => {
  const users = Array.from({ length: 300 }, (_, i) => [`user-${String(i).padStart(3, '0')}-${'x'.repeat(40)}`, 'pw'] as const);
  server = await startManagedServer({ users });
  dir = await mkdtemp(path.join(os.tmpdir(), 'popcheck-manager-cli-'));
  tokenFile = path.join(dir, 'manager.token');
  await writeFile(tokenFile, `${server.token}\n`, { mode: 0o600 });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number | undefined;
  stdout: string;
  stderr: string;
}

async function run(args: string[], stdinText?: string): Promise<Run> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const result: Run = { code: undefined, stdout: '', stderr: '' };
  const cmd = managerCommand({ stdin, stdout, stderr, terminal: false, exit: (c) => (result.code = c) });
  cmd.exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  if (stdinText !== undefined) stdin.end(stdinText);
  try {
    await cmd.parseAsync(args, { from: 'user' });
  } catch {
    result.code = EXIT_USAGE; // commander's own usage errors (popcheck.ts maps them to 2)
  }
  return { ...result, stdout: out, stderr: err };
}

const at = (): string[] => ['--host', '127.0.0.1', '--port', String(server.managerPort), '--token-file', tokenFile];

describe('popcheck manager, one-shot', () => {
  it('stats --json: one JSON object with the values; exit 0', async () => {
    const r = await run([...at(), 'stats', '--json']);
    expect(r.code).toBe(EXIT_OK);
    const json = JSON.parse(r.stdout) as { ok: boolean; values: Record<string, unknown> };
    expect(json.ok).toBe(true);
    expect(json.values).toMatchObject({ 'sessions.total': expect.any(Number), 'bytes.sent': expect.any(Number), since: expect.any(String) });
  });

  it('users: every name across pages, one per line', async () => {
    const r = await run([...at(), 'users']);
    expect(r.code).toBe(EXIT_OK);
    const names = r.stdout.trim().split('\n');
    expect(names).toHaveLength(300);
    expect(new Set(names).size).toBe(300);
    expect(names[0]).toMatch(/^user-000-/);
  });

  it('host and port as arguments, like the seed\'s manager_client', async () => {
    const r = await run(['127.0.0.1', String(server.managerPort), '--token-file', tokenFile, 'hist']);
    expect(r).toMatchObject({ code: EXIT_OK, stdout: expect.stringMatching(/^\d+\n$/) });
  });

  it('-ERR: message on stderr, exit 1', async () => {
    const r = await run([...at(), 'del', 'nobody']);
    expect(r.code).toBe(EXIT_ERR_REPLY);
    expect(r.stderr).toMatch(/-ERR \[NO-USER\] no user nobody/);
    const j = await run([...at(), '--json', 'get', 'nothing']);
    expect(j.code).toBe(EXIT_ERR_REPLY);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, code: 'NO-SETTING' });
  });

  it('a wrong token: [AUTH] with a hint, exit 1', async () => {
    const wrong = path.join(dir, 'wrong.token');
    await writeFile(wrong, `${'w'.repeat(40)}\n`, { mode: 0o600 });
    const r = await run(['--port', String(server.managerPort), '--token-file', wrong, 'capa']);
    expect(r.code).toBe(EXIT_ERR_REPLY);
    expect(r.stderr).toMatch(/\[AUTH\].*check --token-file/);
  });

  it('an unusable token file is a usage error, exit 2', async () => {
    const r = await run(['--port', String(server.managerPort), '--token-file', path.join(dir, 'missing'), 'capa']);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stderr).toMatch(/no token file/);
    const loose = path.join(dir, 'loose.token');
    await writeFile(loose, `${server.token}\n`, { mode: 0o644 });
    expect((await run(['--port', String(server.managerPort), '--token-file', loose, 'capa'])).stderr).toMatch(/readable by others/);
  });

  it('nothing listening: exit 3 with a clear message', async () => {
    const r = await run(['--port', '9', '--token-file', tokenFile, '--timeout', '0.05', 'capa']);
    expect(r.code).toBe(EXIT_UNREACHABLE);
    expect(r.stderr).toMatch(/popcheck manager: .*(refused|no reply)/);
  });

  it('bad arguments: exit 2', async () => {
    expect((await run(['127.0.0.1', '99999', '--token-file', tokenFile, 'capa'])).code).toBe(EXIT_USAGE);
    expect((await run(['--port', 'x', 'capa'])).code).toBe(EXIT_USAGE);
    expect((await run([...at(), '--json'])).code).toBe(EXIT_USAGE);
  });

  it('help lists every command with a line each, without a token', async () => {
    const r = await run(['help']);
    expect(r.code).toBe(EXIT_OK);
    for (const verb of ['CAPA', 'USERS', 'ADD', 'DEL', 'HIST', 'CONC', 'TRANS', 'STATS', 'GET', 'SET', 'STOP']) expect(r.stdout).toMatch(new RegExp(`^  ${verb}\\b`, 'm'));
  });
});

describe('popcheck manager, interactive', () => {
  it('reads commands until end of input; help, replies, paging hints', async () => {
    const r = await run(at(), 'help\ncapa\nusers\nadd zoe:pw\nfrob\n');
    expect(r.code).toBe(EXIT_OK);
    expect(r.stdout).toMatch(/connected to 127\.0\.0\.1:\d+/);
    expect(r.stdout).toMatch(/^ {2}STATS \[offset\] +every metric/m);
    expect(r.stdout).toContain('+OK capabilities follow\nPROTOCOL popcheck-manager/1');
    expect(r.stdout).toMatch(/\(more: users \d+\)/);
    expect(r.stdout).toContain('+OK added zoe');
    expect(r.stdout).toContain('-ERR [SYNTAX] unknown command');
  });

  it('quit leaves before the rest of the input', async () => {
    const r = await run(at(), 'quit\nstop\n');
    expect(r.code).toBe(EXIT_OK);
    expect(r.stdout).not.toContain('stopping');
  });
});
