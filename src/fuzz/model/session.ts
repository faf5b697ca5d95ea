/**
 * The real side of a model run: connections to the server under test, and a trace of what was
 * sent and answered (for failure reports and generated Gherkin). Every check here compares one
 * answer with the model's Expectation and throws ModelMismatch on the first difference.
 */
import { ClientError, Pop3Client, type Pop3Reply, type ResponseLine } from '../../client/pop3-client.js';
import { apopDigest, expectsMultiLine, greetingTimestamp } from '../../client/commands.js';
import { escapeOctets } from '../escape.js';
import type { Step } from './intent.js';
import type { Accounts, ConnectionModel, Expectation, ModelMessage, Pop3Model } from './model.js';
import { bodyLines } from './oracle.js';

export interface ModelTarget {
  readonly host: string;
  readonly port: number;
  /** Resolves once the server has ended every session and released every lock. */
  awaitIdle(): Promise<void>;
}

export type TraceEvent =
  | { readonly kind: 'connect'; readonly conn: string }
  | { readonly kind: 'drop'; readonly conn: string }
  /** The maildrops checked on a connection of its own: sizes of the USER/PASS and the APOP account's messages. */
  | { readonly kind: 'verify'; readonly conn: string; readonly sizes: readonly number[]; readonly apopSizes: readonly number[] }
  | {
      readonly kind: 'command';
      readonly conn: string;
      readonly step: Step;
      readonly line: Buffer;
      /** Set on every step of a pipelined batch: the steps written in one write share it. */
      readonly batch: number | undefined;
      readonly expected: Expectation;
      /** The fixture number of the message a RETR or TOP addressed, and the live count for STAT. */
      readonly fixture: number | undefined;
      readonly liveCount: number | undefined;
      readonly deletedNumbers: readonly number[];
      reply?: string;
    };

export class ModelMismatch extends Error {
  override name = 'ModelMismatch';
}

export class RealSession {
  client: Pop3Client | undefined;
  timestamp: string | undefined;
  readonly trace: TraceEvent[] = [];
  private batches = 0;

  constructor(
    readonly target: ModelTarget,
    readonly accounts: Accounts,
    readonly timeoutMs: number,
  ) {}

  async connect(conn: ConnectionModel): Promise<void> {
    this.trace.push({ kind: 'connect', conn: conn.name });
    const { client, greeting } = await this.open();
    this.client = client;
    this.timestamp = greetingTimestamp(greeting.text);
  }

  drop(conn: ConnectionModel): void {
    this.trace.push({ kind: 'drop', conn: conn.name });
    this.client?.destroy();
    this.client = undefined;
  }

  /** Sends the steps (one write per step, or all in one write) and checks each answer. */
  async exchange(model: Pop3Model, steps: readonly Step[], pipelined: boolean, render: (s: Step) => Buffer): Promise<void> {
    const client = this.client!;
    const lines = steps.map(render);
    const batch = pipelined ? ++this.batches : undefined;
    if (pipelined) await client.writeRaw(Buffer.concat(lines.flatMap((l) => [l, CRLF])));
    for (const [k, step] of steps.entries()) {
      const conn = model.conn!;
      const line = lines[k]!;
      const expected = model.expect(step, line.length);
      const event = this.commandEvent(model, conn, step, line, batch, expected);
      this.trace.push(event);
      if (!pipelined) await client.writeRaw(Buffer.concat([line, CRLF]));
      const reply = await this.read(client, line, `${conn.name} sent ${JSON.stringify(escapeOctets(line, 80))}`);
      event.reply = escapeOctets(reply.line.raw, 200);
      const problem = replyProblem(reply, expected);
      if (problem) throw new ModelMismatch(`${conn.name} sent ${JSON.stringify(escapeOctets(line, 80))}: expected ${expected.summary}; got ${JSON.stringify(event.reply)}: ${problem}`);
      expected.apply(reply);
      if (expected.closes) {
        await this.expectClose(client, `after ${JSON.stringify(escapeOctets(line, 80))}`);
        this.client = undefined;
        return;
      }
    }
  }

  /**
   * Logs in on connections of their own and checks each stored maildrop against the model: the
   * unique-ids (so exactly the messages removed by QUIT are gone, in order) and the sizes.
   */
  async verify(model: Pop3Model, conn: string | undefined): Promise<void> {
    await this.target.awaitIdle();
    const { password, apop } = this.accounts;
    if (conn) this.trace.push({ kind: 'verify', conn, sizes: sizesOf(model.dropOf(password.user)), apopSizes: sizesOf(model.dropOf(apop.user)) });
    await this.verifyOne(model, password.user, () => [['USER', password.user], ['PASS', password.pass]], conn);
    await this.verifyOne(model, apop.user, (timestamp) => [['APOP', apop.user, apopDigest(timestamp ?? '', apop.secret)]], conn);
  }

  private async verifyOne(model: Pop3Model, user: string, login: (timestamp: string | undefined) => string[][], conn: string | undefined): Promise<void> {
    const { client, greeting } = await this.open();
    const where = `checking the maildrop of ${user}${conn ? ` (${conn})` : ''}`;
    const drop = model.dropOf(user);
    try {
      for (const [verb, ...args] of login(greetingTimestamp(greeting.text))) {
        const r = await client.command(verb!, ...args);
        if (!r.ok || r.violations.length) throw new ModelMismatch(`${where}: ${verb} got ${JSON.stringify(escapeOctets(r.raw))}`);
      }
      const uids = bodyLines(await this.checkedMulti(client, 'UIDL', where));
      const sizes = bodyLines(await this.checkedMulti(client, 'LIST', where));
      if (uids.length !== drop.length || sizes.length !== drop.length) {
        throw new ModelMismatch(`${where}: the maildrop has ${uids.length} messages (LIST: ${sizes.length}), the model ${drop.length}`);
      }
      for (const [k, m] of drop.entries()) {
        const uid = /^(\d+) (.*)$/s.exec(uids[k]!);
        const size = /^(\d+) (\d+)/.exec(sizes[k]!);
        if (!uid || Number(uid[1]) !== k + 1) throw new ModelMismatch(`${where}: UIDL line ${JSON.stringify(uids[k])} should be for message ${k + 1}`);
        const problem = model.learnUid(user, m, uid[2]!);
        if (problem) throw new ModelMismatch(`${where}: message ${k + 1}: ${problem} (a message that should be gone is still there, or one that should be there is gone)`);
        if (!size || Number(size[2]) !== m.canonical.length) throw new ModelMismatch(`${where}: LIST line ${JSON.stringify(sizes[k])}, expected "${k + 1} ${m.canonical.length}"`);
      }
      const quit = await client.command('QUIT');
      if (!quit.ok) throw new ModelMismatch(`${where}: QUIT got ${JSON.stringify(quit.text)}`);
      await this.expectClose(client, `${where}: after QUIT`);
    } finally {
      client.destroy();
    }
  }

  private async checkedMulti(client: Pop3Client, verb: string, where: string): Promise<Buffer> {
    const r = await client.multi(verb);
    if (!r.line.ok || r.line.violations.length || !r.body || r.body.violations.length) {
      throw new ModelMismatch(`${where}: ${verb} got ${JSON.stringify(escapeOctets(r.line.raw))} ${r.body?.violations.join('; ') ?? ''}`);
    }
    return r.body.data;
  }

  private async open(): Promise<{ client: Pop3Client; greeting: ResponseLine }> {
    const opened = await Pop3Client.open({ host: this.target.host, port: this.target.port, timeoutMs: this.timeoutMs });
    const g = opened.greeting;
    if (!g.ok || g.violations.length) {
      opened.client.destroy();
      throw new ModelMismatch(`greeting ${JSON.stringify(escapeOctets(g.raw))}: ${g.violations.map((v) => v.detail).join('; ') || 'not +OK'}`);
    }
    return opened;
  }

  private async read(client: Pop3Client, line: Buffer, what: string): Promise<Pop3Reply> {
    try {
      return await client.readReply(expectsMultiLine(line.toString('latin1')));
    } catch (err) {
      if (err instanceof ClientError) throw new ModelMismatch(`${what}: ${err.message}`);
      throw err;
    }
  }

  private async expectClose(client: Pop3Client, what: string): Promise<void> {
    try {
      await client.waitForClose(this.timeoutMs);
    } catch {
      throw new ModelMismatch(`${what}: the server did not close the connection`);
    }
    if (client.unread.length > 0) throw new ModelMismatch(`${what}: the server sent ${JSON.stringify(escapeOctets(client.unread, 80))} before closing`);
  }

  private commandEvent(model: Pop3Model, conn: ConnectionModel, step: Step, line: Buffer, batch: number | undefined, expected: Expectation): TraceEvent & { kind: 'command' } {
    const i = step.intent;
    const n = 'arg' in i ? i.arg?.value : undefined;
    const inSession = conn.state === 'TRANSACTION';
    return {
      kind: 'command',
      conn: conn.name,
      step,
      line,
      batch,
      expected,
      fixture: n !== undefined && inSession ? conn.snapshot[n - 1]?.fixture : undefined,
      liveCount: inSession ? model.live().length : undefined,
      deletedNumbers: [...conn.deleted],
    };
  }
}

const CRLF = Buffer.from('\r\n');

function sizesOf(drop: readonly ModelMessage[]): number[] {
  return drop.map((m) => m.canonical.length);
}

/** Compares an answer with the expectation: status, grammar, response code, values. */
export function replyProblem(reply: Pop3Reply, expected: Expectation): string | undefined {
  const line = reply.line;
  if (line.violations.length) return `grammar: ${line.violations.map((v) => v.detail).join('; ')}`;
  if (line.ok !== expected.ok) return `status is ${line.ok ? '+OK' : '-ERR'}`;
  if (!line.ok && line.status?.code !== expected.code) return `response code ${line.status?.code ?? 'none'}, expected ${expected.code ?? 'none'}`;
  if (reply.body?.violations.length) return `multi-line body: ${reply.body.violations.join('; ')}`;
  return line.ok ? expected.check?.(reply) : undefined;
}
