/**
 * Writes docs/requirements.md from the catalog (features/catalog/rfc*.json) and the @req- tags of
 * the feature files. `--check` writes nothing and exits 1 when the file is stale (for CI).
 *
 *   npx tsx scripts/catalog/generate-requirements.ts [--check]
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog, loadScenarios, renderRequirements, REQUIREMENTS_DOC } from './catalog.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function generate(root = REPO_ROOT): Promise<string> {
  const [catalog, scenarios] = await Promise.all([loadCatalog(root), loadScenarios(root)]);
  return renderRequirements(catalog, scenarios);
}

async function main(argv: readonly string[]): Promise<number> {
  const text = await generate();
  const file = path.join(REPO_ROOT, REQUIREMENTS_DOC);
  if (argv.includes('--check')) {
    const current = await readFile(file, 'utf8').catch(() => '');
    if (current !== text) {
      process.stderr.write(`${REQUIREMENTS_DOC} is stale: run npx tsx scripts/catalog/generate-requirements.ts\n`);
      return 1;
    }
    return 0;
  }
  await writeFile(file, text);
  process.stdout.write(`wrote ${REQUIREMENTS_DOC}\n`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
