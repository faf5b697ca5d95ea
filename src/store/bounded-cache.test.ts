import { describe, expect, it } from 'vitest';
import { BoundedCache } from './bounded-cache.js';

describe('BoundedCache', () => {
  it('returns a value only under the key it was stored with, and drops it otherwise', () => {
    const c = new BoundedCache<string>(10, 100);
    c.set('a', 'k1', 'A', 1);
    expect(c.get('a', 'k1')).toBe('A');
    expect(c.get('a', 'k2')).toBeUndefined();
    expect(c.get('a', 'k1')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('evicts the least recently used entry past the entry bound', () => {
    const c = new BoundedCache<number>(2, 100);
    c.set('a', 'k', 1, 1);
    c.set('b', 'k', 2, 1);
    c.get('a', 'k'); // a is now more recent than b
    c.set('c', 'k', 3, 1);
    expect([c.get('a', 'k'), c.get('b', 'k'), c.get('c', 'k')]).toEqual([1, undefined, 3]);
  });

  it('evicts past the weight bound, and never stores a value heavier than the bound', () => {
    const c = new BoundedCache<number>(10, 10);
    c.set('a', 'k', 1, 6);
    c.set('b', 'k', 2, 6); // 12 > 10: a goes
    expect([c.get('a', 'k'), c.get('b', 'k')]).toEqual([undefined, 2]);
    c.set('huge', 'k', 3, 11);
    expect([c.get('huge', 'k'), c.get('b', 'k')]).toEqual([undefined, 2]);
    c.set('b', 'k', 4, 10); // replacing counts the new weight only
    expect(c.get('b', 'k')).toBe(4);
  });
});
