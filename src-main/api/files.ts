/**
 * Bytes a door serves from the library folder: stored images by hash and exported reports by
 * name. Every name is checked against a strict pattern, so no path can leave its folder.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, ImageHashSchema, encodePixels } from '../contract/index.ts';
import type { Library } from '../library/index.ts';

/** Folder (inside the library) where exportReport writes its files. */
export function exportsDir(library: Library): string {
  return join(library.dir, 'exports');
}

function checkHash(hash: string): string {
  const parsed = ImageHashSchema.safeParse(hash);
  if (!parsed.success) throw new ApiError('bad-request', `not an image hash: ${hash.slice(0, 80)}`);
  return parsed.data;
}

/** The stored PNG of an image, as written (8- or 16-bit grayscale). */
export function readImagePng(library: Library, hash: string): Buffer {
  const checked = checkHash(hash);
  if (!library.store.has(checked)) throw new ApiError('not-found', `no stored image ${checked}`);
  return library.store.readPng(checked);
}

/** The stored image's pixels at full bit depth, in the contract's raw layout (pixels.ts). */
export async function readImagePixels(library: Library, hash: string): Promise<Uint8Array> {
  const checked = checkHash(hash);
  if (!library.store.has(checked)) throw new ApiError('not-found', `no stored image ${checked}`);
  const image = await library.store.get(checked);
  return encodePixels(image);
}

const EXPORT_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

/**
 * An exported file by its path inside the exports folder (`run-3/report.csv`): a few segments
 * of plain names; separators other than `/`, `..` and absolute paths are refused.
 */
export function readExportFile(library: Library, name: string): Buffer {
  const segments = name.split('/');
  const safe =
    segments.length <= 3 &&
    segments.every((segment) => EXPORT_SEGMENT.test(segment) && !segment.includes('..'));
  if (!safe) throw new ApiError('bad-request', `not an export file name: ${name.slice(0, 80)}`);
  const path = join(exportsDir(library), ...segments);
  if (!existsSync(path) || !statSync(path).isFile())
    throw new ApiError('not-found', `no export ${name}`);
  return readFileSync(path);
}
