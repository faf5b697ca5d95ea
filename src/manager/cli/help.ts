/** `help` in the interactive mode and in `popcheck manager --help`: one line per command. */
import { usage } from '../command-spec.js';
import { COMMANDS } from '../command-table.js';

export function helpLines(): string[] {
  const rows: Array<[string, string]> = COMMANDS.map((c) => [usage(c), c.summary]);
  rows.push(['help', 'this list'], ['quit (or Ctrl+D)', 'leave (interactive mode)']);
  const width = Math.max(...rows.map(([u]) => u.length));
  return rows.map(([u, s]) => `  ${u.padEnd(width)}  ${s}`);
}
