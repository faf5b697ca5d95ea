/**
 * `popcheck passwd`: makes users-file lines (docs/users-file.md) and edits users files.
 *
 *   popcheck passwd --add alice                      prompt (no echo), print alice's line
 *   popcheck passwd --users users.txt --add alice    add or replace alice in the file, atomically
 *   popcheck passwd --users users.txt --remove bob   remove bob
 *
 * The password comes from a prompt without echo when stdin is a terminal, otherwise (or with
 * --password-stdin) from the first line of standard input. It never appears in arguments.
 * Exit codes: 0 done, 1 failure (file, password), 2 usage error.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_SCRYPT_PARAMS, type ScryptParams } from '../auth/password-hash.js';
import { DEFAULT_SCRAM_ITERATIONS } from '../auth/scram.js';
import { createUserEntry, formatUserLine, USER_NAME_RULE, UsersFile, UsersFileError } from '../auth/users-file.js';
import { isSafeUserName } from '../store/types.js';

/** Where the command reads and writes; the process's streams unless a test gives others. */
export interface PasswdIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Receives the exit code; default: process.exitCode. */
  setExitCode?: (code: number) => void;
}

export interface PasswdFlags {
  users?: string;
  add?: string;
  remove?: string;
  apop?: boolean;
  passwordStdin?: boolean;
  scram: boolean;
  scramIterations: number;
  scryptCost: number;
}

const MAX_PASSWORD_OCTETS = 1024;

export function passwdCommand(io: PasswdIo = processIo()): Command {
  return new Command('passwd')
    .description('hash a password for a users file (--users FILE of popcheck server), or add/remove a user in one')
    .option('--users <file>', 'the users file to edit (created with mode 0600 if missing); without it the line is printed')
    .option('--add <user>', 'hash a password for this user: print the line, or with --users add or replace the user in FILE')
    .option('--remove <user>', 'remove this user from the --users FILE')
    .option('--apop', 'also store the password in the clear ({PLAIN-SECRET}), which APOP and AUTH CRAM-MD5 need', false)
    .option('--password-stdin', 'read the password from the first line of standard input even when it is a terminal', false)
    .option('--no-scram', 'do not store a SCRAM-SHA-256 verifier (AUTH SCRAM-SHA-256 will not work for the user)')
    .addOption(new Option('--scram-iterations <n>', 'SCRAM-SHA-256 iteration count (RFC 7677: at least 4096)').argParser(parseIterations).default(DEFAULT_SCRAM_ITERATIONS))
    .addOption(
      new Option('--scrypt-cost <log2N>', 'scrypt cost as log2(N), with r=8 p=1 (15: 32 MiB per check; lower only for tests)')
        .argParser(parseScryptCost)
        .default(Math.log2(DEFAULT_SCRYPT_PARAMS.N)),
    )
    .addHelpText(
      'after',
      `
The password is read from a prompt without echo when standard input is a terminal, otherwise from
the first line of standard input (a trailing CR/LF is removed). It is never taken from arguments.

Stored per user (one line, docs/users-file.md):
  {SCRYPT}          scrypt hash, for USER/PASS, AUTH PLAIN and AUTH LOGIN (always)
  {SCRAM-SHA-256}   salt, iteration count, StoredKey and ServerKey, for AUTH SCRAM-SHA-256 (unless --no-scram)
  {PLAIN-SECRET}    the password itself, for APOP and AUTH CRAM-MD5 (only with --apop)

Examples:
  popcheck passwd --add alice                                print a line to paste into a users file
  popcheck passwd --users /etc/popcheck/users --add alice    add alice, or change her password
  popcheck passwd --users users --add bob --apop             bob can also use APOP and CRAM-MD5
  printf '%s\\n' "$PW" | popcheck passwd --users users --add carol
  popcheck passwd --users users --remove bob

The file is replaced atomically (temporary file, fsync, rename) with mode 0600.
Exit codes: 0 done, 1 failure (file unreadable or invalid, passwords differ, ...), 2 usage error.`,
    )
    .action(async (flags: PasswdFlags) => {
      const code = await runPasswd(flags, io);
      (io.setExitCode ?? ((c: number) => (process.exitCode = c)))(code);
    });
}

class UsageError extends Error {}

export async function runPasswd(flags: PasswdFlags, io: PasswdIo): Promise<number> {
  try {
    if (flags.add !== undefined && flags.remove !== undefined) throw new UsageError('give either --add or --remove, not both');
    if (flags.add === undefined && flags.remove === undefined) throw new UsageError('nothing to do: give --add USER (with --users FILE to edit a file) or --users FILE --remove USER');
    if (flags.remove !== undefined) {
      if (flags.users === undefined) throw new UsageError('--remove needs --users FILE');
      if (flags.apop) throw new UsageError('--apop goes with --add, not --remove');
      return await removeUser(flags.users, flags.remove, io);
    }
    const user = flags.add!;
    if (!isSafeUserName(user)) throw new UsageError(`invalid user name ${JSON.stringify(user)} (${USER_NAME_RULE})`);
    const hashing = { scrypt: scryptParams(flags.scryptCost), scramIterations: flags.scramIterations };
    // Load before asking for the password, so a broken file is reported before any typing.
    const file = flags.users === undefined ? undefined : await UsersFile.load(flags.users, { createIfMissing: true, ...hashing });
    for (const w of file?.warnings ?? []) io.stderr.write(`popcheck passwd: warning: ${w}\n`);
    const password = await readPassword(io, user, flags.passwordStdin === true);
    const options = { ...hashing, sharedSecret: flags.apop === true, scram: flags.scram };
    if (!file) {
      const { entry, warnings } = await createUserEntry(user, password, options);
      for (const w of warnings) io.stderr.write(`popcheck passwd: warning: ${w}\n`);
      io.stdout.write(`${formatUserLine(entry)}\n`);
      return 0;
    }
    const { replaced, warnings } = await file.add(user, password, options);
    for (const w of warnings) io.stderr.write(`popcheck passwd: warning: ${w}\n`);
    await file.save();
    const stored = ['SCRYPT', ...(file.entry(user)?.scram ? ['SCRAM-SHA-256'] : []), ...(flags.apop ? ['PLAIN-SECRET'] : [])].join(', ');
    io.stdout.write(`${replaced ? 'updated' : 'added'} user ${user} in ${file.path} (${stored})\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`popcheck passwd: error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof UsersFileError || err instanceof PasswordInputError) {
      io.stderr.write(`popcheck passwd: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

async function removeUser(usersPath: string, user: string, io: PasswdIo): Promise<number> {
  const file = await UsersFile.load(usersPath);
  for (const w of file.warnings) io.stderr.write(`popcheck passwd: warning: ${w}\n`);
  if (!file.remove(user)) {
    io.stderr.write(`popcheck passwd: no user ${user} in ${file.path}\n`);
    return 1;
  }
  await file.save();
  io.stdout.write(`removed user ${user} from ${file.path}\n`);
  return 0;
}

export class PasswordInputError extends Error {}

/** From a no-echo prompt (twice) on a terminal, else the first line of stdin. */
export async function readPassword(io: PasswdIo, user: string, forceStdin: boolean): Promise<string> {
  let password: string;
  if (io.stdin.isTTY && !forceStdin && typeof io.stdin.setRawMode === 'function') {
    const prompt = hiddenPrompter(io);
    password = await prompt(`Password for ${user}: `);
    const again = await prompt('Retype the password: ');
    if (again !== password) throw new PasswordInputError('the passwords differ; nothing changed');
  } else {
    password = await readFirstLine(io.stdin);
  }
  if (password === '') throw new PasswordInputError('the password is empty; nothing changed');
  return password;
}

/** The first line of a stream (without CR/LF); stops reading at the newline or the end. */
export function readFirstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err?: Error): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.pause();
      if (err) return reject(err);
      const text = Buffer.concat(chunks).toString('utf8');
      const nl = text.indexOf('\n');
      resolve((nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, ''));
    };
    const onData = (chunk: Buffer | string): void => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      chunks.push(b);
      size += b.length;
      if (b.includes(0x0a)) finish();
      else if (size > MAX_PASSWORD_OCTETS) finish(new PasswordInputError(`the password line is longer than ${MAX_PASSWORD_OCTETS} octets`));
    };
    const onEnd = (): void => finish();
    const onError = (err: Error): void => finish(new PasswordInputError(`cannot read the password: ${err.message}`));
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.resume();
  });
}

/**
 * Reads lines from a terminal in raw mode without echoing them. Ctrl-C, or Ctrl-D on an empty
 * line, cancels. Keys typed (or pasted) ahead of a prompt are kept for the next one.
 */
export function hiddenPrompter(io: PasswdIo): (prompt: string) => Promise<string> {
  let pending = '';
  return (prompt) => {
    const input = io.stdin;
    io.stderr.write(prompt);
    return new Promise((resolve, reject) => {
      let value = '';
      let escape = false;
      let finished = false;
      input.setRawMode!(true);
      const done = (err?: Error): void => {
        finished = true;
        input.off('data', onData);
        input.setRawMode!(false);
        input.pause();
        io.stderr.write('\n');
        if (err) reject(err);
        else resolve(value);
      };
      const feed = (text: string): void => {
        const chars = [...text];
        for (let i = 0; i < chars.length; i++) {
          const ch = chars[i]!;
          if (escape) {
            // Skip an escape sequence (arrow keys and the like): ESC [ ... final letter, or ESC x.
            if (/[A-Za-z~]/.test(ch)) escape = false;
            continue;
          }
          switch (ch) {
            case '\r':
            case '\n':
              pending = chars.slice(i + 1).join('').replace(/^\n/, ch === '\r' ? '' : '\n');
              return done();
            case '\u0003':
              return done(new PasswordInputError('cancelled'));
            case '\u0004':
              pending = chars.slice(i + 1).join('');
              return done(value === '' ? new PasswordInputError('cancelled') : undefined);
            case '\u007f':
            case '\b':
              value = [...value].slice(0, -1).join('');
              break;
            case '\u0015': // Ctrl-U: erase the line
              value = '';
              break;
            case '\u001b':
              escape = true;
              break;
            default:
              if (ch >= ' ') value += ch;
              if (Buffer.byteLength(value) > MAX_PASSWORD_OCTETS) return done(new PasswordInputError(`the password is longer than ${MAX_PASSWORD_OCTETS} octets`));
          }
        }
      };
      const onData = (chunk: Buffer | string): void => feed(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      const ahead = pending;
      pending = '';
      if (ahead !== '') feed(ahead);
      if (finished) return;
      input.on('data', onData);
      input.resume();
    });
  };
}

function scryptParams(cost: number): ScryptParams {
  return { N: 2 ** cost, r: DEFAULT_SCRYPT_PARAMS.r, p: DEFAULT_SCRYPT_PARAMS.p };
}

function parseIterations(value: string): number {
  if (!/^[1-9]\d{0,7}$/.test(value) || Number(value) < 4096) throw new InvalidArgumentError(`not an iteration count of at least 4096: ${value}`);
  return Number(value);
}

function parseScryptCost(value: string): number {
  if (!/^\d{1,2}$/.test(value) || Number(value) < 10 || Number(value) > 20) throw new InvalidArgumentError(`not a scrypt cost from 10 to 20: ${value}`);
  return Number(value);
}

function processIo(): PasswdIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}
