/** The manager's commands (spec §5), in the order CAPA and `help` list them. */
import type { ManagerCommandSpec } from './command-spec.js';
import { capaCommand } from './commands/capa.js';
import { concCommand, histCommand, statsCommand, transCommand } from './commands/metrics.js';
import { getCommand, setCommand } from './commands/settings.js';
import { addCommand, delCommand, usersCommand } from './commands/users.js';
import { ok } from './types.js';

const stopCommand: ManagerCommandSpec = {
  verb: 'STOP',
  args: [],
  summary: 'stop the server, as SIGTERM does (the reply comes first)',
  multiline: false,
  handler(ctx) {
    ctx.afterReply(() => ctx.stop());
    return ok('stopping');
  },
};

const rest: ManagerCommandSpec[] = [usersCommand, addCommand, delCommand, histCommand, concCommand, transCommand, statsCommand, getCommand, setCommand, stopCommand];

export const COMMANDS: readonly ManagerCommandSpec[] = [capaCommand(() => COMMANDS.map((c) => c.verb)), ...rest];

export type CommandTable = ReadonlyMap<string, ManagerCommandSpec>;

export function buildCommandTable(): CommandTable {
  return new Map(COMMANDS.map((c) => [c.verb, c]));
}
