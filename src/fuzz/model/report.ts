/**
 * The text a model-run failure prints: what went wrong, how to replay it (seed, path, replayPath),
 * the maildrop, and the shrunk session as POP3 lines with what the model expected of each.
 */
import { escapeOctets } from '../escape.js';
import type { ModelFailure } from './run-model.js';

/** The command line that replays a failure (environment variables for vitest, flags for the CLI). */
export type ReplayCommand = (f: ModelFailure) => string;

/** The replay command for a vitest test file: the knobs of from-env.ts. */
export function vitestReplay(testFile: string): ReplayCommand {
  return (f) => [`FUZZ_SEED=${f.seed}`, `FUZZ_PATH=${JSON.stringify(f.path)}`, ...(f.replayPath ? [`FUZZ_REPLAY_PATH=${JSON.stringify(f.replayPath)}`] : []), `npx vitest run ${testFile}`].join(' ');
}

export function formatFailure(f: ModelFailure, replay: ReplayCommand): string {
  const out: string[] = [];
  out.push(`Model-based POP3 run failed: ${f.error}`);
  out.push('');
  out.push('Replay:');
  out.push(`  ${replay(f)}`);
  out.push(`  (seed ${f.seed}, path "${f.path}"${f.replayPath ? `, replayPath "${f.replayPath}"` : ''})`);
  out.push('');
  out.push(f.spec.kind === 'fixtures' ? `Maildrop: the ${f.spec.messages.length} fixture messages (fixtures/messages/)` : `Maildrop: ${f.spec.messages.length} message(s)`);
  if (f.spec.kind === 'generated') f.spec.messages.forEach((m, i) => out.push(`  ${i + 1}: "${escapeOctets(m, 160)}"`));
  if (f.spec.apopMessages.length) out.push(`APOP account's maildrop: ${f.spec.apopMessages.length} message(s)`);
  f.spec.apopMessages.forEach((m, i) => out.push(`  ${i + 1}: "${escapeOctets(m, 160)}"`));
  out.push('');
  out.push('Shrunk session (C: sent, S: expected by the model / answered):');
  if (f.trace.length === 0) {
    out.push(f.commands.length ? '  (no trace: the replay failed before the first command)' : '  (none: it failed while the initial maildrops were read: login, UIDL, LIST)');
    for (const c of f.commands) out.push(`  ${String(c)}`);
  }
  for (const e of f.trace) {
    switch (e.kind) {
      case 'connect':
        out.push(`  -- ${e.conn} connects`);
        break;
      case 'drop':
        out.push(`  -- ${e.conn} closes the connection without QUIT`);
        break;
      case 'verify':
        out.push(`  -- ${e.conn} logs in and checks the maildrops: ${e.sizes.length} message(s) of ${e.sizes.join(', ') || '-'} octets; the APOP account's ${e.apopSizes.length} of ${e.apopSizes.join(', ') || '-'}`);
        break;
      case 'command':
        out.push(`  C: ${escapeOctets(e.line, 120)}${e.batch !== undefined ? `    (pipelined batch ${e.batch})` : ''}`);
        out.push(`  S: expected ${e.expected.summary}${e.reply !== undefined ? `; got "${e.reply}"` : ''}`);
        break;
    }
  }
  out.push(f.replayError ? `  !! ${f.replayError}` : '  (the replay of this sequence passed: the failure may depend on timing)');
  return out.join('\n');
}
