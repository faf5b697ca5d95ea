/**
 * The model of one user's maildrop and of the session on the current connection (RFC 1939 §3-§7,
 * RFC 2449 §4-§5, RFC 3206), and the answer it expects to each command. It mirrors the reference
 * server's documented policy where the RFCs leave a choice: a bad command (unknown, malformed,
 * over-long, or in the wrong state) counts toward `maxBadCommands` consecutive ones, after which the
 * server answers -ERR and closes; any other answer resets the count; any command but PASS forgets
 * a pending USER; message arguments are checked left to right.
 */
import type { Pop3Reply } from '../../client/pop3-client.js';
import { escapeOctets } from '../escape.js';
import type { Intent, NumArg, Step } from './intent.js';
import { bodyLines, canonicalize, topOf } from './oracle.js';

export interface ModelMessage {
  readonly stored: Buffer;
  readonly canonical: Buffer;
  /** 1-based fixture number when the maildrop is the fixture set (for generated Gherkin). */
  readonly fixture: number | undefined;
  /** Learnt from the first UIDL that shows it; fixed from then on. */
  uid: string | undefined;
}

export interface ConnectionModel {
  /** Name of the connection in generated scenarios: "the client", "client B", ... */
  readonly name: string;
  state: 'AUTHORIZATION' | 'TRANSACTION';
  /** Whose maildrop is open (TRANSACTION). */
  user: string | undefined;
  pendingUser: string | undefined;
  bad: number;
  /** The maildrop as it was at login: message n is snapshot[n - 1] (RFC 1939 §5). */
  snapshot: ModelMessage[];
  deleted: Set<number>;
}

export interface ModelLimits {
  readonly maxBadCommands: number;
  readonly maxCommandOctets: number;
}

/**
 * RFC 1939 §13: a user logs in with USER/PASS or with APOP, not both (the reference server's
 * policy): one account of each kind, each with its own maildrop.
 */
export interface Accounts {
  readonly password: { readonly user: string; readonly pass: string };
  readonly apop: { readonly user: string; readonly secret: string };
}

/** What the model expects for one command, and how it changes once the answer is confirmed. */
export interface Expectation {
  readonly ok: boolean;
  /** Extended response code (RFC 2449 §8, RFC 3206) on an -ERR, or undefined for none. */
  readonly code?: string;
  /** The server closes the connection after this answer. */
  readonly closes: boolean;
  /** In words, for reports: "+OK 2 340", "-ERR (bad command 3 of 3, closes)". */
  readonly summary: string;
  /** Checks the values of a positive answer; returns the problem or undefined. */
  readonly check?: (reply: Pop3Reply) => string | undefined;
  /** Applies the command's effect to the model (called once the answer matched). */
  readonly apply: (reply: Pop3Reply) => void;
}

const CAPABILITIES = ['TOP', 'USER', 'UIDL', 'PIPELINING', 'RESP-CODES', 'AUTH-RESP-CODE'];
const AUTH_ONLY = new Set(['USER', 'PASS', 'APOP']);
const BOTH = new Set(['CAPA', 'QUIT']);

export class Pop3Model {
  /** Each user's maildrop as stored: what the next login will see. */
  readonly drops = new Map<string, ModelMessage[]>();
  conn: ConnectionModel | undefined;
  /** Per maildrop, every unique-id ever seen: a new message must not reuse one (RFC 1939 §7). */
  private readonly seenUids = new Map<string, Set<string>>();
  private connections = 0;

  constructor(
    readonly accounts: Accounts,
    readonly limits: ModelLimits,
    messages: { readonly password: readonly Buffer[]; readonly apop: readonly Buffer[] },
    fixtures: boolean,
  ) {
    const model = (list: readonly Buffer[], fixture: boolean): ModelMessage[] =>
      list.map((stored, i) => ({ stored, canonical: canonicalize(stored), fixture: fixture ? i + 1 : undefined, uid: undefined }));
    this.drops.set(accounts.password.user, model(messages.password, fixtures));
    this.drops.set(accounts.apop.user, model(messages.apop, false));
  }

  dropOf(user: string): ModelMessage[] {
    return this.drops.get(user)!;
  }

  /** A fresh connection in AUTHORIZATION; names it like the conformance steps do. */
  open(): ConnectionModel {
    const name = this.nextName();
    this.conn = { name, state: 'AUTHORIZATION', user: undefined, pendingUser: undefined, bad: 0, snapshot: [], deleted: new Set() };
    return this.conn;
  }

  nextName(): string {
    const n = this.connections++;
    return n === 0 ? 'the client' : `client ${String.fromCharCode(66 + ((n - 1) % 25))}${n > 25 ? Math.floor((n - 1) / 25) : ''}`;
  }

  /** Live messages of the current session with their numbers. */
  live(): Array<{ n: number; m: ModelMessage }> {
    const c = this.conn!;
    return c.snapshot.map((m, i) => ({ n: i + 1, m })).filter(({ n }) => !c.deleted.has(n));
  }

  /**
   * Records the unique-id the server showed for a message; returns a problem when it contradicts
   * what was seen before (changed, reused, or not unique).
   */
  learnUid(user: string, m: ModelMessage, uid: string): string | undefined {
    if (!/^[\x21-\x7e]{1,70}$/.test(uid)) return `unique-id ${JSON.stringify(uid)} is not 1-70 characters in 0x21-0x7E`;
    if (m.uid !== undefined) return m.uid === uid ? undefined : `unique-id changed from ${m.uid} to ${uid}`;
    let seen = this.seenUids.get(user);
    if (!seen) this.seenUids.set(user, (seen = new Set()));
    if (seen.has(uid)) return `unique-id ${uid} was already given to another message`;
    m.uid = uid;
    seen.add(uid);
    return undefined;
  }

  /** The expected answer to `step`, sent as a line of `octets` octets (without CRLF). */
  expect(step: Step, octets: number): Expectation {
    const c = this.conn;
    if (!c) throw new Error('bug: expect() without a connection');
    if (octets + 2 > this.limits.maxCommandOctets) return this.bad(`line of ${octets + 2} octets is over the limit`);
    const i = step.intent;
    if (i.t === 'BAD') return this.bad(i.why);
    const inAuth = c.state === 'AUTHORIZATION';
    if (!BOTH.has(i.t) && AUTH_ONLY.has(i.t) !== inAuth) return this.bad(`${i.t} in the ${c.state} state`);
    return this.expectValid(c, i);
  }

  private expectValid(c: ConnectionModel, i: Exclude<Intent, { t: 'BAD' }>): Expectation {
    switch (i.t) {
      case 'USER':
        return this.good(`+OK`, () => (c.pendingUser = i.name));
      case 'PASS': {
        const pending = c.pendingUser;
        if (pending === undefined) return this.bad('PASS without a USER right before it');
        const { user, pass } = this.accounts.password;
        return pending === user && i.pass === pass ? this.login(c, user) : this.authFailure();
      }
      case 'APOP':
        return i.name === this.accounts.apop.user && 'right' in i.digest ? this.login(c, i.name) : this.authFailure();
      case 'CAPA':
        return this.good('+OK capability list', undefined, (r) => {
          const caps = bodyLines(r.body?.data ?? Buffer.alloc(0)).map((l) => l.split(' ')[0]!.toUpperCase());
          const missing = CAPABILITIES.filter((x) => !caps.includes(x));
          return missing.length ? `CAPA does not list ${missing.join(', ')}` : undefined;
        });
      case 'QUIT':
        return {
          ok: true,
          closes: true,
          summary: c.state === 'TRANSACTION' ? `+OK, removes ${c.deleted.size} message(s) and closes` : '+OK and closes',
          apply: () => {
            if (c.state === 'TRANSACTION') {
              const gone = new Set(c.snapshot.filter((_, k) => c.deleted.has(k + 1)));
              this.drops.set(c.user!, this.dropOf(c.user!).filter((m) => !gone.has(m)));
            }
            this.conn = undefined;
          },
        };
      case 'STAT': {
        const live = this.live();
        const octets = live.reduce((sum, { m }) => sum + m.canonical.length, 0);
        return this.good(`+OK ${live.length} ${octets}`, undefined, (r) => {
          const got = /^(\d+) (\d+)(?: .*)?$/s.exec(r.line.status?.text ?? '');
          return got && Number(got[1]) === live.length && Number(got[2]) === octets ? undefined : `drop listing is not "${live.length} ${octets}"`;
        });
      }
      case 'NOOP':
        return this.good('+OK');
      case 'RSET':
        return this.good('+OK, unmarks all', () => c.deleted.clear());
      case 'DELE':
        return this.withMessage(c, i.arg, (n) => this.good(`+OK, marks ${n}`, () => c.deleted.add(n)));
      case 'RETR':
        return this.withMessage(c, i.arg, (n, m) => this.good(`+OK and message ${n} (${m.canonical.length} octets)`, undefined, (r) => sameBody(r, m.canonical)));
      case 'TOP':
        return this.withMessage(c, i.arg, (n, m) => {
          const k = i.lines.value;
          if (k === undefined) return this.bad(`invalid line count ${JSON.stringify(i.lines.raw)}`);
          return this.good(`+OK and the top ${k} line(s) of message ${n}`, undefined, (r) => sameBody(r, topOf(m.canonical, k)));
        });
      case 'LIST':
        return i.arg === undefined ? this.listing('LIST') : this.withMessage(c, i.arg, (n, m) => this.good(`+OK ${n} ${m.canonical.length}`, undefined, (r) => scanLine(r.line.status?.text ?? '', n, m.canonical.length)));
      case 'UIDL':
        return i.arg === undefined
          ? this.listing('UIDL')
          : this.withMessage(c, i.arg, (n, m) => this.uidCheck(`+OK ${n} ${m.uid ?? '<uid>'}`, (r) => this.uidLines([r.line.status?.text ?? ''], [{ n, m }])));
    }
  }

  private listing(verb: 'LIST' | 'UIDL'): Expectation {
    const live = this.live();
    if (verb === 'UIDL') return this.uidCheck(`+OK and ${live.length} unique-id line(s)`, (r) => this.uidLines(bodyLines(r.body?.data ?? Buffer.alloc(0)), live));
    const want = live.map(({ n, m }) => `${n} ${m.canonical.length}`);
    return this.good(`+OK and scan listing [${want.join(', ')}]`, undefined, (r) => {
      const got = bodyLines(r.body?.data ?? Buffer.alloc(0)).map((l) => /^(\d+ \d+)(?: .*)?$/s.exec(l)?.[1] ?? l);
      return got.join('|') === want.join('|') ? undefined : `scan listing [${got.join(', ')}], expected [${want.join(', ')}]`;
    });
  }

  /** UIDL answers teach the model while they are checked: the first sighting of a unique-id fixes it. */
  private uidCheck(summary: string, learn: (r: Pop3Reply) => string | undefined): Expectation {
    return this.good(summary, undefined, learn);
  }

  private uidLines(lines: string[], expected: Array<{ n: number; m: ModelMessage }>): string | undefined {
    if (lines.length !== expected.length) return `${lines.length} unique-id line(s), expected ${expected.length}`;
    for (const [k, line] of lines.entries()) {
      const { n, m } = expected[k]!;
      const got = /^(\d+) (.*)$/s.exec(line);
      if (!got || Number(got[1]) !== n) return `unique-id line ${JSON.stringify(line)} should be for message ${n}`;
      const problem = this.learnUid(this.conn!.user!, m, got[2]!);
      if (problem) return `message ${n}: ${problem}`;
    }
    return undefined;
  }

  private withMessage(c: ConnectionModel, arg: NumArg, then: (n: number, m: ModelMessage) => Expectation): Expectation {
    const n = arg.value;
    if (n === undefined) return this.bad(`invalid message number ${JSON.stringify(arg.raw)}`);
    const m = c.snapshot[n - 1];
    if (m === undefined) return this.notBad(`no message ${n}`);
    if (c.deleted.has(n)) return this.notBad(`message ${n} is marked as deleted`);
    return then(n, m);
  }

  private login(c: ConnectionModel, user: string): Expectation {
    return this.good(`+OK, logged in as ${user}`, () => {
      c.state = 'TRANSACTION';
      c.user = user;
      c.snapshot = [...this.dropOf(user)];
      c.deleted = new Set();
    });
  }

  private authFailure(): Expectation {
    return this.notBad('authentication fails', 'AUTH');
  }

  /** A positive answer: resets the bad-command count and forgets a pending USER (unless `effect` sets it). */
  private good(summary: string, effect?: () => void, check?: (r: Pop3Reply) => string | undefined): Expectation {
    const c = this.conn!;
    return {
      ok: true,
      closes: false,
      summary,
      ...(check ? { check } : {}),
      apply: () => {
        c.bad = 0;
        c.pendingUser = undefined;
        effect?.();
      },
    };
  }

  /** A negative answer that is not a bad command (RFC-valid command, failed): resets the count. */
  private notBad(why: string, code?: string): Expectation {
    const c = this.conn!;
    return {
      ok: false,
      closes: false,
      summary: `-ERR${code ? ` [${code}]` : ''} (${why})`,
      ...(code ? { code } : {}),
      apply: () => {
        c.bad = 0;
        c.pendingUser = undefined;
      },
    };
  }

  /** A bad command: -ERR, and at the limit -ERR and the connection closes. */
  private bad(why: string): Expectation {
    const c = this.conn!;
    const count = c.bad + 1;
    const closes = count >= this.limits.maxBadCommands;
    return {
      ok: false,
      closes,
      summary: `-ERR (${why}; bad command ${count} of ${this.limits.maxBadCommands}${closes ? ', closes' : ''})`,
      apply: () => {
        c.bad = count;
        c.pendingUser = undefined;
        if (closes) this.conn = undefined;
      },
    };
  }
}

function sameBody(r: Pop3Reply, expected: Buffer): string | undefined {
  const got = r.body?.data;
  if (!got) return 'no multi-line body';
  if (got.equals(expected)) return undefined;
  let at = 0;
  while (at < got.length && at < expected.length && got[at] === expected[at]) at++;
  return `body differs at octet ${at} of ${expected.length}: got ${JSON.stringify(escapeOctets(got.subarray(at, at + 24)))}, expected ${JSON.stringify(escapeOctets(expected.subarray(at, at + 24)))}`;
}

function scanLine(text: string, n: number, size: number): string | undefined {
  const got = /^(\d+) (\d+)(?: .*)?$/s.exec(text);
  return got && Number(got[1]) === n && Number(got[2]) === size ? undefined : `scan listing ${JSON.stringify(text)} is not "${n} ${size}"`;
}
