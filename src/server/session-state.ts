/**
 * RFC 1939 §3: a session goes AUTHORIZATION -> TRANSACTION -> UPDATE. QUIT in AUTHORIZATION ends
 * the session without UPDATE (§4); a session that ends any other way than QUIT never enters
 * UPDATE and removes nothing (§6). This is the only place states change.
 */
export type SessionState = 'AUTHORIZATION' | 'TRANSACTION' | 'UPDATE' | 'CLOSED';
export type SessionEvent = 'authenticated' | 'quit' | 'updated' | 'dropped';

const TRANSITIONS: Readonly<Record<SessionState, Partial<Record<SessionEvent, SessionState>>>> = {
  AUTHORIZATION: { authenticated: 'TRANSACTION', quit: 'CLOSED', dropped: 'CLOSED' },
  TRANSACTION: { quit: 'UPDATE', dropped: 'CLOSED' },
  // A client that closes after sending QUIT has still asked for UPDATE: it completes.
  UPDATE: { updated: 'CLOSED', dropped: 'UPDATE' },
  CLOSED: { dropped: 'CLOSED' },
};

export function transition(state: SessionState, event: SessionEvent): SessionState {
  const next = TRANSITIONS[state][event];
  if (next === undefined) throw new Error(`bug: no transition from ${state} on ${event}`);
  return next;
}
