/**
 * Child process for the cross-process lock tests: opens <root>/<user> with MaildirStore, prints
 * "locked <n>" (or "error <code>"), then holds the lock until told "release" on stdin, or until
 * killed; a closed stdin also releases. Run with: node --import tsx hold-maildrop.ts <root> <user>
 */
import { createInterface } from 'node:readline';
import { MaildirStore } from '../maildir-store.js';
import { StoreError } from '../types.js';

const [root, user] = process.argv.slice(2);
if (root === undefined || user === undefined) {
  process.stderr.write('usage: hold-maildrop.ts <root> <user>\n');
  process.exit(2);
}

try {
  const drop = await new MaildirStore({ root }).openMaildrop(user);
  process.stdout.write(`locked ${drop.messages.length}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === 'release') {
      await drop.release();
      process.stdout.write('released\n');
      break;
    }
  }
  await drop.release(); // stdin closed (the parent went away): let go cleanly
  process.exit(0);
} catch (err) {
  process.stdout.write(`error ${err instanceof StoreError ? err.code : String(err)}\n`);
  process.exit(1);
}
