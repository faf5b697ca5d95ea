import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { garbageFlood, longLine, randomCuts, sanitize } from './hostile.js';
import { caseSeed, Rng } from './rng.js';

const DANGEROUS = /^[ \t]*(DELE|QUIT|PASS|APOP|AUTH|STLS|CAPA|LIST|UIDL|RETR|TOP)/i;

describe('sanitize', () => {
  it('leaves no line, however split (CR, LF or NUL), starting with a verb that changes or frames the session', () => {
    const verbs = fc.constantFrom('DELE 1', 'quit', ' PaSs x', '\tretr 1', 'TOP 1 1', 'capa', 'STAT', 'NOOP', 'xyz');
    const seps = fc.constantFrom('\r\n', '\n', '\r', '\x00', '');
    fc.assert(
      fc.property(fc.array(fc.tuple(verbs, seps)), (parts) => {
        const out = sanitize(Buffer.from(parts.map(([v, s]) => v + s).join(''), 'latin1'));
        for (const line of out.toString('latin1').split(/[\r\n\x00]/)) expect(DANGEROUS.test(line)).toBe(false);
      }),
    );
  });

  it('changes nothing else', () => {
    expect(sanitize(Buffer.from('NOOP\r\nDELE 1\r\nSTAT\r\n')).toString()).toBe('NOOP\r\nXELE 1\r\nSTAT\r\n');
  });
});

describe('Rng and the generators', () => {
  it('are deterministic per seed, and case seeds differ', () => {
    const a = new Rng(5);
    const b = new Rng(5);
    expect(longLine(a, 1024, 1 << 20).equals(longLine(b, 1024, 1 << 20))).toBe(true);
    expect(garbageFlood(new Rng(9), 50).equals(garbageFlood(new Rng(9), 50))).toBe(true);
    expect(new Set([0, 1, 2, 3].map((i) => caseSeed(1, i))).size).toBe(4);
  });

  it('long lines span 1 KB to 1 MB; cuts are inside the buffer', () => {
    const rng = new Rng(3);
    const sizes = Array.from({ length: 200 }, () => longLine(rng, 1024, 1 << 20).length);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1024);
    expect(Math.max(...sizes)).toBeGreaterThan(100_000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual((1 << 20) + 5);
    for (const c of randomCuts(rng, 10, 20)) expect(c > 0 && c < 10).toBe(true);
  });
});
