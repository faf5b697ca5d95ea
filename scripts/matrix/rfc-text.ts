/**
 * Section titles from the RFC texts (shared/rfc/rfcNNNN.txt), so a note can say "RFC 1939 §7
 * (Optional POP3 Commands)". The texts live outside the repository; without them a note still
 * quotes the requirement's own text from the catalog.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function findRfcDir(repoRoot: string): string | undefined {
  const candidates = [process.env.POPCHECK_RFC_DIR, path.join(repoRoot, '../shared/rfc'), '/work/shared/rfc'];
  return candidates.find((d): d is string => !!d && existsSync(d));
}

/** "7" -> "Optional POP3 Commands", from the headings at the start of a line ("6.4.  RESP-CODES capability"). */
export function sectionTitles(rfcDir: string | undefined, rfc: string): Map<string, string> {
  const titles = new Map<string, string>();
  const file = rfcDir && path.join(rfcDir, `rfc${rfc}.txt`);
  if (!file || !existsSync(file)) return titles;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(\d+(?:\.\d+)*)\.\s+(\S.*?)\s*$/.exec(line);
    if (m && !titles.has(m[1]!)) titles.set(m[1]!, m[2]!);
  }
  return titles;
}
