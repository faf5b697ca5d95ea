/** CAPA (spec §5.1): the protocol, its limits, the commands and the settings of this server. */
import type { ManagerCommandSpec } from '../command-spec.js';
import { MAX_REPLY_OCTETS, MAX_REQUEST_OCTETS, PROTOCOL, TIMESTAMP_WINDOW_SECONDS } from '../limits.js';
import { ok } from '../types.js';

export function capaCommand(verbs: () => readonly string[]): ManagerCommandSpec {
  return {
    verb: 'CAPA',
    args: [],
    summary: 'list the protocol version, limits, commands and settings',
    multiline: true,
    handler: (ctx) =>
      ok('capabilities follow', [
        `PROTOCOL ${PROTOCOL}`,
        `IMPLEMENTATION ${ctx.implementation}`,
        `MAX-REQUEST ${MAX_REQUEST_OCTETS}`,
        `MAX-REPLY ${MAX_REPLY_OCTETS}`,
        `TIME-WINDOW ${TIMESTAMP_WINDOW_SECONDS}`,
        `COMMANDS ${verbs().join(' ')}`,
        `SETTINGS ${ctx.settings.names().join(' ')}`,
      ]),
  };
}
