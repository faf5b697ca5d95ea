/** Reading messages back from where clients delivered them and from the server's maildrops. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { messageIdOf } from './messages.js';

/**
 * The message files of a folder: a Maildir's new/ and cur/, or the folder itself for a plain
 * folder of files (an MDA's output, a flat maildrop). Dot files (server state, locks) are not mail.
 */
export function messageFiles(dir: string): string[] {
  const isMaildir = ['new', 'cur', 'tmp'].every((d) => exists(path.join(dir, d)));
  const folders = isMaildir ? [path.join(dir, 'new'), path.join(dir, 'cur')] : [dir];
  return folders.flatMap((f) =>
    readdirSync(f)
      .filter((name) => !name.startsWith('.'))
      .map((name) => path.join(f, name))
      .filter((file) => statSync(file).isFile())
      .sort(),
  );
}

/** Messages of a folder by Message-ID; a Message-ID seen twice is a duplicate delivery and fails. */
export function messagesById(dir: string): Map<string, { file: string; bytes: Buffer }> {
  const byId = new Map<string, { file: string; bytes: Buffer }>();
  for (const file of messageFiles(dir)) {
    const bytes = readFileSync(file);
    const id = messageIdOf(bytes);
    if (!id) throw new Error(`${file} has no Message-ID`);
    const seen = byId.get(id);
    if (seen) throw new Error(`${id} delivered twice: ${seen.file} and ${file}`);
    byId.set(id, { file, bytes });
  }
  return byId;
}

function exists(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
