/**
 * Unit tests of the fixture writer and the TOP oracle (support/fixtures.ts).
 * Cucumber imports every steps/**\/*.ts file, this one too: the tests are declared only under vitest.
 */
import { mkdtemp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../src/protocol/index.js';
import { BASE_SECONDS, expectedTop, fixtureFileName, installFixtures, loadFixtures, parseFixtureFileName, type Fixture } from './support/fixtures.js';

function fx(n: number, text: string): Fixture {
  const stored = Buffer.from(text, 'latin1');
  return { number: n, file: `${n}.eml`, stored, canonical: canonicalize(stored) };
}

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'popcheck-steps-test-'));
}

if (process.env.VITEST) {
  describe('installFixtures', () => {
    const fixtures = [fx(1, 'Subject: one\r\n\r\nbody 1\r\n'), fx(2, 'Subject: two\n\n.dot\n')];

    it('replaces the messages of a Maildir, keeping dotfiles and tmp/', async () => {
      const dir = await tempDir();
      try {
        for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(dir, sub));
        await writeFile(path.join(dir, 'new', 'stray'), 'x');
        await writeFile(path.join(dir, 'cur', 'old:2,S'), 'y');
        await writeFile(path.join(dir, 'cur', '.keep'), '');
        await writeFile(path.join(dir, '.popcheck.lock'), 'lock');
        await writeFile(path.join(dir, 'tmp', 'delivering'), 'z');
        expect(await installFixtures(dir, fixtures)).toBe(2);
        expect((await readdir(path.join(dir, 'cur'))).sort()).toEqual(['.keep', fixtureFileName(1), fixtureFileName(2)].sort());
        expect(await readdir(path.join(dir, 'new'))).toEqual([]);
        expect(await readdir(path.join(dir, 'tmp'))).toEqual(['delivering']);
        expect(await readFile(path.join(dir, '.popcheck.lock'), 'utf8')).toBe('lock');
        expect((await readFile(path.join(dir, 'cur', fixtureFileName(2)))).equals(fixtures[1]!.stored)).toBe(true);
        expect((await stat(path.join(dir, 'cur', fixtureFileName(1)))).mtimeMs).toBe((BASE_SECONDS + 1) * 1000);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('leaves the fixtures alone when all are there and right (a session may hold them), removing only other mail', async () => {
      const dir = await tempDir();
      try {
        expect(await installFixtures(dir, fixtures)).toBe(2);
        const inode = (await stat(path.join(dir, 'cur', fixtureFileName(1)))).ino;
        await writeFile(path.join(dir, 'new', 'delivered-meanwhile'), 'x');
        expect(await installFixtures(dir, fixtures)).toBe(0);
        expect((await stat(path.join(dir, 'cur', fixtureFileName(1)))).ino).toBe(inode);
        expect(await readdir(path.join(dir, 'new'))).toEqual([]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('rewrites every fixture under new names when one is missing or changed, so a server numbering by first sight keeps the order', async () => {
      const dir = await tempDir();
      try {
        expect(await installFixtures(dir, fixtures)).toBe(2);
        // A @destructive scenario expunged message 1; message 2 was changed.
        await rm(path.join(dir, 'cur', fixtureFileName(1)));
        expect(await installFixtures(dir, fixtures)).toBe(2);
        expect((await readdir(path.join(dir, 'cur'))).sort()).toEqual([fixtureFileName(1, 2), fixtureFileName(2, 2)]);
        await writeFile(path.join(dir, 'cur', fixtureFileName(2, 2)), 'changed');
        expect(await installFixtures(dir, fixtures)).toBe(2);
        expect((await readdir(path.join(dir, 'cur'))).sort()).toEqual([fixtureFileName(1, 3), fixtureFileName(2, 3)]);
        expect(await readFile(path.join(dir, 'cur', fixtureFileName(2, 3)), 'latin1')).toBe('Subject: two\n\n.dot\n');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('writes one set when several workers find the maildrop incomplete at once', async () => {
      const dir = await tempDir();
      try {
        const written = await Promise.all([1, 2, 3, 4].map(() => installFixtures(dir, fixtures)));
        expect(written.filter((n) => n > 0)).toEqual([2]);
        const names = await readdir(path.join(dir, 'cur'));
        expect(names.sort()).toEqual([fixtureFileName(1), fixtureFileName(2)]);
        expect(await readdir(path.join(dir, 'tmp'))).toEqual([]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('accepts a complete set of any generation, whatever flags a server gave the files', async () => {
      const dir = await tempDir();
      try {
        for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(dir, sub));
        await writeFile(path.join(dir, 'cur', '1700000001.M1P7.popcheck:2,RS'), fixtures[0]!.stored);
        await writeFile(path.join(dir, 'cur', '1700000002.M2P7.popcheck:2,S'), fixtures[1]!.stored);
        expect(await installFixtures(dir, fixtures)).toBe(0);
        expect(parseFixtureFileName('1700000001.M1P7.popcheck:2,RS')).toEqual({ number: 1, generation: 7 });
        expect(parseFixtureFileName('1700000003.M1P7.popcheck:2,S')).toBeUndefined();
        expect(parseFixtureFileName('1700000001.M1P7.other:2,S')).toBeUndefined();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('turns a flat maildrop (the seed layout) into a Maildir', async () => {
      const dir = await tempDir();
      try {
        await writeFile(path.join(dir, '1'), 'a');
        await writeFile(path.join(dir, '2'), 'b');
        await writeFile(path.join(dir, '.popcheck-state.json'), '{}');
        await installFixtures(dir, fixtures);
        expect((await readdir(dir)).sort()).toEqual(['.popcheck-state.json', 'cur', 'new', 'tmp']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('refuses a maildrop that does not exist', async () => {
      await expect(installFixtures(path.join(os.tmpdir(), 'popcheck-no-such-dir-x'), fixtures)).rejects.toThrow(/not a folder/);
    });

    it('names message N after delivery time BASE+N, as the demo maildrops do, with the generation after P', () => {
      expect(fixtureFileName(1)).toBe('1700000001.M1P1.popcheck:2,S');
      expect(fixtureFileName(9, 12)).toBe('1700000009.M9P12.popcheck:2,S');
      // Within a generation, name order is fixture order (what Dovecot sorts new files by).
      const names = Array.from({ length: 9 }, (_, i) => fixtureFileName(i + 1, 3));
      expect([...names].sort()).toEqual(names);
    });
  });

  describe('loadFixtures', () => {
    it('reads the nine .eml files of fixtures/messages in name order', async () => {
      const all = await loadFixtures();
      expect(all.map((f) => f.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(all[0]!.file).toMatch(/^01-/);
      expect(all.every((f) => f.canonical.subarray(-2).toString() === '\r\n')).toBe(true);
    });
  });

  describe('expectedTop (RFC 1939 §7)', () => {
    const msg = Buffer.from('A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3\r\n');
    it.each([
      [0, 'A: 1\r\nB: 2\r\n\r\n'],
      [2, 'A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\n'],
      [3, msg.toString()],
      [99, msg.toString()],
    ])('TOP n %i', (n, want) => {
      expect(expectedTop(msg, n).toString()).toBe(want);
    });

    it('sends a message without a blank line whole (it is all header)', () => {
      const headerOnly = Buffer.from('A: 1\r\nB: 2\r\n');
      expect(expectedTop(headerOnly, 0).toString()).toBe('A: 1\r\nB: 2\r\n');
    });

    it('counts a body line that holds a bare CR as one line', () => {
      const m = Buffer.from('A: 1\r\n\r\nx\ry\r\nz\r\n');
      expect(expectedTop(m, 1).toString()).toBe('A: 1\r\n\r\nx\ry\r\n');
    });
  });
}
