/**
 * models/healthy-residual.json: the healthy residual (anomaly/healthyResidual.ts) of one diffusion
 * model under one set of map settings. It is only valid for maps made the same way, so it
 * records those settings and the model, and the engine refuses to normalise any other map.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { HealthyResidual } from './anomaly/healthyResidual.ts';
import type { Model } from './models.ts';
import { writeAtomically } from './tensorBundle.ts';
import type { ReconstructionSettings } from './types.ts';

export const HEALTHY_RESIDUAL_FILE = 'healthy-residual.json';

/** What a healthy residual is valid for: the model, the map settings and the smoothing. */
export interface HealthyResidualFile extends HealthyResidual {
  diffusion: string;
  settingsKey: string;
  settings: Record<string, unknown>;
  images: number;
  source: string;
}

const fileSchema = z.object({
  format: z.literal('anomap-healthy-residual'),
  formatVersion: z.literal(1),
  size: z.number().int().min(8).max(512),
  diffusion: z.string(),
  settingsKey: z.string(),
  settings: z.record(z.string(), z.unknown()),
  images: z.number().int().positive(),
  source: z.string(),
  medianSpread: z.number().nonnegative(),
  mean: z.array(z.number()),
  spread: z.array(z.number().nonnegative()),
  count: z.array(z.number().int().nonnegative()),
});

/** The diffusion model, named by its manifest (architecture, schedule, training record). */
export function diffusionFingerprint(diffusion: Model): string {
  const { architecture, schedule, training, preprocessing } = diffusion.manifest;
  return createHash('sha256')
    .update(JSON.stringify({ architecture, schedule, training, preprocessing }))
    .digest('hex')
    .slice(0, 16);
}

/** The settings that change the raw map (everything but the normalisation and the image score). */
export function rawMapSettings(
  settings: ReconstructionSettings,
  smoothingSigma: number,
): Record<string, unknown> {
  return {
    noiseLevel: settings.noiseLevel,
    noiseLevels: settings.noiseLevels ?? null,
    stride: settings.stride,
    guidanceScale: settings.guidanceScale,
    encoding: settings.encoding,
    seed: settings.seed ?? 0,
    mapMethod: settings.mapMethod ?? 'reconstruction',
    patchSize: settings.patchSize ?? null,
    residual: settings.residual ?? 'l1',
    noiseDraws: settings.noiseDraws ?? 1,
    resampleLevel: settings.resampleLevel ?? null,
    maskDilation: settings.maskDilation ?? null,
    maskThreshold: settings.maskThreshold ?? null,
    smoothingSigma,
  };
}

export function settingsKeyOf(settings: ReconstructionSettings, smoothingSigma: number): string {
  return JSON.stringify(rawMapSettings(settings, smoothingSigma));
}

export async function writeHealthyResidual(path: string, file: HealthyResidualFile): Promise<void> {
  const round = (values: ArrayLike<number>) => Array.from(values, (v) => Number(v.toPrecision(6)));
  const json = {
    format: 'anomap-healthy-residual',
    formatVersion: 1,
    size: file.size,
    diffusion: file.diffusion,
    settingsKey: file.settingsKey,
    settings: file.settings,
    images: file.images,
    source: file.source,
    medianSpread: file.medianSpread,
    mean: round(file.mean),
    spread: round(file.spread),
    count: Array.from(file.count),
  };
  await writeAtomically(path, JSON.stringify(json) + '\n');
}

/** Reads and checks a healthy-residual file (sizes agree, values finite). */
export async function readHealthyResidual(path: string): Promise<HealthyResidualFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: cannot read the healthy residual (${(error as Error).message})`, {
      cause: error,
    });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${path}: not a healthy residual (${issue?.path.join('.')}: ${issue?.message})`,
    );
  }
  const f = parsed.data;
  const pixels = f.size * f.size;
  if ([f.mean, f.spread, f.count].some((a) => a.length !== pixels))
    throw new Error(`${path}: mean, spread and count must each have ${pixels} values`);
  if (!f.mean.every(Number.isFinite))
    throw new Error(`${path}: the healthy mean has a value that is not finite`);
  return {
    ...f,
    mean: Float32Array.from(f.mean),
    spread: Float32Array.from(f.spread),
    count: Uint16Array.from(f.count),
  };
}

/**
 * The healthy residual for maps of these settings, or an error that says what differs: a map
 * made another way must not be normalised by it.
 */
export function checkedHealthyResidual(
  file: HealthyResidualFile | null,
  diffusion: Model,
  settings: ReconstructionSettings,
  smoothingSigma: number,
): HealthyResidualFile {
  if (!file)
    throw new Error(
      `mapNormalisation '${settings.mapNormalisation}' needs the models' ${HEALTHY_RESIDUAL_FILE} (made by 'anomap calibrate --healthy-residual')`,
    );
  if (file.diffusion !== diffusionFingerprint(diffusion))
    throw new Error(
      `${HEALTHY_RESIDUAL_FILE} was made with another diffusion model; run 'anomap calibrate --healthy-residual' again`,
    );
  const wanted = rawMapSettings(settings, smoothingSigma);
  const differs = Object.keys(wanted).filter(
    (key) => JSON.stringify(wanted[key]) !== JSON.stringify(file.settings[key]),
  );
  if (differs.length)
    throw new Error(
      `${HEALTHY_RESIDUAL_FILE} was made for other map settings (${differs
        .map((k) => `${k} ${JSON.stringify(file.settings[k])}, here ${JSON.stringify(wanted[k])}`)
        .join('; ')}); normalise only maps made as it was, or make it again for these`,
    );
  return file;
}
