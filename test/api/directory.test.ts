import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ApiError } from '../../src-main/contract/index.ts';
import { MAX_DIRECTORY_ENTRIES, listDirectory } from '../../src-main/api/directory.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'anomap-dir-'));
  mkdirSync(join(root, 'scans'));
  mkdirSync(join(root, '.cache'));
  writeFileSync(join(root, 'b.png'), Buffer.alloc(12));
  writeFileSync(join(root, 'a.dcm'), Buffer.alloc(3));
  writeFileSync(join(root, '.hidden'), 'x');
  symlinkSync(join(root, 'scans'), join(root, 'link-to-scans'));
  symlinkSync(join(root, 'nowhere'), join(root, 'broken-link'));
});
afterEach(() => {
  chmodSync(root, 0o700);
  rmSync(root, { recursive: true, force: true });
});

function refused(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected a refusal');
}

describe('listing one folder for the import picker', () => {
  it('lists folders first, then files with their sizes, hiding dot entries and broken links', () => {
    const listing = listDirectory(root);
    expect(listing.path).toBe(root);
    expect(listing.parent).toBe(dirname(root));
    expect(listing.entries).toEqual([
      { name: 'link-to-scans', kind: 'dir', sizeBytes: null },
      { name: 'scans', kind: 'dir', sizeBytes: null },
      { name: 'a.dcm', kind: 'file', sizeBytes: 3 },
      { name: 'b.png', kind: 'file', sizeBytes: 12 },
    ]);
    expect(listing.omitted).toBe(1); // the broken link
    const all = listDirectory(root, { showHidden: true }).entries.map((e) => e.name);
    expect(all).toEqual(['.cache', 'link-to-scans', 'scans', '.hidden', 'a.dcm', 'b.png']);
  });

  it('starts at the home folder and has no parent at the root', () => {
    expect(listDirectory(undefined).path).toBe(homedir());
    expect(listDirectory('/').parent).toBeNull();
    expect(listDirectory(join(root, 'scans', '..')).path).toBe(root);
  });

  it('refuses a file, a missing path, a relative path and an unreadable folder, naming them', () => {
    const file = refused(() => listDirectory(join(root, 'a.dcm')));
    expect([file.code, file.message]).toEqual([
      'bad-request',
      `not a folder: ${join(root, 'a.dcm')}`,
    ]);
    const missing = refused(() => listDirectory(join(root, 'gone')));
    expect([missing.code, missing.message]).toEqual([
      'not-found',
      `no folder ${join(root, 'gone')}`,
    ]);
    expect(refused(() => listDirectory('scans')).code).toBe('bad-request');
    chmodSync(join(root, 'scans'), 0o000);
    // root can read anything; the check only holds for an ordinary user.
    if (process.getuid?.() !== 0) {
      const denied = refused(() => listDirectory(join(root, 'scans')));
      expect(denied.message).toBe(
        `cannot read the folder ${join(root, 'scans')}: permission denied`,
      );
    }
    chmodSync(join(root, 'scans'), 0o700);
  });

  it(`caps the entries at ${MAX_DIRECTORY_ENTRIES} before sorting, sorts those and counts the rest`, () => {
    const many = join(root, 'many');
    mkdirSync(many);
    for (let i = 0; i < MAX_DIRECTORY_ENTRIES + 3; i++)
      writeFileSync(join(many, `f${String(i).padStart(5, '0')}.png`), '');
    // Counting the comparisons shows whether the whole folder was sorted or only the kept names.
    const compare = vi.spyOn(String.prototype, 'localeCompare');
    const listing = listDirectory(many);
    const comparisons = compare.mock.calls.length;
    compare.mockRestore();
    expect(listing.entries).toHaveLength(MAX_DIRECTORY_ENTRIES);
    expect(listing.omitted).toBe(3);
    const names = listing.entries.map((e) => e.name);
    expect(names).toEqual([...names].sort());
    const small = listDirectory(many, { maxEntries: 2 }).entries.map((e) => e.name);
    expect(small).toHaveLength(2);
    expect(small[0] < small[1]).toBe(true);
    // Sorting 5,003 names takes tens of thousands of comparisons; sorting 2 takes one.
    expect(comparisons).toBeGreaterThan(0);
    const compareSmall = vi.spyOn(String.prototype, 'localeCompare');
    listDirectory(many, { maxEntries: 2 });
    expect(compareSmall.mock.calls.length).toBeLessThanOrEqual(2);
    compareSmall.mockRestore();
  });

  it('reports names that are not UTF-8 instead of hiding them (issue 19 row 12)', () => {
    const folder = join(root, 'latin1');
    mkdirSync(folder);
    writeFileSync(join(folder, 'ok.png'), '');
    // "caf\xe9.png" in Latin-1: not UTF-8, so no JavaScript string names it.
    writeFileSync(
      Buffer.concat([Buffer.from(folder + '/caf'), Buffer.from([0xe9]), Buffer.from('.png')]),
      '',
    );
    const listing = listDirectory(folder);
    expect(listing.entries.map((e) => e.name)).toEqual(['ok.png']);
    expect(listing.undecodable).toEqual(['caf\\xe9.png']);
    expect(listing.omitted).toBe(1);
  });

  it('refuses a path with a NUL as a bad request (400), not a conflict', () => {
    const error = refused(() => listDirectory(`${root}\0/etc`));
    expect(error.code).toBe('bad-request');
  });
});
