/**
 * Bytes a door serves from the library folder: stored images by hash and exported reports by
 * name. Every name is checked against a strict pattern, so no path can leave its folder.
 */
import { existsSync, readFileSync } from 'node:fs';
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

const EXPORT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

/** An exported report by its file name; names with separators or `..` are refused. */
export function readExportFile(library: Library, fileName: string): Buffer {
  if (!EXPORT_NAME.test(fileName) || fileName.includes('..')) {
    throw new ApiError('bad-request', `not an export file name: ${fileName.slice(0, 80)}`);
  }
  const path = join(exportsDir(library), fileName);
  if (!existsSync(path)) throw new ApiError('not-found', `no export ${fileName}`);
  return readFileSync(path);
}
