/**
 * Reading a CAPA response (RFC 2449 §5) and the checks on its capabilities (§6, RFC 3206 §6).
 *
 * The multi-line framing is already undone by the shared codec (MultiLineDecoder, via the client);
 * this splits the decoded body into capability lines and checks each against the ABNF of §3:
 *   capability = capa-tag *(SP param) CRLF   ;512 octets maximum
 *   capa-tag   = 1*cchar                     ;cchar = %x21-2D / %x2F-7F (printable, not ".")
 *   param      = 1*VCHAR                     ;VCHAR = %x21-7E
 */

export interface Capability {
  /** The tag upper-cased: tags are case-insensitive (§5). */
  readonly tag: string;
  readonly params: readonly string[];
  /** The line as received, without CRLF. */
  readonly line: string;
}

export interface CapabilityList {
  readonly capabilities: readonly Capability[];
  /** Grammar problems, one message each, naming the line. */
  readonly problems: readonly string[];
}

const CAPA_TAG = /^[\x21-\x2d\x2f-\x7f]+$/;
const PARAM = /^[\x21-\x7e]+$/;
const MAX_LINE_OCTETS = 512;

/** Splits a decoded CAPA body (each line CRLF-terminated) into capabilities, checking the grammar. */
export function parseCapabilities(body: Buffer): CapabilityList {
  const text = body.toString('latin1');
  const capabilities: Capability[] = [];
  const problems: string[] = [];
  if (text.length === 0) return { capabilities, problems };
  const lines = text.split('\r\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else problems.push('the last capability line does not end in CRLF');
  lines.forEach((line, i) => {
    const where = `capability line ${i + 1} ${JSON.stringify(line.slice(0, 80))}`;
    if (line.length + 2 > MAX_LINE_OCTETS) problems.push(`${where} is ${line.length + 2} octets; the limit is 512 with CRLF (RFC 2449 §5)`);
    if (/[\r\n]/.test(line)) problems.push(`${where} holds a bare CR or LF`);
    const parts = line.split(' ');
    const [tag, ...params] = parts;
    if (!tag || !CAPA_TAG.test(tag)) problems.push(`${where}: the tag must be printable ASCII without "." (capa-tag = 1*cchar)`);
    if (params.some((p) => !PARAM.test(p))) problems.push(`${where}: parameters must be single-space separated printable ASCII (param = 1*VCHAR)`);
    capabilities.push({ tag: (tag ?? '').toUpperCase(), params, line });
  });
  return { capabilities, problems };
}

export function findCapability(list: CapabilityList | readonly Capability[], tag: string): Capability | undefined {
  const caps = 'capabilities' in list ? list.capabilities : list;
  return caps.find((c) => c.tag === tag.toUpperCase());
}

/**
 * Capabilities whose description says "Announced states / possible differences: both / no"
 * (RFC 2449 §6.1-6.4, 6.6, 6.8, 6.9; RFC 3206 §6): their arguments are the same in both states.
 * LOGIN-DELAY and EXPIRE say "both / yes"; SASL says "both / no".
 */
export const SAME_IN_BOTH_STATES = ['TOP', 'USER', 'SASL', 'RESP-CODES', 'PIPELINING', 'UIDL', 'IMPLEMENTATION', 'AUTH-RESP-CODE'] as const;

/** Capabilities defined with "Arguments: none". */
export const WITHOUT_ARGUMENTS = ['TOP', 'USER', 'RESP-CODES', 'PIPELINING', 'UIDL', 'AUTH-RESP-CODE'] as const;

/**
 * Capabilities registered as announced in the AUTHORIZATION state only, the exceptions to the rule
 * of RFC 2449 §5 below: STLS (RFC 2595 §8: "Announced states/Valid states: AUTHORIZATION state
 * only"; §4: the tag "indicates this command is present and permitted in the current state").
 */
export const AUTHORIZATION_ONLY: readonly string[] = ['STLS'];

/** RFC 2449 §5: "Capabilities available in the AUTHORIZATION state MUST be announced in both states." */
export function missingAfterLogin(before: readonly Capability[], after: readonly Capability[]): string[] {
  return before.filter((b) => !AUTHORIZATION_ONLY.includes(b.tag) && !findCapability(after, b.tag)).map((b) => b.tag);
}

/** RFC 2449 §5 with §6: capabilities with "possible differences: no" whose arguments changed at login. */
export function changedAtLogin(before: readonly Capability[], after: readonly Capability[]): string[] {
  const out: string[] = [];
  for (const tag of SAME_IN_BOTH_STATES) {
    const b = findCapability(before, tag);
    const a = findCapability(after, tag);
    if (b && a && b.params.join(' ') !== a.params.join(' ')) out.push(`${tag}: "${b.params.join(' ')}" before login, "${a.params.join(' ')}" after`);
  }
  return out;
}

export type State = 'AUTHORIZATION' | 'TRANSACTION';

/** A LOGIN-DELAY or EXPIRE value: a number of seconds/days, or NEVER (EXPIRE only), maybe with USER. */
export interface PolicyValue {
  /** Infinity for NEVER. */
  readonly value: number;
  readonly user: boolean;
}

/**
 * RFC 2449 §6.5: LOGIN-DELAY <seconds> ["USER" in AUTHORIZATION]; §6.7: EXPIRE <days>|NEVER
 * ["USER" in AUTHORIZATION]. Returns the value, or a problem message.
 */
export function parsePolicy(cap: Capability, state: State): PolicyValue | string {
  const allowNever = cap.tag === 'EXPIRE';
  const [first, second, ...rest] = cap.params;
  const what = `${cap.tag} in ${state} state ("${cap.line}")`;
  if (first === undefined) return `${what}: has no value`;
  let value: number;
  if (/^\d+$/.test(first)) value = Number(first);
  else if (allowNever && first === 'NEVER') value = Infinity;
  else return `${what}: the value must be a whole number${allowNever ? ' of days or NEVER' : ' of seconds'}`;
  if (rest.length > 0) return `${what}: too many arguments`;
  if (second === undefined) return { value, user: false };
  if (second !== 'USER') return `${what}: the only token allowed after the value is USER`;
  if (state !== 'AUTHORIZATION') return `${what}: USER is only appended in AUTHORIZATION state`;
  return { value, user: true };
}

/**
 * The rules tying the value announced before login to the one after (RFC 2449 §6.5 LOGIN-DELAY:
 * the largest value before; §6.7 EXPIRE: the smallest), and whether "USER" / the accurate value
 * follow the SHOULDs. Returns MUST problems and SHOULD problems separately.
 */
export function policyProblems(tag: 'LOGIN-DELAY' | 'EXPIRE', before: PolicyValue | undefined, after: PolicyValue | undefined): { must: string[]; should: string[] } {
  const must: string[] = [];
  const should: string[] = [];
  const show = (v: PolicyValue): string => (v.value === Infinity ? 'NEVER' : String(v.value)) + (v.user ? ' USER' : '');
  if (!before || !after) {
    if (before && !after) must.push(`${tag} is announced before login but not after (RFC 2449 §5)`);
    if (before?.user && !after) should.push(`${tag} ${show(before)}: after login the more accurate value should be announced`);
    return { must, should };
  }
  if (tag === 'LOGIN-DELAY' && after.value > before.value) {
    must.push(`LOGIN-DELAY is ${show(after)} after login but ${show(before)} before: the value before login must be the largest (RFC 2449 §6.5)`);
  }
  if (tag === 'EXPIRE' && after.value < before.value) {
    must.push(`EXPIRE is ${show(after)} after login but ${show(before)} before: the value before login must be the smallest (RFC 2449 §6.7)`);
  }
  if (after.value !== before.value && !before.user) {
    should.push(`${tag} changes at login (${show(before)} -> ${show(after)}) but the value before login does not carry "USER"`);
  }
  return { must, should };
}

/** SASL mechanism names (RFC 4422 §3.1): 1 to 20 of upper-case letters, digits, "-" and "_". */
export function saslProblems(cap: Capability): string[] {
  if (cap.params.length === 0) return [`SASL lists no mechanism ("${cap.line}")`];
  return cap.params.filter((m) => !/^[A-Z0-9_-]{1,20}$/.test(m)).map((m) => `SASL mechanism "${m}" is not a valid mechanism name`);
}
