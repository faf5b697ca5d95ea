/**
 * The host fuzzer's cases. Each gets a seeded Rng (so (name, seed) replays it) and opens its
 * connections through the context, which records them for the report. A case ends either with QUIT
 * and reading every answer until the server closes, or with an abrupt close; then the runner checks
 * that the server still serves a fresh connection (health.ts).
 *
 * Cases that log in need an account; cases that could remove mail (DELE) need --destructive. Nothing
 * else can change the maildrop: garbage is sanitised (hostile.ts) and sessions end with QUIT only
 * when no DELE was sent.
 */
import { escapeOctets } from '../escape.js';
import type { FuzzConnection } from './connection.js';
import type { Credentials } from './health.js';
import { controlLine, garbageFlood, garbageLine, hugeNumber, invalidUtf8Line, longLine, oddCase, randomCuts, sanitize } from './hostile.js';
import type { Rng } from './rng.js';

export interface CaseContext {
  readonly creds: Credentials | undefined;
  readonly destructive: boolean;
  /** Opens a connection for the case (its octets go into the replay). */
  open(): Promise<FuzzConnection>;
  /** Resolves when the target has ended its sessions (bundled server only), else undefined. */
  readonly awaitIdle: (() => Promise<void>) | undefined;
}

export interface FuzzCase {
  readonly name: string;
  readonly about: string;
  readonly needsLogin?: boolean;
  readonly destructive?: boolean;
  readonly weight: number;
  run(ctx: CaseContext, rng: Rng): Promise<void>;
}

const CRLF = Buffer.from('\r\n');
const line = (b: Buffer | string): Buffer => Buffer.concat([typeof b === 'string' ? Buffer.from(b, 'latin1') : b, CRLF]);

/** Opens a connection and logs in when the case wants to (and an account is known). */
async function session(ctx: CaseContext, login: boolean): Promise<FuzzConnection | undefined> {
  const c = await ctx.open();
  if (login && ctx.creds && !(await c.login(ctx.creds.user, ctx.creds.pass))) return undefined;
  return c;
}

export const CASES: readonly FuzzCase[] = [
  {
    name: 'long-line',
    about: 'one line of 1 KB to 1 MB (RFC 2449 §4 allows 255 octets), before or after login, in one write or in pieces',
    weight: 3,
    async run(ctx, rng) {
      const c = await session(ctx, rng.chance(0.5));
      if (!c) return;
      const bytes = line(sanitize(longLine(rng, 1024, 1024 * 1024)));
      if (!(await c.write(bytes, rng.chance(0.3) ? randomCuts(rng, bytes.length, 16) : undefined))) return;
      // One -ERR for the line (RFC 1939 §3: an invalid command gets a negative answer) or a close;
      // then the server must still answer a command.
      if (!(await c.readAnswer(`the ${bytes.length}-octet line`))) return;
      if (await c.request('NOOP')) await c.quitAndDrain();
    },
  },
  {
    name: 'control-bytes',
    about: 'NUL, ESC, DEL, backspace and other control octets inside keywords and arguments',
    weight: 2,
    async run(ctx, rng) {
      const c = await session(ctx, rng.chance(0.5));
      if (!c) return;
      const lines = Array.from({ length: rng.int(1, 12) }, () => line(sanitize(controlLine(rng))));
      if (rng.chance(0.5)) await c.write(Buffer.concat(lines));
      else for (const l of lines) await c.write(l);
      await c.quitAndDrain();
    },
  },
  {
    name: 'invalid-utf8',
    about: 'invalid UTF-8 (lone continuation bytes, overlong forms, surrogates, 0xFE/0xFF) in commands and user names',
    weight: 2,
    async run(ctx, rng) {
      const c = await session(ctx, rng.chance(0.4));
      if (!c) return;
      for (let i = rng.int(1, 6); i > 0; i--) await c.write(line(sanitize(invalidUtf8Line(rng))));
      await c.quitAndDrain();
    },
  },
  {
    name: 'odd-case-spacing',
    about: 'keywords in random case; leading, trailing, doubled spaces and tabs around single-line commands',
    weight: 2,
    async run(ctx, rng) {
      const c = await session(ctx, ctx.creds !== undefined && rng.chance(0.7));
      if (!c) return;
      const loggedIn = c.actions.some((a) => a.kind === 'login');
      // Multi-line verbs only in forms whose framing is certain (odd case, no spacing games).
      const single = loggedIn ? ['STAT', 'NOOP', 'RSET'] : ['USER x', 'NOOP'];
      const multi = loggedIn ? ['LIST', 'UIDL', 'CAPA', 'LIST 1', 'UIDL 1'] : ['CAPA'];
      for (let i = rng.int(2, 8); i > 0; i--) {
        let text: string;
        if (rng.chance(0.4)) {
          const [verb, ...rest] = rng.pick(multi).split(' ');
          text = [oddCase(rng, verb!), ...rest].join(' ');
        } else {
          const [verb, ...rest] = rng.pick(single).split(' ');
          const sp = (): string => rng.pick(['', ' ', '  ', '\t', ' \t']);
          text = `${sp()}${oddCase(rng, verb!)}${rest.length ? ` ${rest.join(' ')}` : ''}${sp()}`;
        }
        if (!(await c.request(text))) return;
      }
      await c.quitAndDrain();
    },
  },
  {
    name: 'hostile-numbers',
    about: 'message numbers and line counts that overflow 32, 53 and 64 bits, signs, fractions, hex, exponents, non-ASCII digits',
    needsLogin: true,
    weight: 3,
    async run(ctx, rng) {
      const c = await session(ctx, true);
      if (!c) return;
      const verbs = ['RETR', 'LIST', 'UIDL', 'TOP', ...(ctx.destructive ? ['DELE'] : [])];
      for (let i = rng.int(2, 10); i > 0; i--) {
        const verb = rng.pick(verbs);
        const n = hugeNumber(rng);
        const text = verb === 'TOP' ? (rng.chance(0.5) ? `TOP ${n} 1` : `TOP 1 ${n}`) : `${verb} ${n}`;
        if (!(await c.request(text))) return;
      }
      // Without --destructive no DELE was sent, so QUIT removes nothing; with it, RSET undoes any.
      if (ctx.destructive && !(await c.request('RSET'))) return;
      await c.quitAndDrain();
    },
  },
  {
    name: 'split-every-octet',
    about: 'a session whose commands are written one octet per write, or cut at random points (between CR and LF too)',
    weight: 2,
    async run(ctx, rng) {
      const c = await ctx.open();
      const everyOctet = rng.chance(0.5);
      const cuts = (text: string): 'every-octet' | number[] => (everyOctet ? 'every-octet' : randomCuts(rng, text.length + 2, 8));
      const send = async (text: string): Promise<boolean> => (await c.request(text, cuts(text))) !== undefined;
      if (!(await send('CAPA'))) return;
      if (ctx.creds) {
        // Logging in octet by octet too; the replay records it as a login (the octets hold the password).
        c.actions.push({ kind: 'login' });
        const mark = c.actions.length;
        try {
          if (!(await send(`USER ${ctx.creds.user}`)) || !(await send(`PASS ${ctx.creds.pass}`))) return;
        } finally {
          c.actions.splice(mark);
        }
        for (const cmd of ['STAT', 'LIST', 'UIDL', 'NOOP', 'RSET']) if (!(await send(cmd))) return;
      } else if (!(await send('USER fuzz'))) return;
      await c.quitAndDrain();
    },
  },
  {
    name: 'pipelined-flood',
    about: 'thousands of garbage lines (or of NOOPs after login) in one write, then QUIT',
    weight: 2,
    async run(ctx, rng) {
      const login = ctx.creds !== undefined && rng.chance(0.5);
      const c = await session(ctx, login);
      if (!c) return;
      const count = rng.int(1000, 5000);
      const flood = login && rng.chance(0.5) ? Buffer.from('NOOP\r\nSTAT\r\n'.repeat(count / 2)) : garbageFlood(rng, count);
      await c.write(flood);
      await c.quitAndDrain();
    },
  },
  {
    name: 'random-octets',
    about: 'random octets (any value, CR and LF included) in random-sized writes, then CRLF and QUIT',
    weight: 2,
    async run(ctx, rng) {
      const c = await session(ctx, rng.chance(0.3));
      if (!c) return;
      for (let i = rng.int(1, 8); i > 0; i--) {
        const parts = Array.from({ length: rng.int(1, 40) }, () => Buffer.concat([garbageLine(rng), rng.chance(0.5) ? CRLF : Buffer.from([rng.pick([0x0d, 0x0a, 0x00])])]));
        if (!(await c.write(sanitize(Buffer.concat(parts))))) return;
      }
      await c.write(CRLF);
      await c.quitAndDrain();
    },
  },
  {
    name: 'close-mid-command',
    about: 'part of a command, then an abrupt close (or a half-close after a whole one)',
    weight: 2,
    async run(ctx, rng) {
      const c = await session(ctx, rng.chance(0.5));
      if (!c) return;
      const text = Buffer.from(rng.pick(['NOOP', 'STAT', 'USER fuzz', 'XYZZ', 'RSET', 'LIST 1']), 'latin1');
      if (rng.chance(0.7)) {
        await c.write(text.subarray(0, rng.int(1, text.length)));
        c.destroy();
      } else {
        // Half-close: the command is complete, the server should answer it and then close.
        await c.write(line(text));
        c.halfClose();
        await c.drain();
      }
    },
  },
  {
    name: 'close-mid-response',
    about: 'RETR, TOP, LIST, UIDL or CAPA, and an abrupt close before or while the answer arrives',
    needsLogin: true,
    weight: 2,
    async run(ctx, rng) {
      const c = await session(ctx, true);
      if (!c) return;
      const stat = await c.request('STAT');
      const count = Number(/^(\d+)/.exec(stat?.line.status?.text ?? '')?.[1] ?? 0);
      const n = count > 0 ? rng.int(1, count) : 1;
      const cmd = rng.pick([`RETR ${n}`, `TOP ${n} ${rng.int(0, 5)}`, 'LIST', 'UIDL', 'CAPA']);
      await c.write(line(cmd));
      if (rng.chance(0.5)) await c.client.readLine().catch(() => undefined);
      c.destroy();
    },
  },
  {
    name: 'dele-quit',
    about: 'DELE of a real message, then QUIT (removes mail: only with --destructive)',
    needsLogin: true,
    destructive: true,
    weight: 1,
    async run(ctx, rng) {
      const c = await session(ctx, true);
      if (!c) return;
      const stat = await c.request('STAT');
      const count = Number(/^(\d+)/.exec(stat?.line.status?.text ?? '')?.[1] ?? 0);
      if (count > 0 && !(await c.request(`DELE ${rng.int(1, count)}`))) return;
      await c.quitAndDrain();
    },
  },
  {
    name: 'dele-drop',
    about: 'DELE, then an abrupt close: nothing may be removed (RFC 1939 §6); checked with STAT on a new session',
    needsLogin: true,
    destructive: true,
    weight: 1,
    async run(ctx, rng) {
      const c = await session(ctx, true);
      if (!c) return;
      const before = (await c.request('STAT'))?.line.status?.text;
      const count = Number(/^(\d+)/.exec(before ?? '')?.[1] ?? 0);
      if (count === 0) {
        await c.quitAndDrain();
        return;
      }
      await c.request(`DELE ${rng.int(1, count)}`);
      c.destroy();
      await ctx.awaitIdle?.();
      const again = await session(ctx, true);
      if (!again) return;
      const after = (await again.request('STAT'))?.line.status?.text;
      if (after !== undefined && /^(\d+ \d+)/.exec(after)?.[1] !== /^(\d+ \d+)/.exec(before ?? '')?.[1]) {
        again.problems.push(`a session closed without QUIT removed mail: STAT was "${escapeOctets(Buffer.from(before ?? ''))}", now "${escapeOctets(Buffer.from(after))}"`);
      }
      await again.quitAndDrain();
    },
  },
];

export function caseNamed(name: string): FuzzCase | undefined {
  return CASES.find((c) => c.name === name);
}
