import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ReconstructionSettingsSchema } from '../contract/schemas.ts';
import type { ReconstructionSettings } from './types.ts';

/** The settings of the map method, as the contract defines them; all optional. */
export const mapSettingsShape = ReconstructionSettingsSchema.pick({
  mapMethod: true,
  residual: true,
  noiseDraws: true,
  resampleLevel: true,
  maskDilation: true,
  maskThreshold: true,
  imageScore: true,
}).shape;

/** A named operating point: every setting that changes a map, stored with each result. */
export const presetSchema = z.object({
  name: z.string(),
  imageSize: z.number().int(),
  noiseLevel: z.number().int().min(1).max(999),
  stride: z.number().int().min(1),
  guidanceScale: z.number().min(0),
  encoding: z.enum(['ddim', 'noise']),
  seed: z.number().int().default(0),
  /** Gaussian sigma (pixels of the S x S grid) applied to |x - x_hat|; 0 = none. */
  smoothingSigma: z.number().min(0),
  /** Image score = mean of this top fraction of map values inside the brain. */
  scoreTopFraction: z.number().gt(0).max(1),
  /** Binary maps: map > threshold; calibrated on healthy validation images at `thresholdFpr`. */
  threshold: z.number().nullable(),
  thresholdFpr: z.number().gt(0).lt(1).default(0.05),
  /** How the preset was chosen (sweep, data), for the model card. */
  chosenBy: z.string().default(''),
  /** The map method and its settings (absent: the guided reconstruction's L1 residual). */
  ...mapSettingsShape,
});
export type Preset = z.infer<typeof presetSchema>;

/** The operating point used when no sweep has chosen one (stochastic encoding, ALGORITHM.md). */
export const fallbackPreset: Preset = {
  name: 'default',
  imageSize: 64,
  noiseLevel: 200,
  stride: 10,
  guidanceScale: 50,
  encoding: 'noise',
  seed: 0,
  smoothingSigma: 1,
  scoreTopFraction: 0.01,
  threshold: null,
  thresholdFpr: 0.05,
  chosenBy: 'not chosen by a sweep',
};

export async function readPreset(path: string): Promise<Preset> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: cannot read the preset (${(error as Error).message})`, {
      cause: error,
    });
  }
  const parsed = presetSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: not a valid preset (${issue?.path.join('.')}: ${issue?.message})`);
  }
  return parsed.data;
}

/** The preset's map settings that are set, to spread into a reconstruction's settings. */
export function mapSettingsOf(preset: Preset): Partial<ReconstructionSettings> {
  const keys = Object.keys(mapSettingsShape) as (keyof typeof mapSettingsShape)[];
  return Object.fromEntries(
    keys.filter((key) => preset[key] !== undefined).map((key) => [key, preset[key]]),
  );
}
