import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword, formatPasswordHash } from './password-hash.js';
import { deriveScramCredentials } from './scram.js';
import { createUserEntry, formatUserLine, parseUserLine, parseUsersFile, UsersFile, UsersFileError } from './users-file.js';

const FAST = { scrypt: { N: 1024, r: 8, p: 1 }, scramIterations: 4096 };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'popcheck-users-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function lineFor(user: string, password: string, opts: { sharedSecret?: boolean; scram?: boolean } = {}): Promise<string> {
  return formatUserLine((await createUserEntry(user, password, { ...FAST, ...opts })).entry);
}

describe('users file lines', () => {
  it('formats user:{SCRYPT}..:{SCRAM-SHA-256}..[:{PLAIN-SECRET}..] and parses it back', async () => {
    const line = await lineFor('alice', 'wonderland', { sharedSecret: true });
    expect(line).toMatch(/^alice:\{SCRYPT\}N=1024,r=8,p=1\$[^:$]+\$[^:$]+:\{SCRAM-SHA-256\}i=4096\$[^:$]+\$[^:$]+\$[^:$]+:\{PLAIN-SECRET\}d29uZGVybGFuZA==$/);
    const entry = parseUserLine(line);
    expect(entry.user).toBe('alice');
    expect(entry.secret).toBe('wonderland');
    expect(entry.scram?.iterations).toBe(4096);
    expect(entry.scram?.storedKey).toHaveLength(32);
  });

  it('never writes the password unless a shared secret is asked for', async () => {
    const line = await lineFor('bob', 'builder-secret');
    expect(line).not.toContain('builder-secret');
    expect(line).not.toContain(Buffer.from('builder-secret').toString('base64'));
    expect(line).not.toContain('{PLAIN-SECRET}');
  });

  it('can leave out the SCRAM verifier', async () => {
    expect(await lineFor('bob', 'builder', { scram: false })).not.toContain('{SCRAM-SHA-256}');
  });

  it('skips SCRAM with a warning when SASLprep refuses the password', async () => {
    const { entry, warnings } = await createUserEntry('bob', 'bell\u0007', FAST);
    expect(entry.scram).toBeUndefined();
    expect(warnings.join()).toMatch(/SASLprep/);
  });

  it('refuses bad user names and empty or multi-line passwords', async () => {
    await expect(createUserEntry('../etc', 'x', FAST)).rejects.toThrow(/invalid user name/);
    await expect(createUserEntry('.hidden', 'x', FAST)).rejects.toThrow(/invalid user name/);
    await expect(createUserEntry('al ice', 'x', FAST)).rejects.toThrow(/invalid user name/);
    await expect(createUserEntry('alice', '', FAST)).rejects.toThrow(/empty/);
    await expect(createUserEntry('alice', 'a\nb', FAST)).rejects.toThrow(/CR, LF or NUL/);
  });

  it('keeps any characters of a shared secret, ":" included', async () => {
    const entry = parseUserLine(await lineFor('carol', 'song:bird$\u00e9', { sharedSecret: true }));
    expect(entry.secret).toBe('song:bird$\u00e9');
  });
});

describe('parseUsersFile errors name the line', () => {
  const scrypt = async (): Promise<string> => `{SCRYPT}${formatPasswordHash(await hashPassword('x', FAST.scrypt))}`;

  it.each([
    ['bad user name', (h: string) => `# users\n\nal/ice:${h}\n`, 3, /invalid user name "al\/ice"/],
    ['bad SCRAM keys', () => `alice:{SCRAM-SHA-256}i=4096$AAAA$AAAA$AAAA\n`, 1, /StoredKey and ServerKey must be 32 octets/],
    ['no {SCRYPT}', () => `alice\n`, 1, /no \{SCRYPT\}/],
    ['unknown scheme', (h: string) => `alice:${h}:{MD5}abc\n`, 1, /unknown scheme \{MD5\}/],
    ['field without scheme', (h: string) => `alice:${h}:plain\n`, 1, /expected a \{SCHEME\}value/],
    ['scheme twice', (h: string) => `alice:${h}:${h}\n`, 1, /appears twice/],
    ['bad iteration count', (h: string) => `alice:${h}:{SCRAM-SHA-256}i=0$AAAA$AAAA$AAAA\n`, 1, /iteration count/],
    ['bad secret', (h: string) => `x:${h}\nalice:${h}:{PLAIN-SECRET}***\n`, 2, /not valid base64/],
    ['duplicate user', (h: string) => `alice:${h}\n#\nalice:${h}\n`, 3, /already defined on line 1/],
  ])('%s', async (_name, make, line, message) => {
    const text = make(await scrypt());
    let error: unknown;
    try {
      parseUsersFile(text, '/etc/users');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UsersFileError);
    expect((error as UsersFileError).line).toBe(line);
    expect((error as Error).message).toMatch(new RegExp(`^/etc/users:${line}: `));
    expect((error as Error).message).toMatch(message);
  });

  it('accepts CRLF line ends, trailing blanks, comments and blank lines', async () => {
    const text = `# comment\r\n\r\n   # indented comment\r\n${await lineFor('alice', 'a')}  \r\n`;
    const parsed = parseUsersFile(text);
    expect([...parsed.entries.keys()]).toEqual(['alice']);
    expect(parsed.lines).toHaveLength(4);
  });

  it('warns about weak parameters', async () => {
    const parsed = parseUsersFile(`${await lineFor('alice', 'a')}\n`, 'f');
    expect(parsed.warnings.join('\n')).toMatch(/f:1: user alice: scrypt N=1024 is weaker/);
  });
});

describe('UsersFile', () => {
  async function writeUsers(name: string, lines: string[]): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, lines.join('\n') + '\n', { mode: 0o600 });
    return file;
  }

  it('verifies passwords, gives shared secrets and SCRAM keys only as stored', async () => {
    const file = await writeUsers('users', [await lineFor('alice', 'wonderland'), await lineFor('bob', 'builder', { sharedSecret: true })]);
    const users = await UsersFile.load(file, FAST);
    expect(await users.verifyPassword('alice', 'wonderland')).toBe(true);
    expect(await users.verifyPassword('alice', 'builder')).toBe(false);
    expect(await users.verifyPassword('nobody', 'wonderland')).toBe(false);
    expect(await users.verifyPassword('../alice', 'wonderland')).toBe(false);
    expect(await users.apopSecret('alice')).toBeUndefined();
    expect(await users.apopSecret('bob')).toBe('builder');
    expect(await users.apopSecret('nobody')).toBeUndefined();
    const scram = await users.scramCredentials('alice');
    const expected = await deriveScramCredentials('wonderland', { salt: scram!.salt, iterations: scram!.iterations });
    expect(scram!.storedKey.equals(expected.storedKey)).toBe(true);
    expect(await users.scramCredentials('nobody')).toBeUndefined();
    expect(await users.listUsers()).toEqual(['alice', 'bob']);
    // APOP is offered (bob has a secret); CRAM-MD5 is not, since alice could not use it.
    expect(users.supports('apop')).toBe(true);
    expect(users.supports('shared-secret')).toBe(false);
    expect(users.supports('scram-sha-256')).toBe(true);
    expect(users.warnings).toHaveLength(2); // weak test parameters
  });

  it('supports() reflects what is stored', async () => {
    const file = await writeUsers('users', [await lineFor('alice', 'a', { scram: false })]);
    const users = await UsersFile.load(file, FAST);
    expect(users.supports('shared-secret')).toBe(false);
    expect(users.supports('apop')).toBe(false);
    expect(users.supports('scram-sha-256')).toBe(false);
  });

  it('reports a missing or unreadable file clearly', async () => {
    await expect(UsersFile.load(path.join(dir, 'none'))).rejects.toThrow(/none: cannot read the users file: no such file/);
    await expect(UsersFile.load(dir)).rejects.toThrow(/not a regular file/);
  });

  it('warns when others can read the file', async () => {
    const file = await writeUsers('users', [await lineFor('alice', 'a')]);
    await chmod(file, 0o644);
    const users = await UsersFile.load(file, FAST);
    expect(users.warnings.join('\n')).toMatch(/mode 0644 lets other users read/);
  });

  it('adds, replaces and removes users and saves atomically with mode 0600, keeping comments', async () => {
    const file = await writeUsers('users', ['# my users', await lineFor('alice', 'old'), '', '# trailing comment']);
    await chmod(file, 0o640);
    const users = await UsersFile.load(file, FAST);
    expect(await users.add('bob', 'builder')).toEqual({ replaced: false, warnings: [] });
    expect((await users.add('alice', 'new', { sharedSecret: true })).replaced).toBe(true);
    await users.save();

    const text = await readFile(file, 'utf8');
    const lines = text.split('\n');
    expect(lines[0]).toBe('# my users');
    expect(lines[1]).toMatch(/^alice:/);
    expect(lines[2]).toBe('');
    expect(lines[3]).toBe('# trailing comment');
    expect(lines[4]).toMatch(/^bob:/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const again = await UsersFile.load(file, FAST);
    expect(await again.verifyPassword('alice', 'new')).toBe(true);
    expect(await again.verifyPassword('alice', 'old')).toBe(false);
    expect(await again.apopSecret('alice')).toBe('new');
    expect(await again.verifyPassword('bob', 'builder')).toBe(true);

    expect(again.remove('bob')).toBe(true);
    expect(again.remove('bob')).toBe(false);
    await again.save();
    expect(await (await UsersFile.load(file, FAST)).listUsers()).toEqual(['alice']);
  });

  it('creates a missing file when asked, with a header comment', async () => {
    const file = path.join(dir, 'new-users');
    const users = await UsersFile.load(file, { ...FAST, createIfMissing: true });
    expect(await users.listUsers()).toEqual([]);
    await users.add('alice', 'x');
    await users.save();
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/^# popcheck users file/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(parseUsersFile(text).entries.has('alice')).toBe(true);
  });

  it('refuses to add an invalid user name', async () => {
    const users = await UsersFile.load(path.join(dir, 'u'), { ...FAST, createIfMissing: true });
    await expect(users.add('a:b', 'x')).rejects.toThrow(/invalid user name/);
  });

  it('leaves the old file when writing fails', async () => {
    const file = await writeUsers('users', [await lineFor('alice', 'a')]);
    const users = await UsersFile.load(file, FAST);
    await users.add('bob', 'b');
    await rm(dir, { recursive: true, force: true });
    await expect(users.save()).rejects.toThrow(UsersFileError);
  });

  it('refresh() reloads only when the file changed; a broken file keeps the previous users', async () => {
    const file = await writeUsers('users', [await lineFor('alice', 'a')]);
    const users = await UsersFile.load(file, FAST);
    expect(await users.refresh()).toBe(false);

    const other = await UsersFile.load(file, FAST);
    await other.add('bob', 'b');
    await other.save();
    expect(await users.refresh()).toBe(true);
    expect(await users.listUsers()).toEqual(['alice', 'bob']);

    await writeFile(file, 'garbage line\n');
    await expect(users.refresh()).rejects.toThrow(/:1: /);
    expect(await users.listUsers()).toEqual(['alice', 'bob']);
  });

  it('autoReload picks up changes at the next lookup and reports broken files', async () => {
    const file = await writeUsers('users', [await lineFor('alice', 'a')]);
    const errors: Error[] = [];
    const users = await UsersFile.load(file, { ...FAST, autoReload: true, onReloadError: (e) => errors.push(e) });
    const other = await UsersFile.load(file, FAST);
    await other.add('bob', 'b');
    await other.save();
    expect(await users.verifyPassword('bob', 'b')).toBe(true);

    await writeFile(file, `${await lineFor('carol', 'c')}\nbroken\n`);
    expect(await users.verifyPassword('bob', 'b')).toBe(true);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/users:2: /);
  });

  it('serializes an edited file exactly (idempotent load/save)', async () => {
    const original = ['# header', await lineFor('alice', 'a', { sharedSecret: true }), await lineFor('bob', 'b')].join('\n') + '\n';
    const file = path.join(dir, 'users');
    await writeFile(file, original, { mode: 0o600 });
    const users = await UsersFile.load(file, FAST);
    expect(users.serialize()).toBe(original);
  });
});

describe('UsersFile.commit', () => {
  it('undoes the edit in memory when the save fails', async () => {
    const file = path.join(dir, 'commit-users');
    const users = await UsersFile.load(file, { createIfMissing: true, scrypt: { N: 1024, r: 8, p: 1 } });
    await users.commit(() => users.add('alice', 'a'));
    // A folder where the file's temp copy must go makes the save fail.
    await rm(file, { force: true });
    await mkdir(file);
    await expect(users.commit(() => users.add('zoe', 'z'))).rejects.toThrow();
    expect(await users.listUsers()).toEqual(['alice']);
    await expect(users.commit(() => users.remove('alice'))).rejects.toThrow();
    expect(await users.verifyPassword('alice', 'a')).toBe(true);
  });
});
