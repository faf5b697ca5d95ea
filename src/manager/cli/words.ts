/**
 * The words of `popcheck manager [host] [port] [command ...]`: leading words that are not a manager
 * command are the host and then the port (the seed's `manager_client host port`); the rest is the
 * command, sent as one line. A host literally named like a command needs --host.
 */
import { COMMANDS } from '../command-table.js';

const LOCAL = new Set(['HELP']);
const VERBS = new Set([...COMMANDS.map((c) => c.verb), ...LOCAL]);

export interface Words {
  readonly host: string | undefined;
  readonly port: string | undefined;
  /** The command line to send, or undefined for the interactive mode. */
  readonly command: string | undefined;
}

export function isCommandWord(word: string): boolean {
  return VERBS.has(word.toUpperCase());
}

export function splitWords(words: readonly string[]): Words {
  let i = 0;
  let host: string | undefined;
  let port: string | undefined;
  if (i < words.length && !isCommandWord(words[i]!)) host = words[i++];
  if (host !== undefined && i < words.length && /^\d+$/.test(words[i]!)) port = words[i++];
  const rest = words.slice(i);
  return { host, port, command: rest.length > 0 ? rest.join(' ') : undefined };
}
