/**
 * The interop World: what one scenario owns (a temp folder, the reference server process, client
 * runs). It hangs off cucumber's world object under a symbol instead of being installed with
 * setWorldConstructor, because that call is global: if the conformance suite's steps and these
 * were ever loaded into one cucumber run, two world constructors would clobber each other.
 */
import type { ServerProcess } from '../../../src/cli/testing/server-process.js';
import type { ClientRun } from './clients.js';

export const INTEROP_USERS: ReadonlyArray<readonly [string, string]> = [
  ['alice', 'wonderland'],
  ['bob', 'builder'],
  ['carol', 'songbird'],
];

export class InteropWorld {
  /** The scenario's temp folder: maildrops/, home/, client output folders. */
  root = '';
  /** The server's mail root (a fresh copy of fixtures/demo/maildrops). */
  mailRoot = '';
  server: ServerProcess | undefined;
  /** Client runs by a label the steps choose ("curl 1", "fetchmail run 2", ...). */
  readonly runs = new Map<string, ClientRun>();
  /** Folder each delivering client wrote its messages to, by client name. */
  readonly deliveries = new Map<string, string>();
  /** Things to undo after the scenario, last first. */
  readonly cleanups: Array<() => Promise<void>> = [];

  get port(): number {
    if (!this.server) throw new Error('no interop reference server is running in this scenario');
    return this.server.port;
  }

  password(user: string): string {
    const entry = INTEROP_USERS.find(([u]) => u === user);
    if (!entry) throw new Error(`no interop user ${user}`);
    return entry[1];
  }

  run(label: string): ClientRun {
    const r = this.runs.get(label);
    if (!r) throw new Error(`no client run labelled "${label}" in this scenario`);
    return r;
  }
}

const KEY = Symbol.for('popcheck.interop.world');

export function attachInterop(world: object): InteropWorld {
  const w = new InteropWorld();
  (world as Record<symbol, unknown>)[KEY] = w;
  return w;
}

/** The scenario's InteropWorld; throws when the scenario is not tagged @interop. */
export function interop(world: object): InteropWorld {
  const w = (world as Record<symbol, unknown>)[KEY];
  if (!(w instanceof InteropWorld)) throw new Error('interop steps need a scenario tagged @interop');
  return w;
}
