/**
 * The fast-check commands of the model run. Wire sends POP3 lines (one by one, or pipelined in
 * one write, RFC 2449 §6.6); Reconnect checks the stored maildrop and opens a new session; Drop
 * closes the connection abruptly (no QUIT, so no UPDATE: RFC 1939 §6). check() gates each command
 * on the model, so shrinking can drop any command and the rest still make sense.
 */
import type fc from 'fast-check';
import { describe, render, type Step } from './intent.js';
import type { Pop3Model } from './model.js';
import type { RealSession } from './session.js';

export type ModelCommand = fc.AsyncCommand<Pop3Model, RealSession>;

export class Wire implements ModelCommand {
  constructor(
    readonly steps: readonly Step[],
    readonly pipelined: boolean,
    /** Only in this state (the login macro: in TRANSACTION it would just be two bad commands). */
    readonly onlyIn?: 'AUTHORIZATION' | 'TRANSACTION',
  ) {}

  check(m: Readonly<Pop3Model>): boolean {
    return m.conn !== undefined && (this.onlyIn === undefined || m.conn.state === this.onlyIn);
  }

  async run(m: Pop3Model, r: RealSession): Promise<void> {
    const ctx = { timestamp: r.timestamp, secret: m.accounts.apop.secret };
    await r.exchange(m, this.steps, this.pipelined, (s) => render(s, ctx));
  }

  toString(): string {
    const lines = this.steps.map((s) => describe(s));
    return this.pipelined ? `[${lines.join(' + ')}]` : lines.join(' ; ');
  }
}

export class Reconnect implements ModelCommand {
  check(m: Readonly<Pop3Model>): boolean {
    return m.conn === undefined;
  }

  async run(m: Pop3Model, r: RealSession): Promise<void> {
    await r.verify(m, m.nextName());
    await r.connect(m.open());
  }

  toString(): string {
    return '(check the maildrop, reconnect)';
  }
}

export class Drop implements ModelCommand {
  check(m: Readonly<Pop3Model>): boolean {
    return m.conn !== undefined;
  }

  async run(m: Pop3Model, r: RealSession): Promise<void> {
    r.drop(m.conn!);
    m.conn = undefined;
  }

  toString(): string {
    return '(drop the connection without QUIT)';
  }
}
