/** Parsers for command-line values, shared by the subcommands. Each throws a one-line message. */
import { InvalidArgumentError } from 'commander';

export function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError(`not a port number (0-65535): ${value}`);
  return Number(value);
}

export function parsePositiveInt(value: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`not a positive whole number: ${value}`);
  return Number(value);
}

export function parseNonNegativeInt(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError(`not a whole number: ${value}`);
  return Number(value);
}

/** "addr:port", "[v6addr]:port" or ":port" (all addresses). */
export function parseListen(value: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  if (!m) throw new InvalidArgumentError(`expected addr:port or [v6addr]:port, got ${value}`);
  const host = m[1] ?? (m[2] === '' ? undefined : m[2]);
  return { host, port: parsePort(m[3]!) };
}

export function collect<T>(parse: (v: string) => T) {
  return (value: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(value)];
}

/** The host:port form for messages: "[::1]:110", "127.0.0.1:110". */
export function formatAddress(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
