/**
 * The seed project's check with a real client: curl's POP3 support retrieves each fixture message
 * (`curl pop3://host:port/N -u user:pass`), and what it prints must be the stored message with its
 * line ends made CRLF (RFC 1939 §3, §5: the message as sent, un-stuffed). curl logs in with APOP
 * when the greeting offers a timestamp, else with USER and PASS.
 */
import { execFile } from 'node:child_process';
import { Given, Then } from '@cucumber/cucumber';
import { loadFixtures } from './support/fixtures.js';
import { LOCK_WAIT_MS, lockBackoff } from './support/session.js';
import { firstDifference } from './fixtures.steps.js';
import type { PopWorld } from './world.js';

interface Run {
  readonly code: number | string | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

function run(file: string, args: readonly string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { encoding: 'buffer', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? ((err as NodeJS.ErrnoException).code ?? (err as { status?: number }).status ?? 'failed') : 0;
      resolve({ code: code as Run['code'], stdout, stderr: stderr.toString('utf8') });
    });
  });
}

/** curl's exit code 67: "The remote server denied curl to login" (also a maildrop in use). */
const CURL_LOGIN_DENIED = 67;

Given('curl is installed', async function (this: PopWorld) {
  const r = await run('curl', ['--version'], 10_000);
  if (r.code === 'ENOENT') return this.verdict('ERROR', 'curl is not installed: apt-get install -y curl');
  if (!/\bpop3\b/i.test(r.stdout.toString('latin1'))) return this.verdict('ERROR', 'this curl is built without POP3 support: apt-get install -y curl');
  return undefined;
});

/** Nine curl runs, each bounded by --max-time; retries for a busy maildrop share one deadline. */
Then('"curl pop3:\\/\\/host:port\\/N -u user:pass" prints each fixture message N in its CRLF form', { timeout: 300_000 }, async function (this: PopWorld) {
  const { host, port, tls } = this.target;
  const { user, pass } = this.parameters.account;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  // Implicit TLS is the pop3s: scheme (RFC 8314); STLS is asked for with --ssl-reqd (RFC 2595).
  const scheme = tls === 'implicit' ? 'pop3s' : 'pop3';
  const tlsArgs = [...(tls === 'stls' ? ['--ssl-reqd'] : []), ...(tls !== 'none' && this.parameters.tlsInsecure ? ['-k'] : [])];
  const bad: string[] = [];
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (const f of await loadFixtures()) {
    const url = `${scheme}://${urlHost}:${port}/${f.number}`;
    let r: Run;
    for (let attempt = 1; ; attempt++) {
      r = await run('curl', ['-s', '-S', ...tlsArgs, '--max-time', String(Math.ceil(this.timeoutMs / 1000) + 20), url, '-u', `${user}:${pass}`], this.timeoutMs + 30_000);
      // Denied while another scenario holds the maildrop: try again, as the suite's own logins do.
      if (r.code !== CURL_LOGIN_DENIED || Date.now() >= deadline) break;
      await lockBackoff(attempt);
    }
    if (r.code !== 0) bad.push(`curl ${url}: exit ${r.code}: ${r.stderr.trim()}`);
    else if (!r.stdout.equals(f.canonical)) bad.push(`message ${f.number} (${f.file}): ${firstDifference(r.stdout, f.canonical)}`);
  }
  this.check(bad.length === 0, 'curl did not print every message exactly', 'each stored message with CRLF line ends', bad.join('\n            '));
});
