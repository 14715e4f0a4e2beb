/**
 * What is in the models folder: the manifests of the diffusion model and the classifier, their
 * preset and the model card. Plain files, read without loading TensorFlow.js.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InstalledModels } from '../contract/index.ts';

interface ManifestOnDisk {
  architecture?: { imageSize?: number };
  preprocessing?: { method?: string };
  training?: Record<string, unknown>;
  weights?: { sha256?: string };
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null; // a damaged file shows as "not installed", the engine says why when it loads
  }
}

export function readInstalledModels(dir: string): InstalledModels {
  const models: InstalledModels['models'] = [];
  for (const kind of ['diffusion', 'classifier'] as const) {
    const manifest = readJson(join(dir, kind, 'manifest.json')) as ManifestOnDisk | null;
    if (!manifest?.weights?.sha256 || !manifest.architecture?.imageSize) continue;
    models.push({
      kind,
      checksum: manifest.weights.sha256,
      imageSize: manifest.architecture.imageSize,
      preprocessing: manifest.preprocessing?.method ?? 'unknown',
      training: manifest.training ?? {},
    });
  }
  const cardPath = join(dir, 'README.md');
  const preset = readJson(join(dir, 'preset.json'));
  return {
    dir,
    card: existsSync(cardPath) ? readFileSync(cardPath, 'utf8') : null,
    preset:
      preset !== null && typeof preset === 'object' ? (preset as Record<string, unknown>) : null,
    models,
  };
}
