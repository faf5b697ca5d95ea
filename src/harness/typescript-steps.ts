/**
 * The suite's steps are TypeScript. Cucumber loads them with a plain `import()`, which Node 20
 * cannot do for .ts files on its own, so tsx's loader must be registered: in this process (unless
 * popcheck already runs under tsx) and in cucumber's --parallel workers, which are forked with the
 * environment the runner hands to cucumber.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

let registered = false;

/** True when this process was started by tsx (its loader is in the Node flags). */
function underTsx(): boolean {
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  return /[\\/]tsx[\\/]|(^|\s)tsx(\s|$)/.test(flags);
}

export async function ensureTypeScriptImports(): Promise<void> {
  if (registered || underTsx()) return;
  const { register } = await import('tsx/esm/api');
  register();
  registered = true;
}

/** The environment for cucumber: parallel workers inherit our flags, or are told to load tsx. */
export function workerEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (underTsx()) return { ...base };
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const options = [base.NODE_OPTIONS, `--import ${loader}`].filter(Boolean).join(' ');
  return { ...base, NODE_OPTIONS: options };
}
