import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write.js';
import { asyncIo, syncIo, type StoreIo } from './store-io.js';
import { makeTempRoot } from './test-support/maildir-harness.js';
import { allocateUid, loadState, newState, saveState, serializeState, statePath } from './uid-state.js';

const quiet = { warn: () => undefined };

let dir: string;
beforeEach(async () => {
  dir = await makeTempRoot();
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Counts the reads of file content, so a test can tell a cache hit (stat only) from a read. */
function countingReads(io: StoreIo): { io: StoreIo; reads: () => number } {
  let reads = 0;
  return { io: { ...io, readWithStat: (p, flags) => ((reads += 1), io.readWithStat(p, flags)) }, reads: () => reads };
}

function stateWith(uids: string[]): ReturnType<typeof newState> {
  const state = newState();
  uids.forEach((name, i) => state.entries.set(`m:${name}`, { uid: allocateUid(state), size: 10 + i, stat: `${10 + i}:1:${i}` }));
  return state;
}

describe.each([
  ['sync', syncIo],
  ['async', asyncIo],
] as const)('loadState cache (%s I/O)', (_mode, io) => {
  it('reads an unchanged state file once, and only stats it afterwards', async () => {
    const saved = stateWith(['a', 'b']);
    await saveState(dir, saved);
    const c = countingReads(io);
    const first = await loadState(dir, quiet, c.io);
    const second = await loadState(dir, quiet, c.io);
    expect(c.reads()).toBe(1);
    expect(serializeState(second.state)).toBe(serializeState(saved));
    expect(second.text).toBe(first.text);
  });

  it('re-reads a state file another process replaced with different content', async () => {
    await saveState(dir, stateWith(['a']));
    const before = await loadState(dir, quiet, io);
    const other = stateWith(['x', 'y', 'z']); // another server (or the manager) saved a new state
    await writeFileAtomic(statePath(dir), serializeState(other));
    const after = await loadState(dir, quiet, io);
    expect(after.state.prefix).toBe(other.prefix);
    expect(after.state.prefix).not.toBe(before.state.prefix);
    expect([...after.state.entries.keys()]).toEqual(['m:x', 'm:y', 'm:z']);
    // Rewritten in place (new size) as an administrator's editor would: seen as well.
    await fs.writeFile(statePath(dir), serializeState(stateWith(['q'])));
    expect([...(await loadState(dir, quiet, io)).state.entries.keys()]).toEqual(['m:q']);
    // Removed: a fresh state, not the cached one.
    await fs.unlink(statePath(dir));
    expect((await loadState(dir, quiet, io)).text).toBeUndefined();
  });

  it('hands out copies: a session that allocates ids and drops entries leaves the cached state intact', async () => {
    const saved = stateWith(['a', 'b']);
    await saveState(dir, saved);
    const text = serializeState(saved);
    const c = countingReads(io);
    const session = (await loadState(dir, quiet, c.io)).state;
    session.entries.delete('m:a');
    session.entries.set('m:new', { uid: allocateUid(session), size: 1, stat: 's' });
    expect(() => Object.assign(session.entries.get('m:b')!, { size: 99 })).toThrow(TypeError); // entries are frozen
    const again = await loadState(dir, quiet, c.io);
    expect(c.reads()).toBe(1); // served from the cache...
    expect(serializeState(again.state)).toBe(text); // ...as it was read
    expect(again.text).toBe(text);
    expect(allocateUid(again.state)).toBe(`${saved.prefix}.3`); // not .4: the session's allocation was its own
  });
});
