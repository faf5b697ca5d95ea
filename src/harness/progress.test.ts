import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { ProgressLine } from './progress.js';
import { fakeResult } from './testing/fake-results.js';

function stream(tty: boolean): Writable & { isTTY?: boolean; text: () => string } {
  let text = '';
  const w = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  }) as Writable & { isTTY?: boolean; text: () => string };
  w.isTTY = tty;
  w.text = () => text;
  return w;
}

describe('progress line', () => {
  it('rewrites one line on a terminal, and clears it at the end', () => {
    const out = stream(true);
    const p = new ProgressLine(out, true);
    p.start(2);
    p.scenario(fakeResult('a', 'FAIL'));
    p.scenario(fakeResult('b', 'PASS'));
    p.finish();
    expect(out.text()).toBe(
      '\r\x1b[2Kconformance: 0/2 scenarios, 0 failing\r\x1b[2Kconformance: 1/2 scenarios, 1 failing\r\x1b[2Kconformance: 2/2 scenarios, 1 failing\r\x1b[2K',
    );
  });

  it('prints at most a line per tenth of the run in a log', () => {
    const out = stream(false);
    const p = new ProgressLine(out, true);
    p.start(100);
    for (let i = 0; i < 100; i++) p.scenario(fakeResult(`s${i}`, i === 3 ? 'ERROR' : 'PASS'));
    p.finish();
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines.at(-1)).toBe('conformance: 100/100 scenarios, 1 failing');
  });

  it('says nothing with --no-progress', () => {
    const out = stream(true);
    const p = new ProgressLine(out, false);
    p.start(1);
    p.scenario(fakeResult('a', 'PASS'));
    p.finish();
    expect(out.text()).toBe('');
  });
});
