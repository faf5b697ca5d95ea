/**
 * Mail transformations (the seed's assignment asked for them; issue 6): each retrieved message is
 * piped through an external program, stdin to stdout. The output is spooled to an unlinked temp
 * file first, so the client gets "+OK" only once the program has succeeded, and "-ERR [SYS/TEMP]"
 * when it fails, times out or writes too much; the stored message is never touched. Memory stays
 * bounded whatever the program writes.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { CrlfState } from '../protocol/crlf-normalizer.js';

export interface TransformOptions {
  /** A shell command line, run with /bin/sh -c. */
  readonly command: string;
  readonly timeoutMs: number;
  /** Output larger than this is refused (a runaway program must not fill the disk). */
  readonly maxOctets: number;
}

/** `octets`: the size of the output's canonical CRLF form, as RETR will send it. */
export type TransformResult = { ok: true; body: Readable; octets: number } | { ok: false; reason: string };

/** Bytes of the program's stderr kept for the log. */
const STDERR_KEEP = 2048;

export async function transformMessage(source: Readable, options: TransformOptions): Promise<TransformResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'popcheck-transform-'));
  const file = path.join(dir, 'out');
  const handle = await open(file, 'w+', 0o600);
  // Unlinked at once: the open handle keeps the data, and nothing is left behind on any exit.
  await rm(dir, { recursive: true, force: true });
  const child = spawn('/bin/sh', ['-c', options.command], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let octets = 0;
  const canonical = new CrlfState();
  let failure: string | undefined;
  const timer = setTimeout(() => {
    failure ??= `timed out after ${options.timeoutMs} ms`;
    child.kill('SIGKILL');
  }, options.timeoutMs);
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < STDERR_KEEP) stderr += d.toString('utf8').slice(0, STDERR_KEEP - stderr.length);
  });
  // A program that does not read all its input closes the pipe early: that is its right.
  child.stdin.on('error', () => undefined);
  const feed = pipeline(source, child.stdin).catch(() => undefined);
  const writer = (async () => {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      octets += chunk.length;
      if (octets > options.maxOctets) {
        failure ??= `output larger than ${options.maxOctets} octets`;
        child.kill('SIGKILL');
        return;
      }
      canonical.convert(chunk);
      await handle.write(chunk, 0, chunk.length, null);
    }
    canonical.finish();
  })();
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  await Promise.all([feed, writer.catch((err: Error) => (failure ??= `spool failed: ${err.message}`))]);
  if (failure === undefined && code !== 0) {
    failure = `exited with ${code ?? signal}${stderr ? `: ${stderr.trim().split('\n')[0]}` : ''}`;
  }
  if (failure !== undefined) {
    await handle.close();
    return { ok: false, reason: failure };
  }
  const body = createReadStream('', { fd: handle, start: 0, autoClose: true });
  return { ok: true, body, octets: canonical.octets };
}
