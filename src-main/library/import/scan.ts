import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';

/** Files inside folders that are clearly not images are passed over, not reported as failures. */
const notImageExtensions = new Set([
  '.txt',
  '.md',
  '.csv',
  '.json',
  '.xml',
  '.html',
  '.pdf',
  '.log',
  '.py',
  '.ts',
  '.js',
]);

export interface ScannedPaths {
  files: string[];
  /** CSV manifests named directly on the command line. */
  manifests: string[];
  skipped: string[];
  missing: { path: string; reason: string }[];
}

/**
 * Expands the paths given to an import: folders are walked (sorted, hidden entries skipped),
 * a .csv named directly is a manifest; a .csv met inside a folder is not, since a dataset folder
 * usually holds its own manifest beside the images.
 */
export async function scanPaths(
  paths: readonly string[],
  options: { signal?: AbortSignal; exclude?: string } = {},
): Promise<ScannedPaths> {
  const result: ScannedPaths = { files: [], manifests: [], skipped: [], missing: [] };
  for (const given of paths) {
    const path = resolve(given);
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      result.missing.push({
        path,
        reason: `cannot open: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      });
      continue;
    }
    if (info.isDirectory()) await walk(path, result, options);
    else if (extname(path).toLowerCase() === '.csv') result.manifests.push(path);
    else result.files.push(path);
  }
  return result;
}

async function walk(
  folder: string,
  result: ScannedPaths,
  options: { signal?: AbortSignal; exclude?: string },
): Promise<void> {
  if (options.signal?.aborted) return;
  const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.name.startsWith('.')) result.skipped.push(path);
    // The library's own folder may sit inside a folder being imported; never import it.
    else if (path === options.exclude) continue;
    else if (entry.isDirectory()) await walk(path, result, options);
    else if (!entry.isFile()) result.skipped.push(path);
    else if (notImageExtensions.has(extname(entry.name).toLowerCase())) result.skipped.push(path);
    else result.files.push(path);
  }
}
