/**
 * Extended response codes (RFC 2449 §8, RFC 3206): where each may appear and what it may look like.
 * The code itself is found by the shared codec (parseStatusLine); this only judges it.
 *
 *   resp-code  = "[" resp-level *("/" resp-level) "]"
 *   resp-level = 1*rchar   ;rchar = %x21-2E / %x30-5C / %x5E-7F (printable, not "/" or "]")
 */
import type { ResponseLine } from '../../src/client/index.js';

const RESP_LEVEL = /^[\x21-\x2e\x30-\x5c\x5e-\x7f]+$/;

/** Commands that authenticate (RFC 3206 §5; RFC 2449 §8.1.1, §8.1.2). */
const AUTH_COMMANDS = new Set(['AUTH', 'USER', 'PASS', 'APOP']);
const IN_USE_COMMANDS = new Set(['AUTH', 'APOP', 'PASS']);

export function verbOf(commandLine: string): string {
  return commandLine.split(' ', 1)[0]!.toUpperCase();
}

/** The first level of the code, upper-cased (codes are case-insensitive, RFC 2449 §8, RFC 3206 §4). */
export function topLevel(code: string): string {
  return code.split('/', 1)[0]!.toUpperCase();
}

/**
 * Problems with the response code of `line`, the reply to `commandLine` (undefined for a greeting):
 * malformed codes (RFC 2449 §3) and codes where they are not valid (RFC 2449 §8.1, RFC 3206 §4-5).
 * `respCodes`: whether the server announces RESP-CODES, which makes any text that begins with "["
 * a response code (§6.4).
 */
export function responseCodeProblems(commandLine: string | undefined, line: ResponseLine, respCodes: boolean): string[] {
  const status = line.status;
  if (!status) return [];
  const problems: string[] = [];
  const what = `${commandLine === undefined ? 'the greeting' : `the reply to ${JSON.stringify(commandLine)}`} (${JSON.stringify(line.text)})`;
  const code = status.code;
  if (code === undefined) {
    if (respCodes && status.text.startsWith('[')) {
      problems.push(`${what}: the server announces RESP-CODES, so text beginning with "[" must be a response code "[...]" followed by a space or the end of the line (RFC 2449 §6.4)`);
    }
    return problems;
  }
  if (!code.split('/').every((level) => RESP_LEVEL.test(level))) {
    problems.push(`${what}: "[${code}]" is not a well-formed response code (RFC 2449 §3: resp-level *("/" resp-level))`);
  }
  const verb = commandLine === undefined ? undefined : verbOf(commandLine);
  switch (topLevel(code)) {
    case 'SYS':
      if (status.ok) problems.push(`${what}: [SYS] is only valid with -ERR (RFC 3206 §4)`);
      break;
    case 'AUTH':
      if (status.ok || verb === undefined || !AUTH_COMMANDS.has(verb)) problems.push(`${what}: [AUTH] is only valid with -ERR to AUTH, USER, PASS or APOP (RFC 3206 §5)`);
      break;
    case 'IN-USE':
      if (status.ok || verb === undefined || !IN_USE_COMMANDS.has(verb)) problems.push(`${what}: [IN-USE] is only valid with -ERR to AUTH, APOP or PASS (RFC 2449 §8.1.2)`);
      break;
    case 'LOGIN-DELAY':
      if (status.ok || verb === undefined || !AUTH_COMMANDS.has(verb)) problems.push(`${what}: [LOGIN-DELAY] is only valid with -ERR to AUTH, USER, PASS or APOP (RFC 2449 §8.1.1)`);
      break;
    default:
      break;
  }
  return problems;
}
