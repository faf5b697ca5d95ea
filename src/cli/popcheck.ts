#!/usr/bin/env node
/**
 * The `popcheck` command: subcommands for the server and the conformance harness.
 * Usage errors print one line and exit 2, the convention every subcommand follows.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { fuzzCommand } from './fuzz-command.js';
import { managerCommand } from './manager-command.js';
import { passwdCommand } from './passwd-command.js';
import { serverCommand } from './server-command.js';

export function buildProgram(): Command {
  const program = new Command('popcheck')
    .description('A reference POP3 server and a POP3 conformance harness')
    .version(VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true);
  program.addCommand(serverCommand());
  program.addCommand(passwdCommand());
  program.addCommand(managerCommand());
  program.addCommand(fuzzCommand());
  // Listed for --help; main() hands `conformance` to its own parser before commander sees it, so
  // the harness (and cucumber) is only loaded when asked for.
  program.addCommand(new Command('conformance').description('run the POP3 conformance suite against the bundled server or any host (see: popcheck conformance --help)'));
  for (const cmd of program.commands) {
    cmd.version(VERSION, '-v, --version', 'print the version').helpOption('-h, --help', 'show help');
  }
  program.exitOverride();
  for (const cmd of program.commands) cmd.exitOverride();
  program.configureOutput({ outputError: (str, write) => write(str.split('\n')[0] + '\n') });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const sub = argv[0];
  if (sub === 'conformance') {
    const { runConformanceCli } = await import('./conformance-command.js');
    return runConformanceCli(argv.slice(1));
  }
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    throw err;
  }
}

// Run only as the entry point (also through npm's bin symlink), not when imported by tests.
const isEntry = process.argv[1] !== undefined && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url;
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`popcheck: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
