import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

  it(`caps the entries at ${MAX_DIRECTORY_ENTRIES} and counts the rest`, () => {
    const many = join(root, 'many');
    mkdirSync(many);
    for (let i = 0; i < MAX_DIRECTORY_ENTRIES + 3; i++)
      writeFileSync(join(many, `f${String(i).padStart(5, '0')}.png`), '');
    const listing = listDirectory(many);
    expect(listing.entries).toHaveLength(MAX_DIRECTORY_ENTRIES);
    expect(listing.omitted).toBe(3);
    expect(listing.entries.at(-1)?.name).toBe('f04999.png');
    expect(listDirectory(many, { maxEntries: 2 }).entries.map((e) => e.name)).toEqual([
      'f00000.png',
      'f00001.png',
    ]);
  });
});
