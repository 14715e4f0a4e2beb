/**
 * What is in the models folder: the manifests of the diffusion model and the classifier, their
 * preset and the model card. Plain files, read without loading TensorFlow.js, each as the
 * import reads a file: regular files only (a README.md that links to /dev/zero or a FIFO is
 * refused, never read), under a size cap. A file that is there but cannot be used is a clear
 * error naming it (conflict, 409), never a 500.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { ApiError } from '../contract/index.ts';
import type { InstalledModels } from '../contract/index.ts';
import { printable, readFileForImport, reasonOf } from '../files/importError.ts';

/** Largest manifest, preset or model card read (a manifest lists every tensor: a few hundred kB). */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** The manifest fields shown here; the engine checks the rest when it loads the model. */
const ManifestSchema = z.object({
  architecture: z.object({ imageSize: z.number().int().positive() }),
  preprocessing: z.object({ method: z.string() }).partial().optional(),
  training: z.record(z.string(), z.unknown()).optional(),
  weights: z.object({ sha256: z.string().min(1) }),
});

function unusable(path: string, reason: string): ApiError {
  return new ApiError('conflict', `${printable(path)}: ${printable(reason)}`);
}

/** The file's text, or null when there is no such file. */
async function readText(path: string): Promise<string | null> {
  try {
    return (await readFileForImport(path, { maxBytes: MAX_FILE_BYTES })).toString('utf8');
  } catch (error) {
    if (/: ENOENT$/.test(reasonOf(error))) return null;
    throw unusable(path, reasonOf(error));
  }
}

async function readJson(path: string): Promise<unknown> {
  const text = await readText(path);
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw unusable(path, `not valid JSON (${(error as Error).message})`);
  }
}

export async function readInstalledModels(dir: string): Promise<InstalledModels> {
  const models: InstalledModels['models'] = [];
  for (const kind of ['diffusion', 'classifier'] as const) {
    const path = join(dir, kind, 'manifest.json');
    const raw = await readJson(path);
    if (raw === null) continue;
    const parsed = ManifestSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw unusable(path, `not a model manifest (${issue.path.join('.')}: ${issue.message})`);
    }
    const manifest = parsed.data;
    models.push({
      kind,
      checksum: manifest.weights.sha256,
      imageSize: manifest.architecture.imageSize,
      preprocessing: manifest.preprocessing?.method ?? 'unknown',
      training: manifest.training ?? {},
    });
  }
  const preset = await readJson(join(dir, 'preset.json'));
  return {
    dir,
    card: await readText(join(dir, 'README.md')),
    preset:
      preset !== null && typeof preset === 'object' && !Array.isArray(preset)
        ? (preset as Record<string, unknown>)
        : null,
    models,
  };
}
