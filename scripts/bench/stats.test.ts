/**
 * The bench's arithmetic and parsers: percentiles, /proc parsing and summing, result merging, and
 * the load generator's response framing. No timing is asserted anywhere.
 */
import net from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { mergeResults, split } from './loadgen-pool.js';
import type { JobResult } from './loadgen.js';
import { Conn } from './pop3-wire.js';
import { parseMachineBusy, parseMachineSteal, parsePss, parseStat, parseStatusRss, processTree, sampleTree, sumTree, type ProcSample } from './proc-stats.js';
import { percentileSorted, ratio, Samples, summarize } from './stats.js';

describe('percentiles (nearest rank)', () => {
  it('picks the smallest value with at least p% of samples at or below it', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(percentileSorted(v, 50)).toBe(50);
    expect(percentileSorted(v, 99)).toBe(99);
    expect(percentileSorted(v, 100)).toBe(100);
    expect(percentileSorted(v, 0)).toBe(1);
    expect(percentileSorted([7], 99)).toBe(7);
    expect(percentileSorted([1, 2], 50)).toBe(1);
    expect(percentileSorted([1, 2], 51)).toBe(2);
  });

  it('is undefined without samples and rejects a bad p', () => {
    expect(percentileSorted([], 50)).toBeUndefined();
    expect(() => percentileSorted([1], 101)).toThrow(RangeError);
    expect(() => percentileSorted([1], Number.NaN)).toThrow(RangeError);
  });

  it('summarize sorts numerically (not as strings) and reports mean and max', () => {
    const s = summarize([10, 9, 100, 1, 2]);
    expect(s).toMatchObject({ count: 5, p50: 9, p99: 100, max: 100, mean: 24.4 });
    expect(summarize([])).toMatchObject({ count: 0, p50: undefined, max: undefined, mean: undefined });
  });

  it('Samples grows past its first size and stops at its bound, counting what it drops', () => {
    const s = new Samples(2, 5);
    for (let i = 0; i < 8; i++) s.push(i);
    expect(s.toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(s.dropped).toBe(3);
  });

  it('ratio is undefined for missing values and a zero divisor', () => {
    expect(ratio(10, 4)).toBe(2.5);
    expect(ratio(undefined, 4)).toBeUndefined();
    expect(ratio(1, 0)).toBeUndefined();
  });
});

describe('/proc parsing', () => {
  // A command name with spaces and parentheses, as a process may set it.
  const line = '4242 (pop3 (x) y) S 4000 4242 4242 0 -1 4194560 300 0 0 0 150 50 7 3 20 0 1 0 1234 104857600 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0';

  it('reads pid, name, ppid, times and RSS pages from a stat line', () => {
    expect(parseStat(line)).toEqual({ pid: 4242, comm: 'pop3 (x) y', state: 'S', ppid: 4000, utime: 150, stime: 50, cutime: 7, cstime: 3, rssPages: 2560 });
  });

  it('reads VmRSS and Pss in bytes', () => {
    expect(parseStatusRss('Name:\tnode\nVmPeak:\t 999 kB\nVmRSS:\t   12345 kB\n')).toBe(12345 * 1024);
    expect(parseStatusRss('Name:\tkthread\n')).toBe(0);
    expect(parsePss('Rss:  100 kB\nPss:   80 kB\n')).toBe(80 * 1024);
  });

  it('sums a tree: own and reaped children\'s CPU, RSS of every process', () => {
    const p = (pid: number, utime: number, stime: number, cutime: number, cstime: number, rss: number): ProcSample => ({
      pid,
      stat: { pid, comm: 'x', state: 'S', ppid: 1, utime, stime, cutime, cstime, rssPages: 0 },
      rssBytes: rss,
    });
    expect(sumTree([p(1, 100, 50, 30, 20, 1000), p(2, 10, 0, 0, 0, 500)], 100)).toEqual({ cpuSeconds: 2.1, rssBytes: 1500 });
    expect(sumTree([], 100)).toEqual({ cpuSeconds: 0, rssBytes: 0 });
  });

  it('machine busy time leaves out idle and iowait', () => {
    // user nice system idle iowait irq softirq steal guest guest_nice
    expect(parseMachineBusy('cpu  100 0 50 9000 40 5 5 0 0 0\ncpu0 1 2 3\n', 100)).toBe(1.6);
    // Steal is not this machine's work: apart.
    expect(parseMachineBusy('cpu  100 0 50 9000 40 5 5 70 0 0\n', 100)).toBe(1.6);
    expect(parseMachineSteal('cpu  100 0 50 9000 40 5 5 70 0 0\n', 100)).toBe(0.7);
  });

  it.runIf(process.platform === 'linux')('samples this process and finds its children', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await once(child, 'spawn');
      expect(processTree(process.pid)).toContain(child.pid);
      const s = sampleTree(process.pid);
      expect(s.processes.length).toBeGreaterThanOrEqual(2);
      expect(s.rssBytes).toBeGreaterThan(0);
    } finally {
      child.kill();
    }
  });
});

describe('results', () => {
  const r = (over: Partial<JobResult>): JobResult => ({
    kind: 'sessions',
    windowMs: 1000,
    completed: 0,
    octets: 0,
    errors: 0,
    errorKinds: {},
    latencies: [],
    droppedSamples: 0,
    notes: [],
    ...over,
  });

  it('merges the load generators\' results', () => {
    const m = mergeResults([r({ completed: 3, octets: 10, errors: 1, errorKinds: { timeout: 1 }, latencies: [1, 2], windowMs: 990 }), r({ completed: 2, errors: 2, errorKinds: { timeout: 1, closed: 1 }, latencies: [3] })]);
    expect(m).toMatchObject({ completed: 5, octets: 10, errors: 3, errorKinds: { timeout: 2, closed: 1 }, latencies: [1, 2, 3], windowMs: 1000 });
  });

  it('splits work into contiguous near-equal parts', () => {
    expect(split([1, 2, 3, 4, 5], 2)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(split([1], 3)).toEqual([[1], [], []]);
  });
});

describe('the load generator\'s response framing', () => {
  /** A server that answers each command with `reply`, written one byte at a time. */
  async function server(reply: (line: string) => string): Promise<{ port: number; close: () => void }> {
    const srv = net.createServer((s) => {
      const drip = async (text: string): Promise<void> => {
        for (const ch of text) {
          s.write(ch);
          await new Promise((r) => setImmediate(r));
        }
      };
      void drip('+OK hi\r\n');
      let buf = '';
      s.on('data', (d: Buffer) => {
        buf += d.toString('latin1');
        let i: number;
        while ((i = buf.indexOf('\r\n')) !== -1) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 2);
          void drip(reply(line));
        }
      });
    });
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    return { port: (srv.address() as net.AddressInfo).port, close: () => srv.close() };
  }

  it('completes single-line, multi-line (stuffed, empty) and -ERR replies split at every byte', async () => {
    const bodies: Record<string, string> = {
      'RETR 1': '+OK 12 octets\r\n..a\r\nb\r\n..\r\n.\r\n',
      'RETR 2': '+OK 0 octets\r\n.\r\n',
      'RETR 3': '-ERR no such message\r\n',
    };
    const srv = await server((line) => bodies[line] ?? '+OK\r\n');
    const c = await Conn.open('127.0.0.1', srv.port, 10_000);
    try {
      expect(await c.command('NOOP\r\n')).toEqual({ ok: true, octets: 5 });
      expect(await c.command('RETR 1\r\n', true)).toEqual({ ok: true, octets: bodies['RETR 1']!.length });
      expect(await c.command('RETR 2\r\n', true)).toEqual({ ok: true, octets: bodies['RETR 2']!.length });
      expect(await c.command('RETR 3\r\n', true)).toEqual({ ok: false, octets: bodies['RETR 3']!.length });
    } finally {
      c.destroy();
      srv.close();
    }
  });
});
