/**
 * The model's own oracles, checked without a network: TOP's cut agrees with the codec's streaming
 * TopState on any message and any chunking (two independent implementations), and the model's
 * bookkeeping of bad commands, pending USER and deleted marks follows the documented policy.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TopState } from '../../protocol/top-filter.js';
import { messageArb } from './maildrop.js';
import { Pop3Model } from './model.js';
import { bodyLines, canonicalize, topOf } from './oracle.js';
import type { Step } from './intent.js';

describe('topOf (RFC 1939 §7 TOP)', () => {
  it('keeps the header, the blank line and n body lines', () => {
    const m = canonicalize(Buffer.from('A: 1\nB: 2\n\nl1\nl2\nl3'));
    expect(topOf(m, 0).toString()).toBe('A: 1\r\nB: 2\r\n\r\n');
    expect(topOf(m, 2).toString()).toBe('A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\n');
    expect(topOf(m, 99).equals(m)).toBe(true);
    expect(topOf(canonicalize(Buffer.from('A: 1\nB: 2\n')), 0).toString()).toBe('A: 1\r\nB: 2\r\n');
  });

  it('agrees with the streaming TopState on any message, line count and chunking', () => {
    fc.assert(
      fc.property(messageArb, fc.nat(8), fc.array(fc.nat(), { maxLength: 6 }), (stored, n, cutsRaw) => {
        const canonical = canonicalize(stored);
        const cuts = [...new Set(cutsRaw.map((c) => c % (canonical.length + 1)))].sort((a, b) => a - b);
        const state = new TopState(n);
        const parts: Buffer[] = [];
        let from = 0;
        for (const at of [...cuts, canonical.length]) {
          parts.push(state.take(canonical.subarray(from, at)));
          from = at;
        }
        expect(Buffer.concat(parts).equals(topOf(canonical, n))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('bodyLines splits un-stuffed CRLF data', () => {
    expect(bodyLines(Buffer.from('1 2\r\n3 4\r\n'))).toEqual(['1 2', '3 4']);
    expect(bodyLines(Buffer.alloc(0))).toEqual([]);
  });
});

describe('Pop3Model policy', () => {
  const step = (intent: Step['intent'], verb = intent.t): Step => ({ intent, verb });
  const model = (): Pop3Model => {
    const accounts = { password: { user: 'alice', pass: 'wonderland' }, apop: { user: 'dave', secret: 'tanstaaf' } };
    const m = new Pop3Model(accounts, { maxBadCommands: 3, maxCommandOctets: 255 }, { password: [Buffer.from('a\n'), Buffer.from('bb\n')], apop: [] }, false);
    m.open();
    return m;
  };
  const answer = { line: { raw: Buffer.alloc(0), text: '', status: undefined, ok: true, violations: [] } };

  it('counts consecutive bad commands and closes at the limit; any other answer resets the count', () => {
    const m = model();
    const bad = step({ t: 'BAD', line: 'XYZZ', why: 'unknown verb' });
    m.expect(bad, 4).apply(answer);
    m.expect(bad, 4).apply(answer);
    m.expect(step({ t: 'USER', name: 'x' }), 6).apply(answer);
    expect(m.conn!.bad).toBe(0);
    m.expect(bad, 4).apply(answer);
    m.expect(bad, 4).apply(answer);
    const third = m.expect(step({ t: 'STAT' }), 4); // wrong state: bad too
    expect(third).toMatchObject({ ok: false, closes: true });
    third.apply(answer);
    expect(m.conn).toBeUndefined();
  });

  it('APOP logs in only the APOP account, USER/PASS only the password account (RFC 1939 §13)', () => {
    const m = model();
    expect(m.expect(step({ t: 'APOP', name: 'alice', digest: { right: true } }), 40)).toMatchObject({ ok: false, code: 'AUTH' });
    m.expect(step({ t: 'USER', name: 'dave' }), 9).apply(answer);
    expect(m.expect(step({ t: 'PASS', pass: 'tanstaaf' }), 13)).toMatchObject({ ok: false, code: 'AUTH' });
    const apop = m.expect(step({ t: 'APOP', name: 'dave', digest: { right: true } }), 40);
    apop.apply(answer);
    expect(m.conn).toMatchObject({ state: 'TRANSACTION', user: 'dave', snapshot: [] });
  });

  it('PASS only right after USER; an over-long line is bad whatever it says', () => {
    const m = model();
    m.expect(step({ t: 'USER', name: 'alice' }), 10).apply(answer);
    m.expect(step({ t: 'NOOP' }), 4).apply(answer);
    expect(m.expect(step({ t: 'PASS', pass: 'wonderland' }), 15).summary).toMatch(/PASS without a USER/);
    expect(m.expect(step({ t: 'USER', name: 'a'.repeat(300) }), 305).summary).toMatch(/over the limit/);
  });

  it('QUIT removes exactly the messages marked as deleted; RSET unmarks', () => {
    const m = model();
    m.expect(step({ t: 'USER', name: 'alice' }), 10).apply(answer);
    m.expect(step({ t: 'PASS', pass: 'wonderland' }), 15).apply(answer);
    m.expect(step({ t: 'DELE', arg: { raw: '1', value: 1 } }), 6).apply(answer);
    expect(m.expect(step({ t: 'RETR', arg: { raw: '1', value: 1 } }), 6)).toMatchObject({ ok: false });
    expect(m.expect(step({ t: 'STAT' }), 4).summary).toBe('+OK 1 4');
    m.expect(step({ t: 'QUIT' }), 4).apply(answer);
    expect(m.dropOf('alice').map((x) => x.stored.toString())).toEqual(['bb\n']);
  });
});
