/**
 * Per-scenario lifecycle of the conformance suite:
 *   Before: the option gates (@bundled, @destructive, @fixtures: SKIP with the reason when they do
 *           not apply), the fixtures written into the maildrop when the run has one (--fixtures
 *           maildir:PATH), and for @capa-<TAG> scenarios the capability list the verdict depends on;
 *   After:  UNADVERTISED-WORKS for a @capa-<TAG> scenario that passed without its capability
 *           announced, every connection's transcript, then closing connections and private servers.
 * Also, around every step: connection failures become ERROR verdicts, and the failure of a
 * @capa-<TAG> scenario whose capability is not announced becomes NOT-ADVERTISED (the runner ranks
 * a failed step above any verdict, so it has to be caught there, not in the After hook); and
 * @destructive scenarios never run alongside another scenario under --parallel (they delete
 * fixture messages the others rely on).
 */
import { After, Before, setDefinitionFunctionWrapper, setParallelCanAssign, Status } from '@cucumber/cucumber';
import { ClientError, renderTranscript } from '../src/client/index.js';
import { TAGS, TRANSCRIPT_MEDIA_TYPE } from '../src/harness/contract.js';
import { findCapability } from './support/capa.js';
import { probeCapabilities } from './support/capa-probe.js';
import { installFixtures, loadFixtures } from './support/fixtures.js';
import { isChallenge } from './support/sasl.js';
import { verbOf } from './support/session.js';
import { isConnectError, PopWorld } from './world.js';

// --- connection failures are the harness's ERROR, not the server's FAIL -----------------------

setDefinitionFunctionWrapper((fn: (...args: unknown[]) => unknown) => {
  return async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    try {
      return await fn.apply(this, args);
    } catch (err) {
      if (!(this instanceof PopWorld)) throw err;
      if (isConnectError(err)) return this.verdict('ERROR', `${err.message} (is the server running and reachable?)`);
      if (closedAfterFailedLogin(this, err)) {
        return this.verdict('SKIP', 'the server closed the connection after a failed login, as RFC 1939 §4 allows; the rest of the scenario needs it open');
      }
      const missing = unadvertisedCapabilities(this);
      if (missing.length > 0) {
        // A scenario about an optional capability the server does not announce: its failure says
        // nothing against the server (RFC 2449 §6: "the server is capable of ..." only when it
        // announces it). The runner lets a failed step win over any verdict, so it must not fail.
        const first = (err instanceof Error ? err.message : String(err)).split('\n', 1)[0];
        return this.verdict('NOT-ADVERTISED', `CAPA does not announce ${missing.join(', ')} (RFC 2449 §6), and the scenario does not pass without it (${first})`);
      }
      throw err;
    }
  };
});

/**
 * The @capa-<TAG> capabilities of the scenario that the server is known not to announce: only
 * once a CAPA list is known (the probe of the Before hook, or one the scenario asked for), so an
 * error before that (a hook's) stays an error.
 */
function unadvertisedCapabilities(world: PopWorld): string[] {
  const tags = capaTagsOf(world.tags);
  if (tags.length === 0) return [];
  const known = world.capaProbe !== undefined || world.capaSeen.AUTHORIZATION !== undefined || world.capaSeen.TRANSACTION !== undefined;
  return known ? tags.filter((t) => !advertised(world, t)) : [];
}

/**
 * RFC 1939 §4: "After returning a negative status indicator, the server may close the connection."
 * A scenario that goes on after a failed login then cannot run: that is a SKIP, not a failure.
 */
function closedAfterFailedLogin(world: PopWorld, err: unknown): boolean {
  if (!(err instanceof ClientError) || err.kind !== 'closed' || world.current === undefined) return false;
  const conn = world.connections.get(world.current);
  const last = conn?.last;
  if (!conn || !last || last.reply.line.ok) return false;
  if (['USER', 'PASS', 'APOP', 'AUTH'].includes(verbOf(last.command) ?? '')) return true;
  // A line answering a SASL challenge (RFC 5034 §4): its -ERR is the failure of the AUTH command.
  const before = conn.exchanges[conn.exchanges.indexOf(last) - 1];
  return before !== undefined && isChallenge(before.reply.line);
}

// --- --parallel: a @destructive scenario runs alone ---------------------------------------------

const isDestructive = (p: { tags: ReadonlyArray<{ name: string }> }): boolean => p.tags.some((t) => t.name === TAGS.destructive);

setParallelCanAssign((pickle, running) => {
  if (running.some(isDestructive)) return false;
  return isDestructive(pickle) ? running.length === 0 : true;
});

function capaTagsOf(tags: readonly string[]): string[] {
  return tags.map((t) => TAGS.capability.exec(t)?.[1]).filter((x): x is string => x !== undefined);
}

/**
 * Whether CAPA listed the tag before or after login, in this scenario or in the probe. STLS is
 * listed only before TLS (RFC 2595 §4: "permitted in the current state"), so for it the plaintext
 * probe counts too (with --tls stls every other list is asked after STLS).
 */
function advertised(world: PopWorld, tag: string): boolean {
  const lists = [world.capaSeen.AUTHORIZATION, world.capaSeen.TRANSACTION, world.capaProbe, world.capaBeforeTls];
  return lists.some((l) => l !== undefined && l !== 'unsupported' && findCapability(l, tag) !== undefined);
}

// --- Before ---------------------------------------------------------------------------------

Before({ tags: 'not @interop' }, async function (this: PopWorld, { pickle }) {
  this.tags = pickle.tags.map((t) => t.name);
  const has = (tag: string): boolean => this.tags.includes(tag);
  const p = this.parameters;
  if (has(TAGS.bundled) && !p.bundled) {
    return this.verdict('SKIP', 'needs the bundled reference server (it starts its own instance with other settings)');
  }
  if (has(TAGS.destructive) && !p.destructive) {
    return this.verdict('SKIP', 'deletes messages with DELE and QUIT: run with --destructive');
  }
  if (has(TAGS.fixtures) && p.fixtures.kind !== 'maildir') {
    return this.verdict('SKIP', 'needs the known messages of fixtures/messages/ in the maildrop: run with --fixtures maildir:PATH');
  }
  if (p.fixtures.kind === 'maildir') {
    // Every scenario starts from the same maildrop, not only the @fixtures ones (which need its
    // exact content): the others need messages to work on, and a @destructive scenario before
    // them may have removed some. A no-op when the fixtures are already there.
    await installFixtures(p.fixtures.path, await loadFixtures());
  }
  const capaTags = capaTagsOf(this.tags);
  if (capaTags.length > 0) {
    // What CAPA says before login decides NOT-ADVERTISED / UNADVERTISED-WORKS.
    this.capaProbe = await probeCapabilities(p, this.tlsOptions(p.host));
    if (capaTags.includes('STLS') && p.tls === 'stls') this.capaBeforeTls = await probeCapabilities(p, this.tlsOptions(p.host), { beforeStls: true });
  }
  return undefined;
});

// --- After ----------------------------------------------------------------------------------

After({ tags: 'not @interop' }, async function (this: PopWorld, { result }) {
  try {
    const capaTags = capaTagsOf(this.tags);
    if (capaTags.length > 0 && !this.verdictAttached && result) {
      const missing = capaTags.filter((t) => !advertised(this, t));
      if (missing.length > 0) {
        const list = missing.join(', ');
        // A failure here is one the step wrapper could not judge yet (no CAPA list was known then).
        if (result.status === Status.FAILED) {
          this.verdict('NOT-ADVERTISED', `CAPA does not announce ${list} (RFC 2449 §6), and the scenario does not pass without it`);
        } else if (result.status === Status.PASSED) {
          this.verdict('UNADVERTISED-WORKS', `works, but CAPA does not announce ${list} (RFC 2449 §6): clients will not use it`);
        }
      }
    }
  } finally {
    for (const c of this.openedClients) {
      const dropped = c.client.transcriptDropped;
      const note = dropped.client + dropped.server > 0 ? `\n… (${dropped.client} octets sent and ${dropped.server} received were not kept)` : '';
      const head = `# ${c.name === 'A' ? 'the client' : `client ${c.name}`} (${c.host.includes(':') ? `[${c.host}]` : c.host}:${c.port})\n`;
      this.attach(this.mask(head + renderTranscript(c.client.transcript, 64 * 1024) + note), TRANSCRIPT_MEDIA_TYPE);
      c.client.destroy();
    }
    for (const c of this.connections.values()) c.client.destroy();
    if (this.privateTarget) await this.privateTarget.close();
  }
});
