/**
 * Runs features/manager against a POP3 server with its manager (managed-server.ts), until the
 * conformance runner starts one itself:
 *
 *   npx tsx src/manager/testing/run-features.ts [extra cucumber arguments]
 *
 * Three cucumber runs: the scenarios that share the server (parallel if asked), then the
 * @manager-exclusive ones one at a time, then STOP's (it stops the server). Each gets the
 * worldParameters the runner will pass: managerHost, managerPort, managerToken, the POP3 side's
 * host, port and account, and managerExclusive / managerAllowStop for the runs that allow them.
 * Exit code: 0 when all three pass.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startManagedServer } from './managed-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cucumberBin = path.join(root, 'node_modules/@cucumber/cucumber/bin/cucumber.js');

function cucumber(tags: string, world: object, extra: readonly string[]): Promise<number> {
  const args = ['--import', 'tsx', cucumberBin, 'features/manager', '--import', 'steps/manager/**/*.ts', '--tags', tags, '--world-parameters', JSON.stringify(world), '--format', 'progress', ...extra];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<number> {
  const server = await startManagedServer({ users: [['alice', 'wonderland'], ['bob', 'builder']] });
  const world = {
    host: '127.0.0.1',
    port: server.pop3Port,
    account: { user: 'alice', pass: 'wonderland' },
    bundled: true,
    managerHost: '127.0.0.1',
    managerPort: server.managerPort,
    managerToken: server.token,
  };
  const extra = process.argv.slice(2);
  try {
    const shared = await cucumber('@manager and not @manager-exclusive', world, extra);
    // Without the extra arguments: they may ask for --parallel, and these must run one at a time.
    const alone = await cucumber('@manager-exclusive and not @manager-stop', { ...world, managerExclusive: true }, []);
    const stop = await cucumber('@manager-stop', { ...world, managerExclusive: true, managerAllowStop: true }, []);
    return shared || alone || stop;
  } finally {
    await server.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
