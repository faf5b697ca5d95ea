/**
 * The interactive mode (like the seed's manager_client): a prompt with line editing and history
 * (node:readline), `help` lists the commands, Ctrl+D or `quit` leaves. Commands run one at a time.
 * History stays in memory: ADD lines hold passwords and are never written to disk.
 */
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ManagerClientError, type ManagerClient } from '../client.js';
import { helpLines } from './help.js';
import { nextOffset } from './pages.js';
import { renderInteractive } from './render.js';

/** Lines of history kept for the up-arrow. */
const HISTORY_SIZE = 200;

export interface ReplIo {
  readonly input: Readable;
  readonly output: Writable;
  /** Whether input is a terminal (line editing, prompt); false for piped input. */
  readonly terminal: boolean;
}

/** Runs until end of input or `quit`; resolves with the exit code (0, or 3 if the server became unreachable). */
export function runRepl(client: ManagerClient, io: ReplIo): Promise<number> {
  const write = (lines: readonly string[]): void => {
    io.output.write(`${lines.join('\n')}\n`);
  };
  const rl = readline.createInterface({ input: io.input, output: io.output, terminal: io.terminal, historySize: HISTORY_SIZE, prompt: 'manager> ' });
  write([`connected to ${client.where} (UDP); "help" lists the commands, Ctrl+D leaves`]);
  let exitCode = 0;
  let closed = false;
  let quitting = false;
  let chain = Promise.resolve();
  const handle = async (line: string): Promise<void> => {
    const text = line.trim();
    // Lines read ahead of a "quit" (piped input) are not sent.
    if (text === '' || quitting) return;
    const lower = text.toLowerCase();
    if (lower === 'help' || lower === '?') return write(helpLines());
    if (lower === 'quit' || lower === 'exit') {
      quitting = true;
      rl.close();
      return;
    }
    try {
      const reply = await client.request(text);
      const out = renderInteractive(reply);
      const next = reply.ok && reply.lines ? nextOffset(reply.text) : undefined;
      if (next !== undefined) out.push(`(more: ${text.split(' ')[0]!.toLowerCase()} ${next})`);
      write(out);
    } catch (e) {
      if (!(e instanceof ManagerClientError)) throw e;
      write([`error: ${e.message}`]);
      if (e.kind === 'unreachable') exitCode = 3;
    }
  };
  return new Promise((resolve) => {
    rl.on('line', (line) => {
      chain = chain.then(() => handle(line)).then(() => {
        if (io.terminal && !closed) rl.prompt();
      });
    });
    rl.on('close', () => {
      closed = true;
      void chain.then(() => resolve(exitCode));
    });
    if (io.terminal) rl.prompt();
  });
}
