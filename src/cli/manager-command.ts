/**
 * `popcheck manager`: the management client (docs/manager-protocol.txt §10).
 *
 *   popcheck manager [host] [port]                 interactive, like the seed's manager_client
 *   popcheck manager [host] [port] <command ...>   one command, for scripts
 *   popcheck manager --host h --port p --token-file F stats --json
 *
 * Exit codes: 0 +OK, 1 -ERR, 2 usage (including an unusable token file), 3 unreachable or no reply.
 */
import { Command, InvalidArgumentError } from 'commander';
import type { Readable, Writable } from 'node:stream';
import { ManagerClient, ManagerClientError } from '../manager/client.js';
import { helpLines } from '../manager/cli/help.js';
import { fetchAll, isWholeListing } from '../manager/cli/pages.js';
import { hintFor, renderJson, renderPlain } from '../manager/cli/render.js';
import { runRepl } from '../manager/cli/repl.js';
import { splitWords } from '../manager/cli/words.js';
import { CLIENT_TIMEOUTS_MS, DEFAULT_MANAGER_HOST, DEFAULT_MANAGER_PORT } from '../manager/limits.js';
import { defaultTokenPath, readTokenFile, TokenFileError } from '../manager/token.js';
import { parsePort } from './options.js';

export const EXIT_OK = 0;
export const EXIT_ERR_REPLY = 1;
export const EXIT_USAGE = 2;
export const EXIT_UNREACHABLE = 3;

export interface ManagerIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Whether stdin is a terminal (interactive line editing). */
  readonly terminal: boolean;
  /** Receives the exit code. */
  exit(code: number): void;
}

const processIo: ManagerIo = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  terminal: Boolean(process.stdin.isTTY),
  exit: (code) => {
    process.exitCode = code;
  },
};

interface ManagerFlags {
  host?: string;
  port?: number;
  tokenFile: string;
  json?: boolean;
  timeout: number;
}

function parseSeconds(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0 || Number(value) > 60) throw new InvalidArgumentError(`not a number of seconds (0 to 60): ${value}`);
  return Number(value);
}

export function managerCommand(io: ManagerIo = processIo): Command {
  return new Command('manager')
    .description('manage a running popcheck server over its UDP management port: users, metrics, settings, stop')
    .argument('[words...]', '[host] [port] [command ...]; without a command: interactive')
    .option('--host <host>', `manager address (default ${DEFAULT_MANAGER_HOST})`)
    .option('--port <port>', `manager UDP port (default ${DEFAULT_MANAGER_PORT})`, parsePort)
    .option('--token-file <path>', 'file holding the manager token (mode 0600)', defaultTokenPath())
    .option('--json', 'one-shot mode: print the reply as one JSON object')
    .option('--timeout <seconds>', `first wait for a reply; doubled on each of ${CLIENT_TIMEOUTS_MS.length} tries`, parseSeconds, CLIENT_TIMEOUTS_MS[0]! / 1000)
    .addHelpText(
      'after',
      `
Commands:
${helpLines().join('\n')}

Examples:
  popcheck manager                                  interactive, 127.0.0.1:${DEFAULT_MANAGER_PORT}
  popcheck manager 127.0.0.1 9091                   interactive, another port
  popcheck manager users                            every user name, one per line
  popcheck manager add dave:s3cret                  add a user
  popcheck manager --host ::1 stats --json          metrics as JSON
  popcheck manager -- set transform /usr/local/bin/filter -x
                                                    ("--" before values that start with "-")

Exit codes: 0 +OK, 1 -ERR, 2 usage or unusable token file, 3 unreachable or no reply.`,
    )
    .action(async (words: string[], flags: ManagerFlags) => {
      io.exit(await runManager(words, flags, io));
    });
}

async function runManager(words: readonly string[], flags: ManagerFlags, io: ManagerIo): Promise<number> {
  const say = (stream: Writable, lines: readonly string[]): void => {
    stream.write(`${lines.join('\n')}\n`);
  };
  const fail = (code: number, message: string): number => {
    say(io.stderr, [`popcheck manager: ${message}`]);
    return code;
  };
  const w = splitWords(words);
  if (w.host !== undefined && flags.host !== undefined) return fail(EXIT_USAGE, 'give the host either as an argument or with --host, not both');
  if (w.port !== undefined && flags.port !== undefined) return fail(EXIT_USAGE, 'give the port either as an argument or with --port, not both');
  let port = flags.port ?? DEFAULT_MANAGER_PORT;
  if (w.port !== undefined) {
    try {
      port = parsePort(w.port);
    } catch (e) {
      return fail(EXIT_USAGE, (e as Error).message);
    }
  }
  const host = w.host ?? flags.host ?? DEFAULT_MANAGER_HOST;
  if (w.command?.trim().toLowerCase() === 'help') {
    say(io.stdout, helpLines());
    return EXIT_OK;
  }
  let token: string;
  try {
    token = await readTokenFile(flags.tokenFile);
  } catch (e) {
    if (e instanceof TokenFileError) return fail(EXIT_USAGE, `${e.message} (use --token-file)`);
    throw e;
  }
  const timeoutsMs = CLIENT_TIMEOUTS_MS.map((_, i) => Math.round(flags.timeout * 1000 * 2 ** i));
  let client: ManagerClient;
  try {
    client = await ManagerClient.connect({ host, port, token, timeoutsMs });
  } catch (e) {
    if (e instanceof ManagerClientError) return fail(EXIT_UNREACHABLE, e.message);
    throw e;
  }
  try {
    if (w.command === undefined) {
      if (flags.json) return fail(EXIT_USAGE, '--json needs a command (it is for the one-shot mode)');
      return await runRepl(client, { input: io.stdin, output: io.stdout, terminal: io.terminal });
    }
    const { last: reply, lines } = isWholeListing(w.command)
      ? await fetchAll(client, w.command)
      : await client.request(w.command).then((r) => ({ last: r, lines: undefined }));
    if (flags.json) {
      say(io.stdout, [renderJson(reply, reply.ok ? lines : undefined)]);
      return reply.ok ? EXIT_OK : EXIT_ERR_REPLY;
    }
    if (!reply.ok) {
      const hint = hintFor(reply.code);
      return fail(EXIT_ERR_REPLY, `-ERR [${reply.code ?? '?'}] ${reply.text}${hint ? ` (${hint})` : ''}`);
    }
    say(io.stdout, renderPlain(reply, lines));
    return EXIT_OK;
  } catch (e) {
    if (e instanceof ManagerClientError) return fail(EXIT_UNREACHABLE, e.message);
    throw e;
  } finally {
    client.close();
  }
}
