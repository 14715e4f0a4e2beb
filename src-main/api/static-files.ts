/**
 * Serving the built renderer (dist/renderer): only files inside that folder, never a path
 * that climbs out of it, whatever the encoding.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  { kind: 'file'; path: string } | { kind: 'refused' } | { kind: 'missing' };

/**
 * Maps a URL path to a file under `root`. Encoded dots and slashes, backslashes, NUL bytes and
 * symbolic links that lead out of the folder are refused; a path without an extension falls
 * back to index.html (the renderer routes itself).
 */
export function lookupStatic(root: string, urlPath: string): StaticLookup {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'refused' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'refused' };
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '..' || segment === '.')) return { kind: 'refused' };
  const base = resolve(root);
  const candidate = resolve(base, ...segments);
  if (candidate !== base && !candidate.startsWith(base + sep)) return { kind: 'refused' };
  const path = segments.length === 0 ? join(base, 'index.html') : candidate;
  if (existsSync(path) && statSync(path).isFile()) {
    const real = realpathSync(path);
    const realBase = realpathSync(base);
    if (!real.startsWith(realBase + sep)) return { kind: 'refused' };
    return { kind: 'file', path: real };
  }
  const index = join(base, 'index.html');
  if (extname(decoded) === '' && existsSync(index)) return { kind: 'file', path: index };
  return { kind: 'missing' };
}

export function readStatic(path: string): Buffer {
  return readFileSync(path);
}
