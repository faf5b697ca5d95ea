/**
 * What a client must know about commands to read their replies: which ones are multi-line
 * (RFC 1939 §5, §7; RFC 2449 §5), and APOP's digest (RFC 1939 §7). A POP3 reply does not say
 * whether a body follows, so the client decides from the command it sent, as real clients do.
 */
import { createHash } from 'node:crypto';

/**
 * True when a +OK reply to this command line is followed by a multi-line body:
 * RETR msg, TOP msg n and CAPA always; LIST and UIDL only without an argument (RFC 1939 §5:
 * "If no argument was given ... the response given is multi-line").
 * The keyword is matched case-insensitively (RFC 1939 §3); arguments are found the way the
 * server finds them, by single spaces, so "LIST " (a trailing space) still counts as one argument.
 */
export function expectsMultiLine(commandLine: string): boolean {
  const space = commandLine.indexOf(' ');
  const verb = (space === -1 ? commandLine : commandLine.slice(0, space)).toUpperCase();
  const hasArgument = space !== -1;
  switch (verb) {
    case 'RETR':
    case 'TOP':
    case 'CAPA':
      return true;
    case 'LIST':
    case 'UIDL':
      return !hasArgument;
    default:
      return false;
  }
}

/**
 * RFC 1939 §7: "A POP3 server which implements the APOP command will include a timestamp in its
 * banner greeting", "<" ... ">" (an RFC 822 msg-id). Returns the first one, brackets included.
 */
export function greetingTimestamp(greetingText: string): string | undefined {
  return /<[^<>\s]*>/.exec(greetingText)?.[0];
}

/** RFC 1939 §7: the APOP digest is MD5(timestamp + shared secret) as 32 lower-case hex digits. */
export function apopDigest(timestamp: string, secret: string): string {
  return createHash('md5').update(timestamp + secret, 'utf8').digest('hex');
}
