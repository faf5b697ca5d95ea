/**
 * Runs cucumber through its JavaScript API with the runner's own settings only (no cucumber.js
 * config file, no console formatter), handing every message to the caller.
 */
import { Writable } from 'node:stream';
import { loadConfiguration, runCucumber, type IConfiguration } from '@cucumber/cucumber/api';
import type { WorldParameters } from './contract.js';
import type { Envelope } from './cucumber-messages.js';
import { ensureTypeScriptImports, workerEnvironment } from './typescript-steps.js';

export interface CucumberRunSpec {
  /** The folder the globs are relative to. */
  readonly cwd: string;
  readonly featurePaths: readonly string[];
  /** Step and support files; empty for a plan (dry run) that needs no code. */
  readonly importPaths: readonly string[];
  readonly tagExpression: string;
  readonly dryRun: boolean;
  readonly parallel: number;
  readonly world: WorldParameters;
  /** Where cucumber's own warnings go. */
  readonly stderr: Writable;
}

type SupportLibrary = Awaited<ReturnType<typeof runCucumber>>['support'];

/**
 * Step files are ES modules: importing them twice in one process registers nothing the second
 * time, so the support library of the first run is kept and reused (cucumber's advice).
 * The cache lives on globalThis because it must last as long as Node's module cache, even when
 * this module itself is loaded more than once (vitest gives each test file its own copy).
 */
const CACHE_KEY = Symbol.for('popcheck.harness.supportLibraries');
const supportCache: Map<string, SupportLibrary> = ((globalThis as Record<symbol, unknown>)[CACHE_KEY] ??= new Map()) as Map<string, SupportLibrary>;

export async function runCucumberWith(spec: CucumberRunSpec, onMessage: (e: Envelope) => void): Promise<void> {
  if (spec.importPaths.length > 0) await ensureTypeScriptImports();
  const { runConfiguration } = await loadConfiguration(
    {
      file: false,
      provided: {
        paths: [...spec.featurePaths],
        import: [...spec.importPaths],
        tags: spec.tagExpression,
        dryRun: spec.dryRun,
        parallel: spec.parallel,
        // JSON round trip: cucumber wants plain JSON (and drops undefined fields, like account2).
        worldParameters: JSON.parse(JSON.stringify(spec.world)) as IConfiguration['worldParameters'],
        format: [],
        publish: false,
        strict: true,
      },
    },
    { cwd: spec.cwd, stderr: spec.stderr },
  );
  const cacheKey = `${spec.cwd}\n${spec.importPaths.join('\n')}`;
  // Reused in parallel runs too: the coordinator needs the step definitions in this process to
  // plan test cases, and workers load the files afresh from the library's coordinates.
  const cached = supportCache.get(cacheKey);
  const environment = { cwd: spec.cwd, stdout: sink(), stderr: spec.stderr, env: workerEnvironment() };
  const result = await runCucumber({ ...runConfiguration, support: cached ?? runConfiguration.support }, environment, onMessage);
  if (spec.importPaths.length > 0) supportCache.set(cacheKey, result.support);
}

/** A stream that drops what cucumber's default formatter prints. */
function sink(): Writable {
  return new Writable({ write: (_chunk, _enc, done) => done() });
}
