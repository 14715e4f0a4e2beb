/**
 * The models a job uses, registered in the library by their weights' checksum, so every run
 * names exactly the weights that made its maps.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Library, ModelInput } from '../../library/index.ts';

interface ManifestOnDisk {
  kind: string;
  weights: { sha256: string };
}

export function registerModels(library: Library, modelsDir: string): number[] {
  return modelInputs(modelsDir).map((input) => library.registerModel(input).id);
}

/** The models of a models folder as the library registers them (a cohort run records them). */
export function modelInputs(modelsDir: string): ModelInput[] {
  const inputs: ModelInput[] = [];
  for (const kind of ['diffusion', 'classifier']) {
    const file = join(modelsDir, kind, 'manifest.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as ManifestOnDisk &
      Record<string, unknown>;
    inputs.push({
      name: `${basename(modelsDir)}/${kind}`,
      version: manifest.weights.sha256.slice(0, 12),
      kind: manifest.kind,
      checksum: manifest.weights.sha256,
      manifest,
    });
  }
  return inputs;
}
