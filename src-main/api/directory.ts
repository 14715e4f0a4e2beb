/**
 * One folder of this machine listed for the browser-mode import picker: its files and
 * subfolders (name, kind, size in bytes), hidden (dot) entries left out unless asked, at most
 * `maxEntries`. Only what the OS lets this user read is listed; nothing is opened or followed
 * beyond a stat, and a path that is not a folder is refused. A folder of 300,000 files is cut
 * to the cap before anything is sorted or stat'ed. A name that is not UTF-8 cannot be sent as a
 * path and picked, so it is reported (escaped) in `undecodable`, never silently dropped.
 */
import { readdirSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ApiError } from '../contract/index.ts';

/** Entries a listing returns at most; the rest are counted, not sent. */
export const MAX_DIRECTORY_ENTRIES = 5000;

export interface DirectoryEntry {
  name: string;
  kind: 'file' | 'dir';
  /** Bytes for a file; null for a folder. */
  sizeBytes: number | null;
}

export interface DirectoryListing {
  path: string;
  /** The folder above, or null at the root. */
  parent: string | null;
  entries: DirectoryEntry[];
  /** Entries left out past the cap. */
  omitted: number;
  /** Names that are not UTF-8, escaped (\xNN), so they cannot be picked (at most 100). */
  undecodable: string[];
}

const MAX_UNDECODABLE = 100;

/** A name's bytes as text when they are UTF-8, else null. */
function utf8Name(raw: Buffer): string | null {
  const name = raw.toString('utf8');
  return Buffer.from(name, 'utf8').equals(raw) ? name : null;
}

/** Bytes outside printable ASCII written as \xNN, for a name that is not UTF-8. */
function escapedName(raw: Buffer): string {
  return Array.from(raw, (byte) =>
    byte >= 0x20 && byte < 0x7f
      ? String.fromCharCode(byte)
      : `\\x${byte.toString(16).padStart(2, '0')}`,
  ).join('');
}

function refusal(path: string, error: unknown): ApiError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new ApiError('not-found', `no folder ${path}`);
  if (code === 'EACCES' || code === 'EPERM')
    return new ApiError('conflict', `cannot read the folder ${path}: permission denied`);
  if (code === 'ENOTDIR') return new ApiError('bad-request', `not a folder: ${path}`);
  return new ApiError('conflict', `cannot read the folder ${path}: ${String(code ?? error)}`);
}

/** An entry's kind and size through a symlink too; null when it cannot be stat'ed. */
function describe(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null; // a broken link or one the user may not stat: left out
  }
}

export function listDirectory(
  requested: string | undefined,
  options: { showHidden?: boolean; maxEntries?: number } = {},
): DirectoryListing {
  const maxEntries = options.maxEntries ?? MAX_DIRECTORY_ENTRIES;
  if (requested?.includes('\0'))
    throw new ApiError('bad-request', 'a path cannot hold a NUL character');
  if (requested !== undefined && !isAbsolute(requested))
    throw new ApiError('bad-request', `not an absolute path: ${requested.slice(0, 200)}`);
  const path = resolve(requested ?? homedir());
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw refusal(path, error);
  }
  if (!stats.isDirectory()) throw new ApiError('bad-request', `not a folder: ${path}`);
  let names: Buffer[];
  try {
    names = readdirSync(path, { encoding: 'buffer' });
  } catch (error) {
    throw refusal(path, error);
  }
  // The first maxEntries names as the folder gives them; the rest are only counted.
  const chosen: string[] = [];
  const undecodable: string[] = [];
  let visible = 0;
  for (const raw of names) {
    if (!options.showHidden && raw[0] === 0x2e) continue;
    visible++;
    const name = utf8Name(raw);
    if (name === null) {
      if (undecodable.length < MAX_UNDECODABLE) undecodable.push(escapedName(raw));
    } else if (chosen.length < maxEntries) chosen.push(name);
  }
  const entries: DirectoryEntry[] = [];
  for (const name of chosen.sort((a, b) => a.localeCompare(b))) {
    const entry = describe(join(path, name));
    if (!entry || !(entry.isDirectory() || entry.isFile())) continue;
    entries.push(
      entry.isDirectory()
        ? { name, kind: 'dir', sizeBytes: null }
        : { name, kind: 'file', sizeBytes: entry.size },
    );
  }
  entries.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'dir' ? -1 : 1));
  const parent = dirname(path);
  return {
    path,
    parent: parent === path ? null : parent,
    entries,
    omitted: visible - entries.length,
    undecodable,
  };
}
