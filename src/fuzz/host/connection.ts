/**
 * One fuzzing connection: the byte-exact test client, plus a record of what was sent (the replay)
 * and of every rule the server's answers broke. Every status line is checked with the shared
 * grammar (statusLineViolations: upper-case status, CRLF, 512 octets); every multi-line body with
 * the shared decoder. A server may close the connection on hostile input: that is allowed, a
 * malformed answer or no answer at all is not.
 */
import { ClientError, Pop3Client, type Pop3Reply, type ResponseLine } from '../../client/pop3-client.js';
import { expectsMultiLine } from '../../client/commands.js';
import { escapeOctets } from '../escape.js';

/** What a replay holds: the octets of each write, and the steps that are not raw octets. */
export type ReplayAction =
  | { readonly kind: 'write'; readonly octets: Buffer; readonly split?: 'every-octet' | readonly number[] }
  /** USER and PASS with the account of the run (kept out of reports: they hold the password). */
  | { readonly kind: 'login' }
  | { readonly kind: 'destroy' }
  | { readonly kind: 'half-close' }
  | { readonly kind: 'read-until-close' };

export interface Target {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
}

/** Most octets one case may send (the 1 MB line and a little). */
export const MAX_CASE_OCTETS = 2 * 1024 * 1024;

export class FuzzConnection {
  readonly actions: ReplayAction[] = [];
  readonly problems: string[] = [];
  private octetsSent = 0;
  private closeWatch: Promise<'closed'> | undefined;
  private linesChecked = 0;

  private constructor(readonly client: Pop3Client) {}

  /** Connects and checks the greeting; throws ClientError when the server cannot be reached. */
  static async open(target: Target): Promise<FuzzConnection> {
    const { client, greeting } = await Pop3Client.open({ host: target.host, port: target.port, timeoutMs: target.timeoutMs });
    const c = new FuzzConnection(client);
    c.checkLine(greeting, 'greeting');
    if (!greeting.ok) c.problems.push(`greeting is not +OK: "${escapeOctets(greeting.raw, 120)}"`);
    return c;
  }

  get sent(): number {
    return this.octetsSent;
  }

  get responseLines(): number {
    return this.linesChecked;
  }

  get closed(): boolean {
    return this.client.isClosed;
  }

  /** USER and PASS; true when logged in. A refusal is a problem of the case (the account works). */
  async login(user: string, pass: string): Promise<boolean> {
    this.actions.push({ kind: 'login' });
    const u = await this.readAfter(() => this.client.send('USER', user), 'USER');
    if (!u?.ok) {
      if (u) this.problems.push(`USER refused: "${escapeOctets(u.raw, 120)}"`);
      return false;
    }
    const p = await this.readAfter(() => this.client.send('PASS', pass), 'PASS');
    if (!p?.ok) {
      if (p) this.problems.push(`PASS refused: "${escapeOctets(p.raw, 120)}"`);
      return false;
    }
    return true;
  }

  /**
   * Sends one line (CRLF added) and reads its reply, a multi-line body too when the command has
   * one; undefined when the server closed the connection instead (allowed).
   */
  async request(line: Buffer | string, split?: 'every-octet' | readonly number[]): Promise<Pop3Reply | undefined> {
    const bytes = Buffer.concat([typeof line === 'string' ? Buffer.from(line, 'latin1') : line, Buffer.from('\r\n')]);
    if (!(await this.write(bytes, split))) return undefined;
    const text = bytes.subarray(0, bytes.length - 2).toString('latin1');
    try {
      const reply = await this.client.readReply(expectsMultiLine(text));
      this.checkLine(reply.line, `reply to "${escapeOctets(bytes, 60)}"`);
      if (reply.body?.violations.length) this.problems.push(`multi-line reply to "${escapeOctets(bytes, 60)}": ${reply.body.violations.join('; ')}`);
      return reply;
    } catch (err) {
      return this.readFailure(err, `the reply to "${escapeOctets(bytes, 60)}"`);
    }
  }

  /** Writes octets as given (optionally one octet per write, or cut at offsets). False once closed. */
  async write(bytes: Buffer, split?: 'every-octet' | readonly number[]): Promise<boolean> {
    if (this.octetsSent + bytes.length > MAX_CASE_OCTETS) throw new Error(`bug: a case may send at most ${MAX_CASE_OCTETS} octets`);
    this.actions.push(split ? { kind: 'write', octets: bytes, split } : { kind: 'write', octets: bytes });
    this.octetsSent += bytes.length;
    if (this.client.isClosed) return false;
    const cuts = split === 'every-octet' ? Array.from({ length: bytes.length - 1 }, (_, i) => i + 1) : split;
    // A server that closes while we write can leave the write waiting for a 'drain' that never
    // comes (the socket is gone): race it with the close. One that stops reading and keeps the
    // connection open stalls it until the deadline.
    const limit = this.client.timeoutMs * 4;
    const written = (cuts ? this.client.writeSplit(bytes, cuts) : this.client.writeRaw(bytes)).then(
      () => 'written' as const,
      () => 'failed' as const,
    );
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<'stalled'>((resolve) => (timer = setTimeout(() => resolve('stalled'), limit)));
    const outcome = await Promise.race([written, this.closing(), stalled]);
    clearTimeout(timer);
    if (outcome === 'stalled') this.problems.push(`the server stopped reading: a write of ${bytes.length} octets did not finish within ${limit} ms, and the connection stayed open`);
    return outcome === 'written' && !this.client.isClosed;
  }

  /**
   * Resolves once the connection has closed. One watcher per connection (its timer ends with the
   * connection: every connection is destroyed when its case ends).
   */
  private closing(): Promise<'closed'> {
    this.closeWatch ??= this.client.staysOpenFor(24 * 3600 * 1000).then(
      () => 'closed' as const,
      () => 'closed' as const,
    );
    return this.closeWatch;
  }

  /** Reads the one status line answering what was just written; undefined when the server closed instead. */
  async readAnswer(what: string): Promise<ResponseLine | undefined> {
    try {
      const line = await this.client.readLine();
      this.checkLine(line, `answer to ${what}`);
      return line;
    } catch (err) {
      return this.readFailure(err, `the answer to ${what}`);
    }
  }

  /** Sends QUIT and reads every line until the server closes; each must be a well-formed status line. */
  async quitAndDrain(): Promise<void> {
    await this.write(Buffer.from('QUIT\r\n'));
    await this.drain();
  }

  /**
   * Reads status lines until the server closes the connection (the fuzzer never sends a command
   * with a multi-line answer before this). No answer and no close within the time-out is a problem.
   */
  async drain(maxLines = 200_000): Promise<void> {
    this.actions.push({ kind: 'read-until-close' });
    for (let n = 0; n < maxLines; n++) {
      let line: ResponseLine;
      try {
        line = await this.client.readLine();
      } catch (err) {
        this.readFailure(err, 'the answers before the close');
        return;
      }
      this.checkLine(line, 'answer to the garbage');
      if (this.problems.length > 20) return;
    }
    this.problems.push(`more than ${maxLines} answer lines without closing`);
  }

  destroy(): void {
    this.actions.push({ kind: 'destroy' });
    this.client.destroy();
  }

  halfClose(): void {
    this.actions.push({ kind: 'half-close' });
    this.client.end();
  }

  private async readAfter(send: () => Promise<void>, what: string): Promise<ResponseLine | undefined> {
    try {
      await send();
      const line = await this.client.readLine();
      this.checkLine(line, `reply to ${what}`);
      return line;
    } catch (err) {
      this.readFailure(err, `the reply to ${what}`);
      return undefined;
    }
  }

  private checkLine(line: ResponseLine, what: string): void {
    this.linesChecked++;
    for (const v of line.violations) this.problems.push(`${what}: ${v.rule}: ${v.detail}: "${escapeOctets(line.raw, 120)}"`);
  }

  /** A closed connection ends a read quietly; a time-out or an endless line is a problem. */
  private readFailure(err: unknown, what: string): undefined {
    if (err instanceof ClientError && err.kind === 'closed') return undefined;
    if (err instanceof ClientError) this.problems.push(`${what}: ${err.message}`);
    else throw err;
    return undefined;
  }
}
