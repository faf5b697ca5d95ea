/**
 * Checks on replies: the status of the last one, its response code (RFC 2449 §8), and the response
 * grammar of RFC 1939 §3 / RFC 2449 §3-4 over every reply of the scenario. The rules themselves are
 * the shared codec's (statusLineViolations): these steps pick the ones a requirement is about.
 */
import { Then } from '@cucumber/cucumber';
import type { ResponseLine } from '../src/client/index.js';
import { visible } from '../src/client/index.js';
import { responseCodeProblems, topLevel } from './support/codes.js';
import type { Exchange, PopWorld } from './world.js';
import { capabilitiesBeforeLogin } from './support/capa-probe.js';
import { findCapability } from './support/capa.js';

function lastReply(world: PopWorld): Exchange {
  return world.currentConnection().last;
}

function describeExchange(ex: Exchange): string {
  const cmd = ex.command === undefined ? 'the greeting' : `the reply to "${ex.command.replace(/^(PASS|APOP \S+) .*/i, '$1 …')}"`;
  return cmd;
}

function checkStatus(world: PopWorld, ex: Exchange, status: string): void {
  const ok = status === '+OK';
  world.check(ex.reply.line.status !== undefined && ex.reply.line.ok === ok, `${describeExchange(ex)} is not ${status}`, `${status} …`, JSON.stringify(ex.reply.line.text));
}

Then('the response is {status}', function (this: PopWorld, status: string) {
  checkStatus(this, lastReply(this), status);
});

Then('the last response is {status}', function (this: PopWorld, status: string) {
  checkStatus(this, lastReply(this), status);
});

function codeOf(line: ResponseLine): string | undefined {
  return line.status?.code;
}

Then('the response is {status} with the response code {code}', function (this: PopWorld, status: string, code: string) {
  const ex = lastReply(this);
  checkStatus(this, ex, status);
  const got = codeOf(ex.reply.line);
  this.check(got?.toUpperCase() === code.toUpperCase(), `${describeExchange(ex)} does not carry the response code [${code}]`, `${status} [${code}] …`, JSON.stringify(ex.reply.line.text));
});

Then('the response does not carry the response code {code}', function (this: PopWorld, code: string) {
  const ex = lastReply(this);
  const got = codeOf(ex.reply.line);
  this.check(got === undefined || topLevel(got) !== topLevel(code), `${describeExchange(ex)} carries [${got}], which does not describe this failure`, `no [${code}]`, JSON.stringify(ex.reply.line.text));
});

// --- the greeting ---------------------------------------------------------------------------

Then('the server sends a greeting line', function (this: PopWorld) {
  const g = this.currentConnection().greeting;
  this.check(g.raw.length > 0 && g.status !== undefined, 'the server did not send a greeting', 'a status line', visible(g.raw));
});

Then('the greeting is {status}', function (this: PopWorld, status: string) {
  checkStatus(this, this.currentConnection().exchanges[0]!, status);
});

Then('the greeting follows the response grammar', function (this: PopWorld) {
  const g = this.currentConnection().greeting;
  this.check(g.violations.length === 0, 'the greeting breaks the response grammar', 'status [SP text] CRLF, at most 512 octets', `${visible(g.raw)}: ${g.violations.map((v) => v.detail).join('; ')}`);
});

/**
 * RFC 2449 §3: greeting = "+OK" [resp-code] *gchar [timestamp] *gchar CRLF, gchar excluding "<".
 * The ABNF has no SP, so spaces are taken as allowed text, as in every example of the RFCs; what is
 * checked is the status, the length, CRLF, and that "<" appears only to open one timestamp.
 */
Then('the greeting follows the greeting grammar', function (this: PopWorld) {
  const g = this.currentConnection().greeting;
  const problems = g.violations.map((v) => v.detail);
  if (!g.ok) problems.push('it is not +OK');
  const opens = (g.text.match(/</g) ?? []).length;
  if (opens > 1) problems.push('"<" appears more than once (only the timestamp may open with it)');
  if (opens === 1 && !/<[\x21-\x7e]*>/.test(g.text)) problems.push('"<" does not open a timestamp "<" *VCHAR ">"');
  this.check(problems.length === 0, 'the greeting breaks the greeting grammar of RFC 2449 §3', '"+OK" [resp-code] *gchar [timestamp] *gchar CRLF, at most 512 octets', `${visible(g.raw)}: ${problems.join('; ')}`);
});

Then('the response follows the response grammar', function (this: PopWorld) {
  const ex = lastReply(this);
  const v = ex.reply.line.violations;
  this.check(v.length === 0, `${describeExchange(ex)} breaks the response grammar`, 'status [SP text] CRLF, at most 512 octets', `${visible(ex.reply.line.raw)}: ${v.map((x) => x.detail).join('; ')}`);
});

// --- every reply of the scenario ----------------------------------------------------------------

function statusLines(world: PopWorld): Exchange[] {
  return world.allExchanges();
}

function checkRule(world: PopWorld, what: string, expected: string, rules: readonly string[]): void {
  const bad = statusLines(world).flatMap((ex) => ex.reply.line.violations.filter((v) => rules.includes(v.rule)).map((v) => `${describeExchange(ex)}: ${visible(ex.reply.line.raw.subarray(0, 120))} (${v.detail})`));
  world.check(bad.length === 0, what, expected, bad.slice(0, 5).join('\n            '));
}

Then('every response in the scenario begins with a status indicator', function (this: PopWorld) {
  const bad = statusLines(this).filter((ex) => !/^(\+OK|-ERR)/i.test(ex.reply.line.text));
  this.check(bad.length === 0, 'a response does not begin with a status indicator', '"+OK" or "-ERR" first', bad.map((ex) => `${describeExchange(ex)}: ${visible(ex.reply.line.raw.subarray(0, 80))}`).join('\n            '));
});

Then('every status indicator in the scenario is "+OK" or "-ERR" in upper case', function (this: PopWorld) {
  checkRule(this, 'a status indicator is not "+OK" or "-ERR" in upper case', '"+OK" / "-ERR"', ['rfc1939-3-status']);
});

Then('every response line in the scenario ends with CRLF', function (this: PopWorld) {
  checkRule(this, 'a response line does not end with CRLF', 'CRLF at the end of every line, and no CR or LF inside', ['rfc1939-3-crlf', 'rfc1939-3-chars']);
});

Then('no response line in the scenario is longer than 512 octets', function (this: PopWorld) {
  checkRule(this, 'a response line is longer than 512 octets', 'at most 512 octets, CRLF included', ['rfc2449-4-line-length']);
});

Then('every status indicator in the scenario is followed by a single space or by CRLF', function (this: PopWorld) {
  checkRule(this, 'a status indicator is not followed by a single space or CRLF', 'status [SP text] CRLF', ['rfc1939-3-space']);
});

Then('every multi-line response in the scenario is made of lines ending with CRLF', function (this: PopWorld) {
  const bad: string[] = [];
  for (const ex of statusLines(this)) {
    const raw = ex.reply.body?.raw;
    if (!raw) continue;
    for (let i = raw.indexOf(0x0a); i !== -1; i = raw.indexOf(0x0a, i + 1)) {
      if (i === 0 || raw[i - 1] !== 0x0d) {
        bad.push(`${describeExchange(ex)}: a bare LF at octet ${i} of the body`);
        break;
      }
    }
  }
  this.check(bad.length === 0, 'a line of a multi-line response does not end with CRLF', 'every line ending with CRLF', bad.join('\n            '));
});

Then('every multi-line response in the scenario ends with a line holding only "." and CRLF', function (this: PopWorld) {
  const multi = statusLines(this).filter((ex) => ex.reply.body);
  this.check(multi.length > 0, 'step error: the scenario has no multi-line response', 'at least one', 'none');
  const bad = multi.filter((ex) => {
    const raw = ex.reply.body!.raw!;
    return !(raw.equals(Buffer.from('.\r\n')) || raw.subarray(-5).equals(Buffer.from('\r\n.\r\n')));
  });
  this.check(bad.length === 0, 'a multi-line response does not end with ".CRLF" on a line of its own', '… CRLF "." CRLF', bad.map((ex) => `${describeExchange(ex)}: …${visible(ex.reply.body!.raw!.subarray(-12))}`).join('\n            '));
});

// --- response codes (RFC 2449 §3, §6.4, §8; RFC 3206) -------------------------------------------

async function respCodesAnnounced(world: PopWorld): Promise<boolean> {
  const caps = await capabilitiesBeforeLogin(world);
  return caps !== 'unsupported' && findCapability(caps, 'RESP-CODES') !== undefined;
}

function codeProblems(world: PopWorld, respCodes: boolean, filter: (p: string) => boolean): string[] {
  return statusLines(world).flatMap((ex) => responseCodeProblems(ex.command, ex.reply.line, respCodes).filter(filter));
}

Then('every response code in the scenario is well formed', function (this: PopWorld) {
  const bad = codeProblems(this, false, (p) => p.includes('well-formed'));
  this.check(bad.length === 0, 'a response code is malformed', '"[" resp-level *("/" resp-level) "]" right after the status and a space', bad.join('\n            '));
});

Then('every response code in the scenario is valid for its command and status', function (this: PopWorld) {
  const bad = codeProblems(this, false, (p) => p.includes('only valid'));
  this.check(bad.length === 0, 'a response code appears where it is not valid', 'codes only with the replies they are defined for', bad.join('\n            '));
});

Then('every response text in the scenario that begins with "[" is a response code', async function (this: PopWorld) {
  const bad = codeProblems(this, await respCodesAnnounced(this), (p) => p.includes('RESP-CODES') || p.includes('well-formed'));
  this.check(bad.length === 0, 'a response text begins with "[" but is not a response code', '"[" only to open a response code', bad.join('\n            '));
});
