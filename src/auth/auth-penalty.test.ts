import { describe, expect, it } from 'vitest';
import { addressKey, AuthPenalty } from './auth-penalty.js';

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('AuthPenalty delays', () => {
  it('delays 0, then 2, 4, 8, 15, 15 s after consecutive failures', () => {
    const c = clock();
    const p = new AuthPenalty({ now: c.now, maxFailures: 0 });
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const d = p.check('192.0.2.1');
      expect(d.kind).toBe('proceed');
      delays.push(d.kind === 'proceed' ? d.delayMs : -1);
      p.recordFailure('192.0.2.1');
    }
    expect(delays).toEqual([0, 2000, 4000, 8000, 15000, 15000]);
  });

  it('counts the delay from the last failure: waiting on one\'s own is not punished twice', () => {
    const c = clock();
    const p = new AuthPenalty({ now: c.now });
    p.recordFailure('192.0.2.1');
    p.recordFailure('192.0.2.1'); // next delay 4 s
    c.advance(1500);
    expect(p.check('192.0.2.1')).toEqual({ kind: 'proceed', delayMs: 2500, failures: 2 });
    c.advance(10_000);
    expect(p.check('192.0.2.1')).toEqual({ kind: 'proceed', delayMs: 0, failures: 2 });
  });

  it('a success resets the address; other addresses are not affected', () => {
    const c = clock();
    const p = new AuthPenalty({ now: c.now });
    p.recordFailure('192.0.2.1');
    p.recordFailure('192.0.2.2');
    p.recordSuccess('192.0.2.1');
    expect(p.check('192.0.2.1')).toEqual({ kind: 'proceed', delayMs: 0, failures: 0 });
    expect(p.check('192.0.2.2')).toMatchObject({ kind: 'proceed', delayMs: 2000 });
    expect(p.check('192.0.2.3')).toEqual({ kind: 'proceed', delayMs: 0, failures: 0 });
  });

  it('honours custom base and cap', () => {
    const p = new AuthPenalty({ baseDelayMs: 100, maxDelayMs: 350 });
    expect([0, 1, 2, 3, 4, 50].map((n) => p.delayAfter(n))).toEqual([0, 100, 200, 350, 350, 350]);
    expect(new AuthPenalty({ baseDelayMs: 0 }).delayAfter(5)).toBe(0);
  });

  it('refuses nonsense options', () => {
    expect(() => new AuthPenalty({ baseDelayMs: -1 })).toThrow(RangeError);
    expect(() => new AuthPenalty({ maxAddresses: 0 })).toThrow(RangeError);
  });
});

describe('AuthPenalty lockout', () => {
  it('refuses an address after maxFailures within the window, until the cool-down ends', () => {
    const c = clock();
    const p = new AuthPenalty({ now: c.now, maxFailures: 3, windowMs: 60_000, lockoutMs: 300_000 });
    for (let i = 0; i < 3; i++) {
      expect(p.check('192.0.2.1').kind).toBe('proceed');
      p.recordFailure('192.0.2.1');
      c.advance(1000);
    }
    expect(p.check('192.0.2.1')).toEqual({ kind: 'refuse', retryAfterMs: 299_000, failures: 3 });
    c.advance(298_999);
    expect(p.check('192.0.2.1').kind).toBe('refuse');
    c.advance(1);
    // Cool-down over: a fresh start, not an immediate new lockout.
    expect(p.check('192.0.2.1')).toEqual({ kind: 'proceed', delayMs: 0, failures: 0 });
    p.recordFailure('192.0.2.1');
    expect(p.check('192.0.2.1')).toMatchObject({ kind: 'proceed', delayMs: 2000, failures: 1 });
  });

  it('only counts failures inside the window', () => {
    const c = clock();
    const p = new AuthPenalty({ now: c.now, maxFailures: 3, windowMs: 60_000, maxDelayMs: 15_000 });
    p.recordFailure('192.0.2.1');
    c.advance(40_000);
    p.recordFailure('192.0.2.1');
    c.advance(40_000); // the first failure left the window
    p.recordFailure('192.0.2.1');
    expect(p.check('192.0.2.1').kind).toBe('proceed');
    p.recordFailure('192.0.2.1');
    expect(p.check('192.0.2.1').kind).toBe('refuse');
  });

  it('forgets an address quiet for longer than the window', () => {
    const c = clock();
    const p = new AuthPenalty({ now: c.now, maxFailures: 3, windowMs: 60_000 });
    p.recordFailure('192.0.2.1');
    p.recordFailure('192.0.2.1');
    c.advance(60_000);
    expect(p.check('192.0.2.1')).toEqual({ kind: 'proceed', delayMs: 0, failures: 0 });
    expect(p.size).toBe(0);
  });
});

describe('AuthPenalty memory', () => {
  it('keeps at most maxAddresses, dropping the least recently used', () => {
    const c = clock();
    const p = new AuthPenalty({ now: c.now, maxAddresses: 3 });
    for (const a of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) p.recordFailure(a);
    p.check('192.0.2.1'); // touch: .2 is now the oldest
    p.recordFailure('192.0.2.4');
    expect(p.size).toBe(3);
    expect(p.check('192.0.2.2')).toEqual({ kind: 'proceed', delayMs: 0, failures: 0 });
    expect(p.check('192.0.2.1')).toMatchObject({ kind: 'proceed', failures: 1 });
  });

  it('stays bounded under a flood of addresses', () => {
    const p = new AuthPenalty({ maxAddresses: 100 });
    for (let i = 0; i < 5000; i++) p.recordFailure(`2001:db8:${i.toString(16)}::1`);
    expect(p.size).toBe(100);
  });
});

describe('addressKey', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['::FFFF:192.0.2.7', '192.0.2.7'],
    ['::ffff:c000:207', '192.0.2.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::99', '2001:db8:1:2::/64'],
    ['2001:DB8:0:0:ffff::1', '2001:db8::/64'],
    ['fe80::1%eth0', 'fe80::/64'],
    ['[2001:db8::1]', '2001:db8::/64'],
    ['::1', '::/64'],
    ['1:2:3:4::', '1:2:3:4::/64'],
    [undefined, 'unknown'],
    ['', 'unknown'],
    ['not-an-ip', 'not-an-ip'],
  ])('%j -> %j', (input, key) => {
    expect(addressKey(input)).toBe(key);
  });

  it('groups a /64 and treats v4-mapped addresses as IPv4', () => {
    const c = clock();
    const p = new AuthPenalty({ now: c.now });
    p.recordFailure('2001:db8:1:2::1');
    expect(p.check('2001:db8:1:2:ffff::9')).toMatchObject({ delayMs: 2000 });
    expect(p.check('2001:db8:1:3::1')).toMatchObject({ delayMs: 0 });
    p.recordFailure('::ffff:198.51.100.1');
    expect(p.check('198.51.100.1')).toMatchObject({ delayMs: 2000 });
  });
});
