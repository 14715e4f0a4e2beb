import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of Anomap's package.json, found from this file (works from src-main and from dist). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'anomap'
    )
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the anomap package folder');
    dir = parent;
  }
}

/** The shipped models (ANOMAP_MODELS overrides). */
export function defaultModelsDir(): string {
  return process.env.ANOMAP_MODELS ?? join(packageRoot(), 'models');
}
