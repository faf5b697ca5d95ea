import { describe, expect, it } from 'vitest';
import { transition } from './session-state.js';

describe('session state machine (RFC 1939 §3-6)', () => {
  it('goes AUTHORIZATION -> TRANSACTION -> UPDATE -> CLOSED', () => {
    expect(transition('AUTHORIZATION', 'authenticated')).toBe('TRANSACTION');
    expect(transition('TRANSACTION', 'quit')).toBe('UPDATE');
    expect(transition('UPDATE', 'updated')).toBe('CLOSED');
  });
  it('QUIT in AUTHORIZATION ends without UPDATE (§4)', () => {
    expect(transition('AUTHORIZATION', 'quit')).toBe('CLOSED');
  });
  it('a dropped TRANSACTION session never enters UPDATE (§6)', () => {
    expect(transition('TRANSACTION', 'dropped')).toBe('CLOSED');
  });
  it('a drop during UPDATE lets the removal finish', () => {
    expect(transition('UPDATE', 'dropped')).toBe('UPDATE');
  });
  it('rejects impossible transitions as bugs', () => {
    expect(() => transition('AUTHORIZATION', 'updated')).toThrow(/bug/);
    expect(() => transition('TRANSACTION', 'authenticated')).toThrow(/bug/);
    expect(() => transition('CLOSED', 'quit')).toThrow(/bug/);
  });
});
