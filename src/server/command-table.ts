/** The verb table: every command the server knows, by keyword (RFC 1939 §4-7, RFC 2449 §5). */
import type { CommandSpec } from './command-spec.js';
import { APOP } from './commands/apop.js';
import { AUTH } from './commands/auth.js';
import { CAPA } from './commands/capa.js';
import { DELE, NOOP, RSET } from './commands/dele-rset-noop.js';
import { LIST } from './commands/list.js';
import { QUIT } from './commands/quit.js';
import { RETR, TOP } from './commands/retr-top.js';
import { STAT } from './commands/stat.js';
import { UIDL } from './commands/uidl.js';
import { STLS } from './commands/stls.js';
import { PASS, USER } from './commands/user-pass.js';

export type CommandTable = ReadonlyMap<string, CommandSpec>;

export function buildCommandTable(extra: readonly CommandSpec[] = []): CommandTable {
  const specs = [USER, PASS, APOP, QUIT, STAT, LIST, RETR, DELE, NOOP, RSET, TOP, UIDL, CAPA, STLS, AUTH, ...extra];
  return new Map(specs.map((s) => [s.verb, s]));
}
