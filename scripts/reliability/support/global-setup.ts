/**
 * Vitest global setup of the reliability suite: compiles src/ once into a temporary folder with the
 * project's own tsconfig.build.json (type checks are `npm run typecheck`'s job, so --noCheck), so
 * that `popcheck server` processes start in about 0.4 s instead of the 1.5 s a tsx start takes. The
 * crash test restarts the server hundreds of times; the other process tests use the same build so
 * every test exercises the same code. The folder is removed at the end.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT } from './paths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    popcheckBuild: string;
  }
}

const BUILD_TIMEOUT_MS = 120_000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const out = await fs.mkdtemp(path.join(os.tmpdir(), 'popcheck-rel-build-'));
  const tsc = path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
  const args = [tsc, '-p', path.join(REPO_ROOT, 'tsconfig.build.json'), '--outDir', out, '--noCheck', '--declaration', 'false', '--sourceMap', 'false', '--incremental', 'false'];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  if (code !== 0) throw new Error(`compiling src/ for the reliability tests failed (exit ${code}):\n${log}`);
  // The compiled modules import pino, commander, ...: resolve them from the project, and read the
  // version from package.json next to src/ as src/version.ts does.
  await fs.symlink(path.join(REPO_ROOT, 'node_modules'), path.join(out, 'node_modules'), 'dir');
  await fs.copyFile(path.join(REPO_ROOT, 'package.json'), path.join(out, 'package.json'));
  project.provide('popcheckBuild', out);
  return async () => {
    await fs.rm(out, { recursive: true, force: true });
  };
}
