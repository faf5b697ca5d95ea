/** Runs `popcheck conformance` in-process for tests, with captured output. */
import { Writable } from 'node:stream';
import { runConformanceCli } from '../../cli/conformance-command.js';
import type { ConformanceIo } from '../conformance.js';

/** The harness's own feature set and steps, instead of the real suite. */
export const TEST_SUITE = ['--features', 'src/harness/testing/features/*.feature', '--steps', 'src/harness/testing/steps/*.ts', '--no-progress'];
export const ERROR_SUITE = ['--features', 'src/harness/testing/features-errors/*.feature', '--steps', 'src/harness/testing/steps/*.ts', '--no-progress'];
/** Scenarios that pass only over TLS (--tls stls or implicit). */
export const TLS_SUITE = ['--features', 'src/harness/testing/features-tls/*.feature', '--steps', 'src/harness/testing/steps/*.ts', '--no-progress'];
/** @manager scenarios (shared, exclusive, STOP) next to RFC ones, each recording when it ran. */
export const MANAGER_SUITE = ['--features', 'src/harness/testing/features-manager/*.feature', '--steps', 'src/harness/testing/steps/*.ts', '--no-progress'];

export function hostArgs(port: number): string[] {
  return ['--host', '127.0.0.1', '--port', String(port), '--user', 'alice', '--pass', 'wonderland', '--timeout', '2000'];
}

export interface CliOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(args: string[], io: Partial<Pick<ConformanceIo, 'cwd' | 'startBundled'>> = {}): Promise<CliOutcome> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer | string, _enc, done) {
        append(chunk.toString());
        done();
      },
    });
  const code = await runConformanceCli(args, {
    ...io,
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
  });
  return { code, stdout, stderr };
}

/** A port nothing listens on: bound once by the OS, then released. */
export async function closedPort(): Promise<number> {
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
