import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPasswordHash } from '../auth/password-hash.js';
import { parseUserLine, UsersFile } from '../auth/users-file.js';
import { passwdCommand, type PasswdIo } from './passwd-command.js';

const FAST = ['--scrypt-cost', '10'];
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface FakeIo extends PasswdIo {
  stdin: PassThrough & { isTTY?: boolean; setRawMode?: (m: boolean) => unknown };
  out: string;
  err: string;
  code: number | undefined;
  rawModes: boolean[];
}

function fakeIo(opts: { tty?: boolean } = {}): FakeIo {
  const stdin = new PassThrough() as FakeIo['stdin'];
  const io: FakeIo = {
    stdin,
    out: '',
    err: '',
    code: undefined,
    rawModes: [],
    stdout: { write: (t: string) => (io.out += t) },
    stderr: { write: (t: string) => (io.err += t) },
    setExitCode: (c) => (io.code = c),
  };
  if (opts.tty) {
    stdin.isTTY = true;
    stdin.setRawMode = (m: boolean) => io.rawModes.push(m);
  }
  return io;
}

async function run(args: string[], io: FakeIo, input?: string): Promise<FakeIo> {
  if (input !== undefined) io.stdin.end(input);
  const cmd = passwdCommand(io).exitOverride().configureOutput({ writeOut: (s) => (io.out += s), writeErr: (s) => (io.err += s) });
  try {
    await cmd.parseAsync(args, { from: 'user' });
  } catch (err) {
    io.code = (err as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  }
  return io;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'popcheck-passwd-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('popcheck passwd: printing a line', () => {
  it('hashes the first line of stdin and prints the users-file line', async () => {
    const io = await run(['--add', 'alice', ...FAST], fakeIo(), 'wonder land\nignored second line\n');
    expect(io.code).toBe(0);
    expect(io.err).toBe('');
    const entry = parseUserLine(io.out.trimEnd());
    expect(entry.user).toBe('alice');
    expect(entry.password.params.N).toBe(1024);
    expect(await verifyPasswordHash(entry.password, 'wonder land')).toBe(true);
    expect(entry.scram?.iterations).toBe(4096);
    expect(entry.secret).toBeUndefined();
    expect(io.out).not.toContain('wonder land');
  });

  it('accepts a password without a final newline and strips CRLF', async () => {
    const a = await run(['--add', 'alice', ...FAST], fakeIo(), 'pw');
    expect(await verifyPasswordHash(parseUserLine(a.out.trimEnd()).password, 'pw')).toBe(true);
    const b = await run(['--add', 'alice', ...FAST], fakeIo(), 'pw\r\n');
    expect(await verifyPasswordHash(parseUserLine(b.out.trimEnd()).password, 'pw')).toBe(true);
  });

  it('stores the shared secret only with --apop, and SCRAM unless --no-scram', async () => {
    const apop = await run(['--add', 'bob', '--apop', ...FAST], fakeIo(), 'builder\n');
    expect(parseUserLine(apop.out.trimEnd()).secret).toBe('builder');
    const noScram = await run(['--add', 'bob', '--no-scram', ...FAST], fakeIo(), 'builder\n');
    expect(parseUserLine(noScram.out.trimEnd()).scram).toBeUndefined();
    const iters = await run(['--add', 'bob', '--scram-iterations', '5000', ...FAST], fakeIo(), 'builder\n');
    expect(parseUserLine(iters.out.trimEnd()).scram?.iterations).toBe(5000);
  });

  it('uses scrypt N=2^15 by default', async () => {
    const io = await run(['--add', 'alice'], fakeIo(), 'pw\n');
    expect(parseUserLine(io.out.trimEnd()).password.params).toEqual({ N: 32768, r: 8, p: 1 });
  });

  it('refuses an empty password', async () => {
    const io = await run(['--add', 'alice', ...FAST], fakeIo(), '\n');
    expect(io.code).toBe(1);
    expect(io.err).toMatch(/password is empty/);
    expect(io.out).toBe('');
  });
});

describe('popcheck passwd: the terminal prompt', () => {
  it('prompts twice without echo, in raw mode, and restores the terminal', async () => {
    const io = fakeIo({ tty: true });
    const done = run(['--add', 'alice', ...FAST], io);
    io.stdin.write('sec');
    io.stdin.write('rex\u007ft\r'); // backspace removes the x
    io.stdin.write('secret\n');
    await done;
    expect(io.code).toBe(0);
    expect(io.err).toBe('Password for alice: \nRetype the password: \n');
    expect(io.rawModes).toEqual([true, false, true, false]);
    expect(await verifyPasswordHash(parseUserLine(io.out.trimEnd()).password, 'secret')).toBe(true);
  });

  it('keeps keys typed ahead for the second prompt (both lines in one chunk)', async () => {
    const io = fakeIo({ tty: true });
    const done = run(['--add', 'alice', ...FAST], io);
    io.stdin.write('pw\r\npw\r\n');
    await done;
    expect(io.code).toBe(0);
    expect(await verifyPasswordHash(parseUserLine(io.out.trimEnd()).password, 'pw')).toBe(true);
  });

  it('ignores arrow keys and Ctrl-U erases the line', async () => {
    const io = fakeIo({ tty: true });
    const done = run(['--add', 'alice', ...FAST], io);
    io.stdin.write('junk\u0015p\u001b[Dw\r');
    io.stdin.write('pw\r');
    await done;
    expect(await verifyPasswordHash(parseUserLine(io.out.trimEnd()).password, 'pw')).toBe(true);
  });

  it('fails when the two entries differ', async () => {
    const io = fakeIo({ tty: true });
    const done = run(['--add', 'alice', ...FAST], io);
    io.stdin.write('one\r');
    io.stdin.write('two\r');
    await done;
    expect(io.code).toBe(1);
    expect(io.err).toMatch(/passwords differ/);
    expect(io.out).toBe('');
  });

  it('Ctrl-C cancels', async () => {
    const io = fakeIo({ tty: true });
    const done = run(['--add', 'alice', ...FAST], io);
    io.stdin.write('abc\u0003');
    await done;
    expect(io.code).toBe(1);
    expect(io.err).toMatch(/cancelled/);
    expect(io.rawModes).toEqual([true, false]);
  });

  it('--password-stdin reads a line even from a terminal', async () => {
    const io = await run(['--add', 'alice', '--password-stdin', ...FAST], fakeIo({ tty: true }), 'pw\n');
    expect(io.code).toBe(0);
    expect(io.rawModes).toEqual([]);
    expect(io.err).toBe('');
  });
});

describe('popcheck passwd: editing a users file', () => {
  it('creates the file (mode 0600), adds, updates and removes users', async () => {
    const file = path.join(dir, 'users');
    const add = await run(['--users', file, '--add', 'alice', ...FAST], fakeIo(), 'wonderland\n');
    expect(add.code).toBe(0);
    expect(add.out).toMatch(/^added user alice in .*users \(SCRYPT, SCRAM-SHA-256\)\n$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const bob = await run(['--users', file, '--add', 'bob', '--apop', ...FAST], fakeIo(), 'builder\n');
    expect(bob.out).toMatch(/added user bob .*\(SCRYPT, SCRAM-SHA-256, PLAIN-SECRET\)/);
    const update = await run(['--users', file, '--add', 'alice', ...FAST], fakeIo(), 'new\n');
    expect(update.out).toMatch(/^updated user alice/);

    let users = await UsersFile.load(file);
    expect(await users.listUsers()).toEqual(['alice', 'bob']);
    expect(await users.verifyPassword('alice', 'new')).toBe(true);
    expect(await users.apopSecret('bob')).toBe('builder');

    const remove = await run(['--users', file, '--remove', 'bob'], fakeIo());
    expect(remove.code).toBe(0);
    expect(remove.out).toMatch(/^removed user bob from /);
    users = await UsersFile.load(file);
    expect(await users.listUsers()).toEqual(['alice']);

    const missing = await run(['--users', file, '--remove', 'bob'], fakeIo());
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no user bob in /);
  });

  it('reports a broken file with its line before asking for a password', async () => {
    const file = path.join(dir, 'users');
    await writeFile(file, '# ok\nbroken line\n', { mode: 0o600 });
    const io = fakeIo({ tty: true });
    await run(['--users', file, '--add', 'alice', ...FAST], io);
    expect(io.code).toBe(1);
    expect(io.err).toMatch(/users:2: invalid user name "broken line"/);
    expect(io.rawModes).toEqual([]);
    expect(await readFile(file, 'utf8')).toBe('# ok\nbroken line\n');
  });

  it('reports a missing file on --remove', async () => {
    const io = await run(['--users', path.join(dir, 'none'), '--remove', 'bob'], fakeIo());
    expect(io.code).toBe(1);
    expect(io.err).toMatch(/no such file/);
  });
});

describe('popcheck passwd: usage', () => {
  it.each([
    [[], /nothing to do/],
    [['--users', 'f'], /nothing to do/],
    [['--add', 'a', '--remove', 'b'], /either --add or --remove/],
    [['--remove', 'bob'], /--remove needs --users FILE/],
    [['--users', 'f', '--remove', 'bob', '--apop'], /--apop goes with --add/],
    [['--add', '../etc'], /invalid user name/],
    [['--add', 'a b'], /invalid user name/],
  ])('%j exits 2', async (args, message) => {
    const io = await run(args, fakeIo(), 'pw\n');
    expect(io.code).toBe(2);
    expect(io.err).toMatch(message);
    expect(io.out).toBe('');
  });

  it('refuses weak parameters and unknown options (commander errors exit 2)', async () => {
    expect((await run(['--add', 'a', '--scram-iterations', '1000'], fakeIo(), 'pw\n')).code).toBe(2);
    expect((await run(['--add', 'a', '--scrypt-cost', '8'], fakeIo(), 'pw\n')).code).toBe(2);
    expect((await run(['--add', 'a', '--password', 'x'], fakeIo(), 'pw\n')).code).toBe(2);
  });

  it('has full --help', async () => {
    const io = await run(['--help'], fakeIo());
    expect(io.code).toBe(0);
    for (const text of ['--users <file>', '--add <user>', '--remove <user>', '--apop', '--password-stdin', '--no-scram', '{PLAIN-SECRET}', 'Exit codes', 'Examples']) {
      expect(io.out).toContain(text);
    }
  });
});

describe('popcheck passwd as a process', () => {
  it('reads a piped password and edits the file, exit code 0; usage error exit code 2', async () => {
    const modulePath = fileURLToPath(new URL('./passwd-command.ts', import.meta.url));
    const entry = `
      import { passwdCommand } from ${JSON.stringify(modulePath)};
      const cmd = passwdCommand().exitOverride();
      try { await cmd.parseAsync(process.argv.slice(1), { from: 'user' }); }
      catch (e) { process.exitCode = e.exitCode === 0 ? 0 : 2; }
    `;
    const spawnIt = (args: string[], input: string): Promise<{ code: number | null; out: string; err: string }> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', entry, '--', ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, out, err }));
        child.stdin.end(input);
      });
    const file = path.join(dir, 'users');
    const ok = await spawnIt(['--users', file, '--add', 'carol', ...FAST], 'songbird\n');
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(await (await UsersFile.load(file)).verifyPassword('carol', 'songbird')).toBe(true);
    const usage = await spawnIt(['--remove', 'carol'], '');
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/--remove needs --users FILE/);
  });
});
