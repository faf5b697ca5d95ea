/** How `popcheck manager` shows replies: for people, for scripts (plain lines), and as JSON. */
import type { ManagerReply } from '../client.js';

/** What to do about an error code, for people (spec §7). */
export function hintFor(code: string | undefined): string | undefined {
  switch (code) {
    case 'AUTH':
      return 'the token differs from the server\'s: check --token-file';
    case 'AUTH/STALE':
      return 'the clocks of this host and the server differ by more than 60 s: check NTP';
    case 'AUTH/REPLAY':
      return 'the request id was already used: send the command again';
    case 'BUSY':
      return 'the server is busy: try again shortly';
    default:
      return undefined;
  }
}

/** The interactive view: the status line as the server sent it (without id and MAC), then the lines. */
export function renderInteractive(reply: ManagerReply): string[] {
  const head = reply.ok ? `+OK ${reply.text}` : `-ERR [${reply.code ?? '?'}] ${reply.text}`;
  const out = [head, ...(reply.lines ?? [])];
  const hint = reply.ok ? undefined : hintFor(reply.code);
  if (hint) out.push(`(${hint})`);
  return out;
}

/** The one-shot view on stdout: the lines of a listing, else the text of the status line. */
export function renderPlain(reply: ManagerReply, lines: readonly string[] | undefined): readonly string[] {
  return lines ?? reply.lines ?? [reply.text];
}

/** "key=value" lines (STATS, GET) as an object; whole decimal numbers as numbers. */
export function keyValues(lines: readonly string[]): Record<string, string | number> | undefined {
  if (lines.length === 0 || !lines.every((l) => /^[^=\s]+=/.test(l))) return undefined;
  const out: Record<string, string | number> = {};
  for (const l of lines) {
    const eq = l.indexOf('=');
    const v = l.slice(eq + 1);
    out[l.slice(0, eq)] = /^\d{1,15}$/.test(v) ? Number(v) : v;
  }
  return out;
}

export function renderJson(reply: ManagerReply, lines: readonly string[] | undefined): string {
  if (!reply.ok) return JSON.stringify({ ok: false, code: reply.code ?? null, text: reply.text, authenticated: reply.authenticated });
  const all = lines ?? reply.lines;
  const values = keyValues(all ?? [reply.text]);
  return JSON.stringify({
    ok: true,
    text: reply.text,
    ...(all ? { lines: all } : {}),
    ...(values ? { values } : {}),
    ...(!all && /^\d{1,15}$/.test(reply.text) ? { value: Number(reply.text) } : {}),
  });
}
