/**
 * Per-scenario lifecycle: every @interop scenario gets its own temp folder and, when it asks for
 * one, its own reference server; both are gone after the scenario, whatever its outcome.
 * Hooks and timeouts are per hook (not setDefaultTimeout) so they never reach other suites.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { After, Before } from '@cucumber/cucumber';
import { attachInterop, interop } from './support/context.js';

Before({ tags: '@interop', timeout: 10_000 }, async function (this: object) {
  const w = attachInterop(this);
  w.root = await mkdtemp(path.join(os.tmpdir(), 'popcheck-interop-'));
  // getmail6 refuses to deliver as root and switches to an unprivileged user, who must reach the
  // destination below this folder (mkdtemp makes it 0700).
  await chmod(w.root, 0o755);
});

After({ tags: '@interop', timeout: 30_000 }, async function (this: object) {
  const w = interop(this);
  for (const undo of w.cleanups.reverse()) await undo().catch(() => undefined);
  if (w.server) await w.server.stop();
  // Keep the evidence of a failure only when asked; otherwise nothing is left behind.
  if (!process.env.POPCHECK_INTEROP_KEEP) await rm(w.root, { recursive: true, force: true });
});
