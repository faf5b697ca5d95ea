import { describe, expect, it } from 'vitest';
import { BufferPool } from './buffer-pool.js';

describe('BufferPool', () => {
  it('hands a buffer given back out again, and keeps at most `keep` idle', () => {
    const pool = new BufferPool(16, 2);
    const [a, b, c] = [pool.take(), pool.take(), pool.take()];
    expect(new Set([a, b, c]).size).toBe(3);
    pool.give(a);
    pool.give(b);
    pool.give(c); // over `keep`: left to the garbage collector
    expect(pool.idle).toBe(2);
    expect(pool.take()).toBe(b);
    expect(pool.take()).toBe(a);
    expect(pool.idle).toBe(0);
  });

  it('throws on a buffer given back twice or of another size (a bug that would corrupt messages)', () => {
    const pool = new BufferPool(16, 4);
    const a = pool.take();
    pool.give(a);
    expect(() => pool.give(a)).toThrow(/twice/);
    expect(() => pool.give(Buffer.alloc(8))).toThrow(/8-octet/);
  });
});
