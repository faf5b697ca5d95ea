/**
 * CAPA (RFC 2449 §5) and the capabilities of §6 and RFC 3206 §6. "Before login" is the list CAPA
 * gave in the AUTHORIZATION state (asked in the scenario, or the target's probed list), "after
 * login" the one it gave in the TRANSACTION state in this scenario.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import {
  changedAtLogin,
  findCapability,
  missingAfterLogin,
  parseCapabilities,
  parsePolicy,
  policyProblems,
  saslProblems,
  type Capability,
  type CapabilityList,
  type PolicyValue,
} from './support/capa.js';
import { capabilitiesBeforeLogin, capabilitiesBeforeTls } from './support/capa-probe.js';
import { lastExchange } from './support/session.js';
import type { PopWorld } from './world.js';

Given('the server implements CAPA', async function (this: PopWorld) {
  const caps = await capabilitiesBeforeLogin(this);
  if (caps === 'unsupported') return this.verdict('SKIP', 'CAPA gets -ERR: "the capability command is not implemented" (RFC 2449 §5), so RFC 2449 does not apply');
  return undefined;
});

When('{conn} asks for the capabilities', async function (this: PopWorld, name: string) {
  const conn = this.connection(name);
  const state = conn.state;
  const ex = await this.send(conn, 'CAPA');
  if (ex.reply.line.ok && ex.reply.body && state !== 'CLOSED') this.capaSeen[state] = parseCapabilities(ex.reply.body.data);
});

function lastCapa(world: PopWorld): CapabilityList {
  const ex = lastExchange(world.currentConnection(), 'CAPA') ?? world.fail('step error: CAPA was not sent', 'a CAPA reply', 'none');
  world.check(ex.reply.line.ok && ex.reply.body !== undefined, 'CAPA did not answer with a capability list', '+OK and a list', ex.reply.line.text, ['2449-CAPA-1']);
  return parseCapabilities(ex.reply.body!.data);
}

async function before(world: PopWorld): Promise<CapabilityList> {
  const caps = await capabilitiesBeforeLogin(world);
  return caps === 'unsupported' ? world.fail('CAPA is not implemented', 'a capability list', '-ERR') : caps;
}

function after(world: PopWorld): CapabilityList {
  return world.capaSeen.TRANSACTION ?? world.fail('step error: CAPA was not asked after login', 'a CAPA reply in TRANSACTION state', 'none');
}

Then('every capability line is a tag and single-space separated parameters, at most 512 octets with CRLF', function (this: PopWorld) {
  const list = lastCapa(this);
  this.check(list.problems.length === 0, 'a capability line breaks the grammar', 'capa-tag *(SP param) CRLF, at most 512 octets', list.problems.join('\n            '));
});

Then('every capability announced before login is announced after login', async function (this: PopWorld) {
  const missing = missingAfterLogin((await before(this)).capabilities, after(this).capabilities);
  this.check(missing.length === 0, 'capabilities announced before login are missing after login', 'every one announced in both states', `missing after login: ${missing.join(', ')}`);
});

Then('the capabilities that cannot change at login have the same arguments before and after login', async function (this: PopWorld) {
  const changed = changedAtLogin((await before(this)).capabilities, after(this).capabilities);
  this.check(changed.length === 0, 'a capability whose description says "possible differences: no" changed at login', 'the same arguments in both states', changed.join('; '));
});

/** The list a tag is looked up in: STLS is announced before TLS only (RFC 2595 §4). */
async function listFor(world: PopWorld, tag: string): Promise<CapabilityList | 'unsupported'> {
  if (tag.toUpperCase() !== 'STLS') return capabilitiesBeforeLogin(world);
  const caps = await capabilitiesBeforeTls(world);
  return caps === 'implicit' ? capabilitiesBeforeLogin(world) : caps;
}

Given('the server announces {word}', async function (this: PopWorld, tag: string) {
  const caps = await listFor(this, tag);
  if (caps === 'unsupported' || !findCapability(caps, tag)) {
    return this.verdict('NOT-ADVERTISED', `CAPA ${caps === 'unsupported' ? 'is not implemented' : `does not announce ${tag}`} (RFC 2449 §6)`);
  }
  return undefined;
});

async function capability(world: PopWorld, tag: string): Promise<Capability> {
  const list = world.capaSeen.TRANSACTION ?? (await before(world));
  return findCapability(list, tag) ?? findCapability(await before(world), tag) ?? world.fail(`CAPA does not announce ${tag}`, tag, 'not announced');
}

Then('the {word} capability has no arguments', async function (this: PopWorld, tag: string) {
  const first = await listFor(this, tag);
  for (const list of [first === 'unsupported' ? undefined : first, this.capaSeen.TRANSACTION]) {
    const cap = list && findCapability(list, tag);
    if (cap) this.check(cap.params.length === 0, `${tag} is announced with arguments; its description says "Arguments: none"`, tag, cap.line);
  }
});

Then('the SASL capability lists SASL mechanism names', async function (this: PopWorld) {
  const cap = await capability(this, 'SASL');
  const problems = saslProblems(cap);
  this.check(problems.length === 0, 'the SASL capability does not list mechanism names', 'SASL <mechanism> [<mechanism> ...]', problems.join('; '));
});

Then('the capabilities include {word}', function (this: PopWorld, tag: string) {
  const list = lastCapa(this);
  this.check(findCapability(list, tag) !== undefined, `CAPA does not announce ${tag}`, tag, list.capabilities.map((c) => c.tag).join(' '));
});

Then('CAPA lists {word}', async function (this: PopWorld, tag: string) {
  const lists = [await capabilitiesBeforeLogin(this), this.capaSeen.TRANSACTION];
  const found = lists.some((l) => l !== undefined && l !== 'unsupported' && findCapability(l, tag) !== undefined);
  this.check(found, `the server does not announce ${tag}`, `CAPA listing ${tag}`, lists[0] === 'unsupported' ? 'CAPA not implemented' : 'not listed');
});

/**
 * RFC 2449 §6.9: IMPLEMENTATION is optional, and a server "MAY chose" to announce it only after
 * login: the tokens are checked wherever it is announced; announced nowhere, the requirement on its
 * argument does not apply (NOT-ADVERTISED).
 */
Then('the IMPLEMENTATION capability names the server', async function (this: PopWorld) {
  const beforeLogin = await capabilitiesBeforeLogin(this);
  const lists = [this.capaSeen.TRANSACTION, beforeLogin === 'unsupported' ? undefined : beforeLogin];
  const cap = lists.map((l) => l && findCapability(l, 'IMPLEMENTATION')).find((c) => c !== undefined);
  if (!cap) {
    const why = beforeLogin === 'unsupported' ? 'CAPA is not implemented' : 'CAPA does not announce IMPLEMENTATION, before or after login';
    return this.verdict('NOT-ADVERTISED', `${why} (RFC 2449 §6.9: an optional capability)`);
  }
  this.check(cap.params.length > 0, 'IMPLEMENTATION has no argument', 'IMPLEMENTATION <one or more tokens>', cap.line);
  return undefined;
});

// --- LOGIN-DELAY (§6.5) and EXPIRE (§6.7) --------------------------------------------------------

async function policies(world: PopWorld, tag: 'LOGIN-DELAY' | 'EXPIRE'): Promise<{ before?: PolicyValue; after?: PolicyValue }> {
  const b = findCapability(await before(world), tag);
  const a = findCapability(after(world), tag);
  const out: { before?: PolicyValue; after?: PolicyValue } = {};
  const problems: string[] = [];
  if (b) {
    const v = parsePolicy(b, 'AUTHORIZATION');
    if (typeof v === 'string') problems.push(v);
    else out.before = v;
  }
  if (a) {
    const v = parsePolicy(a, 'TRANSACTION');
    if (typeof v === 'string') problems.push(v);
    else out.after = v;
  }
  const form = tag === 'EXPIRE' ? 'EXPIRE <days>|NEVER ["USER" before login]' : 'LOGIN-DELAY <seconds> ["USER" before login]';
  world.check(problems.length === 0, `${tag} has a malformed value`, form, problems.join('; '));
  return out;
}

Then('the {word} capability has a valid value before and after login', async function (this: PopWorld, tag: string) {
  if (tag !== 'LOGIN-DELAY' && tag !== 'EXPIRE') throw new Error(`step error: ${tag} has no value rules`);
  const p = await policies(this, tag);
  this.check(p.before !== undefined || p.after !== undefined, `${tag} is not announced`, tag, 'not announced');
});

Then('the LOGIN-DELAY after login is not larger than before login', async function (this: PopWorld) {
  const p = await policies(this, 'LOGIN-DELAY');
  const { must } = policyProblems('LOGIN-DELAY', p.before, p.after);
  this.check(must.length === 0, 'LOGIN-DELAY before login is not the largest value', 'the value before login >= the value after', must.join('; '));
});

Then('the EXPIRE after login is not smaller than before login', async function (this: PopWorld) {
  const p = await policies(this, 'EXPIRE');
  const { must } = policyProblems('EXPIRE', p.before, p.after);
  this.check(must.length === 0, 'EXPIRE before login is not the smallest value', 'the value before login <= the value after', must.join('; '));
});

Then('a/an {word} that changes at login carries "USER" before login and is announced after login', async function (this: PopWorld, tag: string) {
  if (tag !== 'LOGIN-DELAY' && tag !== 'EXPIRE') throw new Error(`step error: ${tag} has no value rules`);
  const p = await policies(this, tag as 'LOGIN-DELAY' | 'EXPIRE');
  const { should } = policyProblems(tag as 'LOGIN-DELAY' | 'EXPIRE', p.before, p.after);
  this.check(should.length === 0, `${tag} does not follow the SHOULDs of RFC 2449 §6`, '"USER" before login when the value may change, and the accurate value after login', should.join('; '));
});
