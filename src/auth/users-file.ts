/**
 * The users file (`popcheck server --users FILE`, written by `popcheck passwd`): a UserDirectory
 * that never holds a password in the clear unless the administrator asks for it.
 *
 * Format (UTF-8, one user per line; docs/users-file.md has the full description):
 *
 *   # comment                      blank lines and lines starting with "#" are ignored (and kept)
 *   alice:{SCRYPT}N=32768,r=8,p=1$<salt>$<hash>:{SCRAM-SHA-256}i=4096$<salt>$<StoredKey>$<ServerKey>
 *   bob:{SCRYPT}N=32768,r=8,p=1$<salt>$<hash>:{PLAIN-SECRET}<base64 of the secret>
 *
 * - The user name comes first; it follows src/store/types.ts isSafeUserName (it names a maildrop).
 * - Then ":"-separated fields `{SCHEME}data`, in any order, each scheme at most once; all binary
 *   values are canonical padded base64 (which never contains ":" or "$").
 * - {SCRYPT} (required): scrypt hash of the password, for USER/PASS, AUTH PLAIN and AUTH LOGIN.
 * - {SCRAM-SHA-256} (optional): RFC 5802/7677 verifier: iteration count, salt, StoredKey, ServerKey,
 *   for AUTH SCRAM-SHA-256. It does not reveal the password.
 * - {PLAIN-SECRET} (optional, only with `popcheck passwd --apop`): the password itself, base64,
 *   because APOP and CRAM-MD5 need the cleartext shared secret.
 *
 * Parsing errors name the file and line. save() replaces the file atomically (temporary file in
 * the same folder, fsync, rename) with mode 0600 and keeps comments and the order of lines.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, type Stats } from 'node:fs';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { isSafeUserName } from '../store/types.js';
import {
  checkScryptParams,
  decodeStrictBase64,
  DEFAULT_SCRYPT_PARAMS,
  formatPasswordHash,
  hashPassword,
  parsePasswordHash,
  SCRYPT_HASH_OCTETS,
  SCRYPT_SALT_OCTETS,
  verifyPasswordHash,
  type PasswordHash,
  type ScryptParams,
} from './password-hash.js';
import { decodeUtf8, saslPrep } from './saslprep.js';
import { DEFAULT_SCRAM_ITERATIONS, deriveScramCredentials, MAX_SCRAM_ITERATIONS, MIN_SCRAM_ITERATIONS, SCRAM_KEY_OCTETS } from './scram.js';
import type { DirectoryFeature, ScramCredentials, UserDirectory } from './types.js';

export interface UserEntry {
  readonly user: string;
  readonly password: PasswordHash;
  readonly scram?: ScramCredentials;
  /** Cleartext shared secret for APOP / CRAM-MD5, only when the administrator stored one. */
  readonly secret?: string;
}

export class UsersFileError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(file === undefined ? message : line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`);
    this.name = 'UsersFileError';
  }
}

/** A line of the file: a user, or a comment / blank line kept verbatim. */
export type UsersFileLine = { kind: 'user'; user: string } | { kind: 'other'; text: string };

export interface ParsedUsersFile {
  readonly entries: Map<string, UserEntry>;
  readonly lines: UsersFileLine[];
  /** Non-fatal findings (weak parameters), with line numbers. */
  readonly warnings: string[];
}

const SCHEME_SCRYPT = '{SCRYPT}';
const SCHEME_SCRAM = '{SCRAM-SHA-256}';
const SCHEME_SECRET = '{PLAIN-SECRET}';

export const USER_NAME_RULE = 'letters, digits and . _ @ + = - only, 1 to 64 characters, not starting with "."';

/** Parses a whole file; throws UsersFileError naming the line (and `source`, when given). */
export function parseUsersFile(text: string, source?: string): ParsedUsersFile {
  const entries = new Map<string, UserEntry>();
  const firstLine = new Map<string, number>();
  const lines: UsersFileLine[] = [];
  const warnings: string[] = [];
  const rawLines = text.split('\n');
  if (rawLines.length > 0 && rawLines[rawLines.length - 1] === '') rawLines.pop();
  rawLines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.replace(/[ \t\r]+$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) {
      lines.push({ kind: 'other', text: raw.replace(/\r$/, '') });
      return;
    }
    let entry: UserEntry;
    try {
      entry = parseUserLine(line, (w) => warnings.push(`${source ?? 'users file'}:${lineNo}: ${w}`));
    } catch (err) {
      throw new UsersFileError((err as Error).message, source ?? 'users file', lineNo);
    }
    const previous = firstLine.get(entry.user);
    if (previous !== undefined) throw new UsersFileError(`user ${entry.user} is already defined on line ${previous}`, source ?? 'users file', lineNo);
    firstLine.set(entry.user, lineNo);
    entries.set(entry.user, entry);
    lines.push({ kind: 'user', user: entry.user });
  });
  return { entries, lines, warnings };
}

/** One `user:{SCHEME}data:...` line (no line end). Throws a message without the line number. */
export function parseUserLine(line: string, warn: (message: string) => void = () => {}): UserEntry {
  const fields = line.split(':');
  const user = fields.shift()!;
  if (!isSafeUserName(user)) throw new Error(`invalid user name ${JSON.stringify(user)} (${USER_NAME_RULE})`);
  let password: PasswordHash | undefined;
  let scram: ScramCredentials | undefined;
  let secret: string | undefined;
  const seen = new Set<string>();
  for (const field of fields) {
    const m = /^(\{[A-Z0-9-]+\})(.*)$/.exec(field);
    if (!m) throw new Error(`expected a {SCHEME}value field after "${user}:", got ${JSON.stringify(field.slice(0, 20))}`);
    const [, scheme, data] = m as unknown as [string, string, string];
    if (seen.has(scheme)) throw new Error(`${scheme} appears twice`);
    seen.add(scheme);
    switch (scheme) {
      case SCHEME_SCRYPT:
        password = parsePasswordHash(data);
        if (password.params.N < DEFAULT_SCRYPT_PARAMS.N) warn(`user ${user}: scrypt N=${password.params.N} is weaker than the default ${DEFAULT_SCRYPT_PARAMS.N}`);
        break;
      case SCHEME_SCRAM:
        scram = parseScramField(data);
        if (scram.iterations < MIN_SCRAM_ITERATIONS) warn(`user ${user}: SCRAM iteration count ${scram.iterations} is below ${MIN_SCRAM_ITERATIONS} (RFC 7677 §3)`);
        break;
      case SCHEME_SECRET: {
        const decoded = decodeUtf8(decodeStrictBase64(data, `${SCHEME_SECRET} value`));
        if (decoded === undefined || decoded === '') throw new Error(`${SCHEME_SECRET} must be the base64 of a non-empty UTF-8 string`);
        secret = decoded;
        break;
      }
      default:
        throw new Error(`unknown scheme ${scheme} (known: ${SCHEME_SCRYPT}, ${SCHEME_SCRAM}, ${SCHEME_SECRET})`);
    }
  }
  if (!password) throw new Error(`user ${user} has no ${SCHEME_SCRYPT} password hash (every user needs one)`);
  return { user, password, ...(scram && { scram }), ...(secret !== undefined && { secret }) };
}

function parseScramField(data: string): ScramCredentials {
  const parts = data.split('$');
  if (parts.length !== 4) throw new Error(`${SCHEME_SCRAM} needs i=<iterations>$salt$StoredKey$ServerKey`);
  const [iterText, saltText, storedText, serverText] = parts as [string, string, string, string];
  const m = /^i=([1-9]\d{0,7})$/.exec(iterText);
  if (!m || Number(m[1]) > MAX_SCRAM_ITERATIONS) throw new Error(`${SCHEME_SCRAM} iteration count must read i=<1..${MAX_SCRAM_ITERATIONS}>, got ${JSON.stringify(iterText)}`);
  const salt = decodeStrictBase64(saltText, `${SCHEME_SCRAM} salt`);
  const storedKey = decodeStrictBase64(storedText, `${SCHEME_SCRAM} StoredKey`);
  const serverKey = decodeStrictBase64(serverText, `${SCHEME_SCRAM} ServerKey`);
  if (salt.length === 0) throw new Error(`${SCHEME_SCRAM} salt is empty`);
  if (storedKey.length !== SCRAM_KEY_OCTETS || serverKey.length !== SCRAM_KEY_OCTETS) throw new Error(`${SCHEME_SCRAM} StoredKey and ServerKey must be ${SCRAM_KEY_OCTETS} octets each`);
  return { iterations: Number(m[1]), salt, storedKey, serverKey };
}

/** The line for a users file (without line end). */
export function formatUserLine(entry: UserEntry): string {
  const fields = [entry.user, SCHEME_SCRYPT + formatPasswordHash(entry.password)];
  if (entry.scram) {
    const s = entry.scram;
    fields.push(`${SCHEME_SCRAM}i=${s.iterations}$${s.salt.toString('base64')}$${s.storedKey.toString('base64')}$${s.serverKey.toString('base64')}`);
  }
  if (entry.secret !== undefined) fields.push(SCHEME_SECRET + Buffer.from(entry.secret, 'utf8').toString('base64'));
  return fields.join(':');
}

export interface HashingOptions {
  /** scrypt cost for new hashes (and the unknown-user decoy). Default N=2^15, r=8, p=1. */
  scrypt?: ScryptParams;
  /** SCRAM-SHA-256 iteration count for new verifiers. Default 4096 (RFC 7677 §3 minimum). */
  scramIterations?: number;
}

export interface NewUserOptions extends HashingOptions {
  /** Also store the password in the clear, for APOP and CRAM-MD5. Default false. */
  sharedSecret?: boolean;
  /** Store a SCRAM-SHA-256 verifier. Default true. */
  scram?: boolean;
}

export interface NewUserResult {
  entry: UserEntry;
  /** For instance: no SCRAM verifier because SASLprep rejects the password. */
  warnings: string[];
}

/** Hashes a password into an entry; throws on an invalid user name or an empty password. */
export async function createUserEntry(user: string, password: string, options: NewUserOptions = {}): Promise<NewUserResult> {
  if (!isSafeUserName(user)) throw new UsersFileError(`invalid user name ${JSON.stringify(user)} (${USER_NAME_RULE})`);
  if (password === '') throw new UsersFileError('the password is empty');
  if (/[\r\n\0]/.test(password)) throw new UsersFileError('the password contains CR, LF or NUL, which no POP3 client can send');
  const warnings: string[] = [];
  const hash = await hashPassword(password, options.scrypt ?? DEFAULT_SCRYPT_PARAMS);
  let scram: ScramCredentials | undefined;
  if (options.scram !== false) {
    if (saslPrep(password) === undefined) warnings.push(`no SCRAM-SHA-256 verifier for ${user}: SASLprep (RFC 4013) rejects the password`);
    else scram = await deriveScramCredentials(password, { iterations: options.scramIterations ?? DEFAULT_SCRAM_ITERATIONS });
  }
  const entry: UserEntry = { user, password: hash, ...(scram && { scram }), ...(options.sharedSecret && { secret: password }) };
  return { entry, warnings };
}

export interface UsersFileOptions extends HashingOptions {
  /** load() of a file that does not exist gives an empty directory (save() creates it). */
  createIfMissing?: boolean;
  /**
   * Before each lookup, stat the file and reload it when it changed (cheap; concurrent lookups
   * share one reload). A file that no longer parses keeps the previous users and is reported
   * through onReloadError.
   */
  autoReload?: boolean;
  onReloadError?: (err: Error) => void;
}

interface FileSignature {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

const signatureOf = (s: Stats): FileSignature => ({ ino: s.ino, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs });
const sameSignature = (a: FileSignature | undefined, b: FileSignature): boolean =>
  a !== undefined && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;

const NEW_FILE_HEADER = [
  '# popcheck users file (docs/users-file.md); edit with `popcheck passwd --users FILE --add USER`',
  '# user:{SCRYPT}N=..,r=..,p=..$salt$hash[:{SCRAM-SHA-256}i=..$salt$StoredKey$ServerKey][:{PLAIN-SECRET}base64]',
];

export interface AddResult {
  /** True when the user existed and the line was replaced in place. */
  replaced: boolean;
  warnings: string[];
}

export class UsersFile implements UserDirectory {
  private entries = new Map<string, UserEntry>();
  private lines: UsersFileLine[] = [];
  private signature: FileSignature | undefined;
  private reloading: Promise<void> | undefined;
  private decoy: PasswordHash;
  /** Non-fatal findings of the last load: weak parameters, a file others can read. */
  warnings: string[] = [];

  private constructor(
    readonly path: string,
    private readonly options: UsersFileOptions,
  ) {
    const params = options.scrypt ?? DEFAULT_SCRYPT_PARAMS;
    const problem = checkScryptParams(params);
    if (problem) throw new UsersFileError(`invalid scrypt parameters: ${problem}`);
    this.decoy = makeDecoy(params);
  }

  /** Reads and parses FILE. Errors (UsersFileError) name the file and, for syntax, the line. */
  static async load(file: string, options: UsersFileOptions = {}): Promise<UsersFile> {
    const users = new UsersFile(path.resolve(file), options);
    await users.reload();
    return users;
  }

  /** Reads the file again now, replacing the users; on error the previous users stay. */
  async reload(): Promise<void> {
    let text: string;
    let st: Stats;
    try {
      st = await stat(this.path);
      if (!st.isFile()) throw new UsersFileError('not a regular file', this.path);
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if (err instanceof UsersFileError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && this.options.createIfMissing) {
        this.entries = new Map();
        this.lines = NEW_FILE_HEADER.map((text) => ({ kind: 'other', text }));
        this.signature = undefined;
        this.warnings = [];
        return;
      }
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
      throw new UsersFileError(`cannot read the users file: ${why}`, this.path);
    }
    const parsed = parseUsersFile(text, this.path);
    this.entries = parsed.entries;
    this.lines = parsed.lines;
    this.signature = signatureOf(st);
    this.warnings = [...parsed.warnings];
    if ((st.mode & 0o077) !== 0) {
      this.warnings.push(`${this.path}: mode ${(st.mode & 0o777).toString(8).padStart(4, '0')} lets other users read password hashes; chmod 600 it`);
    }
    this.decoy = makeDecoy(mostCommonParams(parsed.entries.values()) ?? this.options.scrypt ?? DEFAULT_SCRYPT_PARAMS);
  }

  /** Reloads when the file changed on disk since the last load or save. Resolves true if it did. */
  async refresh(): Promise<boolean> {
    if (this.reloading) {
      await this.reloading;
      return true;
    }
    let st: Stats;
    try {
      st = await stat(this.path);
    } catch {
      return false; // gone for a moment (an editor's rename) or unreadable: keep what we have
    }
    if (sameSignature(this.signature, signatureOf(st))) return false;
    this.reloading = this.reload().finally(() => (this.reloading = undefined));
    await this.reloading;
    return true;
  }

  // --- UserDirectory ----------------------------------------------------------------------------

  async verifyPassword(user: string, password: string): Promise<boolean> {
    const entry = await this.lookup(user);
    // An unknown user is checked against a decoy hash of the same cost: same work, same time.
    const ok = await verifyPasswordHash(entry?.password ?? this.decoy, password);
    return entry !== undefined && ok;
  }

  async apopSecret(user: string): Promise<string | undefined> {
    return (await this.lookup(user))?.secret;
  }

  async scramCredentials(user: string): Promise<ScramCredentials | undefined> {
    return (await this.lookup(user))?.scram;
  }

  async listUsers(): Promise<string[]> {
    await this.maybeRefresh();
    return [...this.entries.keys()];
  }

  /** 'shared-secret' when some user has a stored secret, 'scram-sha-256' when some user has a verifier. */
  supports(feature: DirectoryFeature): boolean {
    const has = (e: UserEntry): boolean => (feature === 'scram-sha-256' ? e.scram !== undefined : e.secret !== undefined);
    const entries = [...this.entries.values()];
    if (feature === 'apop') return entries.some(has);
    return entries.length > 0 && entries.every(has);
  }

  // --- editing ----------------------------------------------------------------------------------

  has(user: string): boolean {
    return this.entries.has(user);
  }

  entry(user: string): UserEntry | undefined {
    return this.entries.get(user);
  }

  /** Adds or replaces a user in memory (save() writes the file). Throws on an invalid name or password. */
  async add(user: string, password: string, options: NewUserOptions = {}): Promise<AddResult> {
    const { entry, warnings } = await createUserEntry(user, password, {
      ...(this.options.scrypt && { scrypt: this.options.scrypt }),
      ...(this.options.scramIterations !== undefined && { scramIterations: this.options.scramIterations }),
      ...options,
    });
    const replaced = this.entries.has(user);
    this.put(entry);
    return { replaced, warnings };
  }

  /** Adds or replaces a ready entry (from createUserEntry or parseUserLine). */
  put(entry: UserEntry): void {
    if (!this.entries.has(entry.user)) this.lines.push({ kind: 'user', user: entry.user });
    this.entries.set(entry.user, entry);
  }

  /** Removes a user in memory; false when there was none. */
  /**
   * Runs an edit (add, remove) and saves it; if the save fails (disk full, read-only), the edit is
   * undone in memory too, so the running server never disagrees with the file (issue 8).
   */
  async commit(edit: () => unknown): Promise<void> {
    const entries = new Map(this.entries);
    const lines = [...this.lines];
    try {
      await edit();
      await this.save();
    } catch (err) {
      this.entries = entries;
      this.lines = lines;
      throw err;
    }
  }

  remove(user: string): boolean {
    if (!this.entries.delete(user)) return false;
    this.lines = this.lines.filter((l) => !(l.kind === 'user' && l.user === user));
    return true;
  }

  /** The file's text as save() writes it. */
  serialize(): string {
    const out = this.lines.map((l) => (l.kind === 'other' ? l.text : formatUserLine(this.entries.get(l.user)!)));
    return out.length === 0 ? '' : `${out.join('\n')}\n`;
  }

  /**
   * Writes the file atomically: a temporary file in the same folder (mode 0600), fsync, rename
   * over the file, fsync of the folder. Readers see the old or the new file, never a mix.
   */
  async save(): Promise<void> {
    const dir = path.dirname(this.path);
    const temp = path.join(dir, `.${path.basename(this.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    let handle;
    try {
      handle = await open(temp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
    } catch (err) {
      throw new UsersFileError(`cannot write the users file: ${(err as Error).message}`, this.path);
    }
    try {
      await handle.chmod(0o600);
      await handle.writeFile(this.serialize(), 'utf8');
      await handle.sync();
      await handle.close();
      handle = undefined;
      await rename(temp, this.path);
    } catch (err) {
      await handle?.close().catch(() => {});
      await unlink(temp).catch(() => {});
      throw new UsersFileError(`cannot write the users file: ${(err as Error).message}`, this.path);
    }
    await syncDirectory(dir);
    try {
      this.signature = signatureOf(await stat(this.path));
    } catch {
      this.signature = undefined;
    }
  }

  // --- internals --------------------------------------------------------------------------------

  private async lookup(user: string): Promise<UserEntry | undefined> {
    await this.maybeRefresh();
    return isSafeUserName(user) ? this.entries.get(user) : undefined;
  }

  private async maybeRefresh(): Promise<void> {
    if (!this.options.autoReload) return;
    try {
      await this.refresh();
    } catch (err) {
      this.options.onReloadError?.(err as Error);
    }
  }
}

function makeDecoy(params: ScryptParams): PasswordHash {
  return { params: { ...params }, salt: randomBytes(SCRYPT_SALT_OCTETS), hash: randomBytes(SCRYPT_HASH_OCTETS) };
}

function mostCommonParams(entries: Iterable<UserEntry>): ScryptParams | undefined {
  const counts = new Map<string, { params: ScryptParams; n: number }>();
  for (const e of entries) {
    const key = `${e.password.params.N},${e.password.params.r},${e.password.params.p}`;
    const c = counts.get(key) ?? { params: e.password.params, n: 0 };
    c.n++;
    counts.set(key, c);
  }
  let best: { params: ScryptParams; n: number } | undefined;
  for (const c of counts.values()) if (!best || c.n > best.n) best = c;
  return best?.params;
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the rename durable. Not every platform can fsync a directory; that is not an error.
  try {
    const h = await open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    /* best effort */
  }
}
