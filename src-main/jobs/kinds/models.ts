/**
 * The models a job uses, registered in the library by their weights' checksum, so every run
 * names exactly the weights that made its maps.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Library } from '../../library/index.ts';

interface ManifestOnDisk {
  kind: string;
  weights: { sha256: string };
}

export function registerModels(library: Library, modelsDir: string): number[] {
  const ids: number[] = [];
  for (const kind of ['diffusion', 'classifier']) {
    const file = join(modelsDir, kind, 'manifest.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as ManifestOnDisk &
      Record<string, unknown>;
    const model = library.registerModel({
      name: `${basename(modelsDir)}/${kind}`,
      version: manifest.weights.sha256.slice(0, 12),
      kind: manifest.kind,
      checksum: manifest.weights.sha256,
      manifest,
    });
    ids.push(model.id);
  }
  return ids;
}
