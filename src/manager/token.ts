/**
 * The manager token (spec §4.1): a secret of at least 32 printable characters, generated at first
 * start as 32 random octets in hex into a file only its owner can read (mode 0600). Server and
 * client refuse a token file others could read, as ssh refuses such a private key: a token others
 * can read authenticates them too. The token is never taken from a command line (ps shows those).
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GENERATED_TOKEN_OCTETS, MIN_TOKEN_CHARS } from './limits.js';

export class TokenFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenFileError';
  }
}

/** $XDG_CONFIG_HOME/popcheck/manager.token, or ~/.config/popcheck/manager.token. */
export function defaultTokenPath(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(base, 'popcheck', 'manager.token');
}

/** Why a string is not a usable token, or undefined when it is. */
export function tokenProblem(token: string): string | undefined {
  if (token.length < MIN_TOKEN_CHARS) return `a token has at least ${MIN_TOKEN_CHARS} characters`;
  if (!/^[\x21-\x7e]+$/.test(token)) return 'a token has only printable ASCII characters, no spaces';
  return undefined;
}

export function generateToken(): string {
  return randomBytes(GENERATED_TOKEN_OCTETS).toString('hex');
}

/** Reads and checks a token file (the client's side, and the server's when the file exists). */
export async function readTokenFile(file: string): Promise<string> {
  let handle: fs.FileHandle;
  try {
    // O_NOFOLLOW is not used: a symlink to a well-protected file is fine; the checks apply to the target.
    handle = await fs.open(file, constants.O_RDONLY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new TokenFileError(`no token file ${file} (the server creates it at its first start)`);
    if (code === 'EACCES') throw new TokenFileError(`cannot read the token file ${file}: permission denied`);
    throw new TokenFileError(`cannot read the token file ${file}: ${(e as Error).message}`);
  }
  try {
    // fstat on the open handle: the file checked is the file read.
    const st = await handle.stat();
    if (!st.isFile()) throw new TokenFileError(`the token file ${file} is not a regular file`);
    if ((st.mode & 0o077) !== 0) {
      throw new TokenFileError(`the token file ${file} is readable by others (mode ${(st.mode & 0o777).toString(8)}): run chmod 600 ${file}`);
    }
    const token = (await handle.readFile('utf8')).trim();
    const problem = tokenProblem(token);
    if (problem) throw new TokenFileError(`the token file ${file} holds no valid token: ${problem}`);
    return token;
  } finally {
    await handle.close();
  }
}

/**
 * The server's side: reads the token file, or creates it with a fresh token when it does not
 * exist (folders 0700, file 0600, exclusive create so a concurrent start is never overwritten).
 */
export async function loadOrCreateToken(file: string): Promise<{ token: string; created: boolean }> {
  try {
    return { token: await readTokenFile(file), created: false };
  } catch (e) {
    if (!(e instanceof TokenFileError) || !(await missing(file))) throw e;
  }
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const token = generateToken();
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'wx', 0o600);
  } catch (e) {
    // Created meanwhile by another process: use (and check) that one.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return { token: await readTokenFile(file), created: false };
    throw new TokenFileError(`cannot create the token file ${file}: ${(e as Error).message}`);
  }
  try {
    // The umask can only remove bits; set the mode explicitly anyway so it is 0600 whatever it is.
    await handle.chmod(0o600);
    await handle.writeFile(`${token}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { token, created: true };
}

async function missing(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    () => false,
    (e: NodeJS.ErrnoException) => e.code === 'ENOENT',
  );
}
