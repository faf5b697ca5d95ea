/** HIST, CONC, TRANS (the seed's) and STATS (spec §5.5-§5.8), all from one metrics snapshot. */
import type { ManagerCommandSpec } from '../command-spec.js';
import { page } from '../paging.js';
import { ok, type MetricsSnapshot } from '../types.js';

/** STATS lines in the order of spec §5.8. Command keys are already lower case (verbs.ts). */
export function statsLines(s: MetricsSnapshot): string[] {
  const commands = Object.entries(s.commands).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    `uptime=${s.uptimeSeconds}`,
    `since=${new Date(s.since).toISOString()}`,
    `sessions.current=${s.sessionsCurrent}`,
    `sessions.total=${s.sessionsTotal}`,
    `bytes.sent=${s.bytesSent}`,
    `messages.retrieved=${s.messagesRetrieved}`,
    `messages.deleted=${s.messagesDeleted}`,
    `auth.failures=${s.authFailures}`,
    `logins=${s.logins}`,
    `commands.total=${commands.reduce((sum, [, n]) => sum + n, 0)}`,
    ...commands.map(([verb, n]) => `command.${verb}=${n}`),
  ];
}

function counter(verb: string, summary: string, pick: (s: MetricsSnapshot) => number): ManagerCommandSpec {
  return { verb, args: [], summary, multiline: false, handler: (ctx) => ok(String(pick(ctx.metrics.snapshot()))) };
}

export const histCommand = counter('HIST', 'POP3 sessions started since the counters began', (s) => s.sessionsTotal);
export const concCommand = counter('CONC', 'POP3 sessions open now', (s) => s.sessionsCurrent);
export const transCommand = counter('TRANS', 'octets sent to POP3 clients since the counters began', (s) => s.bytesSent);

export const statsCommand: ManagerCommandSpec = {
  verb: 'STATS',
  args: [{ kind: 'offset', name: 'offset', optional: true }],
  summary: 'every metric as key=value lines, a page at a time',
  multiline: true,
  handler: (ctx, [offset]) => page(statsLines(ctx.metrics.snapshot()), typeof offset === 'number' ? offset : 0, ctx.tailBudget),
};
