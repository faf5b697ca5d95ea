/** Where things are: the repository, the compiled build the global setup made. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** `popcheck` of the compiled build (see global-setup.ts). */
export function popcheckEntry(build: string): string {
  return path.join(build, 'src/cli/popcheck.js');
}
