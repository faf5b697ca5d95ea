/**
 * What one @manager scenario owns: its manager client (one UDP socket, so "the same socket" means
 * something), the requests it sent, the replies it got, the users it created and the settings it
 * changed (undone in the After hook). The state hangs off cucumber's world object in a WeakMap, so
 * these steps work with whatever World the suite installs and never call setWorldConstructor.
 */
import { randomBytes } from 'node:crypto';
import { VERDICT_MEDIA_TYPE } from '../../../src/harness/contract.js';
import type { ManagerClient, ManagerReply, SignedRequest } from '../../../src/manager/client.js';

/** The worldParameters these steps read (the runner passes them; see docs/manager-protocol.txt). */
export interface ManagerParameters {
  readonly managerHost?: string;
  readonly managerPort?: number;
  readonly managerToken?: string;
  /** Only then does the STOP scenario run: it stops the server under test. */
  readonly managerAllowStop?: boolean;
  /** The runner runs @manager-exclusive scenarios alone: they change the server for every client. */
  readonly managerExclusive?: boolean;
  /** The POP3 side (WorldParameters of src/harness/contract.ts). */
  readonly host?: string;
  readonly port?: number;
  readonly account?: { readonly user: string; readonly pass: string };
  readonly bundled?: boolean;
}

export interface Exchange {
  readonly request: SignedRequest | undefined;
  /** The datagram sent. */
  readonly sent: Buffer;
  readonly reply: ManagerReply | undefined;
}

export interface ListingWalk {
  readonly pageOctets: number[];
  readonly names: string[];
  readonly totals: number[];
  /** Walked with USERS AFTER (else with offsets). */
  readonly cursor: boolean;
}

export class ManagerState {
  client: ManagerClient | undefined;
  readonly others: ManagerClient[] = [];
  readonly exchanges: Exchange[] = [];
  /** Scenario-unique user names for ${new-user}, ${new-user-2}, ... */
  readonly freshUsers = new Map<string, string>();
  /** Users this scenario added, removed in the After hook. */
  readonly addedUsers = new Set<string>();
  /** Settings as they were before this scenario changed them. */
  readonly savedSettings = new Map<string, string>();
  readonly notes = new Map<string, number>();
  walk: ListingWalk | undefined;
  readonly cleanups: Array<() => Promise<void>> = [];
  /** Index into client.received before the last raw datagram, to tell whether it got an answer. */
  mark = 0;

  get last(): Exchange {
    const e = this.exchanges[this.exchanges.length - 1];
    if (!e) throw new Error('step error: no manager request was sent yet');
    return e;
  }

  get lastReply(): ManagerReply {
    const r = this.last.reply;
    if (!r) throw new Error('step error: the last manager datagram got no reply');
    return r;
  }

  freshUser(key: string): string {
    let name = this.freshUsers.get(key);
    if (!name) {
      name = `mgr-${randomBytes(5).toString('hex')}`;
      this.freshUsers.set(key, name);
    }
    return name;
  }

  /** Replaces ${new-user}, ${new-user-2}, ... with this scenario's fresh names. */
  expand(text: string): string {
    return text.replace(/\$\{(new-user(?:-\d+)?)\}/g, (_, key: string) => this.freshUser(key));
  }
}

const states = new WeakMap<object, ManagerState>();

export function managerState(world: object): ManagerState {
  let s = states.get(world);
  if (!s) {
    s = new ManagerState();
    states.set(world, s);
  }
  return s;
}

export function dropState(world: object): void {
  states.delete(world);
}

interface WorldLike {
  readonly parameters: unknown;
  attach(data: string, mediaType: string): void | Promise<void>;
}

export function parametersOf(world: object): ManagerParameters {
  return ((world as WorldLike).parameters ?? {}) as ManagerParameters;
}

/**
 * Ends the scenario as SKIP (src/harness/contract.ts): the runner reports it as not applicable
 * rather than failed. Returns 'skipped' for the step to return.
 */
export function skip(world: object, reason: string): 'skipped' {
  void (world as WorldLike).attach(JSON.stringify({ verdict: 'SKIP', reason }), VERDICT_MEDIA_TYPE);
  return 'skipped';
}

/** Fails with the scenario's requirement in the message, as the suite's World does. */
export function fail(what: string, expected: string, received: string): never {
  throw new Error(`${what}\n  expected: ${expected}\n  received: ${received}`);
}

export function check(ok: boolean, what: string, expected: string, received: string): void {
  if (!ok) fail(what, expected, received);
}

/** One line describing a reply for failure messages. */
export function describeReply(r: ManagerReply | undefined): string {
  if (!r) return 'no reply';
  const head = r.ok ? `+OK ${r.text}` : `-ERR [${r.code ?? ''}] ${r.text}`;
  return `${head}${r.lines ? ` (+${r.lines.length} lines)` : ''}${r.authenticated ? '' : ' (unauthenticated)'}`;
}
