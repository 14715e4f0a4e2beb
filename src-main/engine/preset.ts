import { readModelFile } from './modelFiles.ts';
import { z } from 'zod';
import { ReconstructionSettingsSchema } from '../contract/schemas.ts';
import { VerdictPerformanceSchema } from '../contract/verdictPerformance.ts';
import type { ReconstructionSettings } from './types.ts';

/** The settings of the map method, as the contract defines them; all optional. */
export const mapSettingsShape = ReconstructionSettingsSchema.pick({
  mapMethod: true,
  patchSize: true,
  residual: true,
  noiseDraws: true,
  noiseLevels: true,
  mapNormalisation: true,
  resampleLevel: true,
  maskDilation: true,
  maskThreshold: true,
  imageScore: true,
}).shape;

/**
 * A preset saved before thresholds carried their unit: its one `threshold` was the pixel cut-off
 * (map value marking `thresholdFpr` of healthy brain pixels), never an image operating point.
 * It is read as that pixel cut-off, with no image operating point (so no image verdict).
 */
function fromUnnamedThreshold(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || !('threshold' in raw)) return raw;
  const { threshold, thresholdFpr, ...rest } = raw as Record<string, unknown>;
  return { pixelThreshold: threshold, pixelFpr: thresholdFpr, ...rest };
}

const falsePositiveRate = z.number().gt(0).lt(1).default(0.05);

const { noiseLevel, stride, guidanceScale, encoding, seed } = ReconstructionSettingsSchema.shape;

/** A named operating point: every setting that changes a map, stored with each result. */
export const presetSchema = z.preprocess(
  fromUnnamedThreshold,
  z.object({
    name: z.string(),
    imageSize: z.number().int(),
    noiseLevel,
    stride,
    guidanceScale,
    encoding,
    seed: seed.unwrap().default(0),
    /** Gaussian sigma (pixels of the S x S grid) applied to |x - x_hat|; 0 = none. */
    smoothingSigma: z.number().min(0),
    /** Image score = mean of this top fraction of map values inside the brain. */
    scoreTopFraction: z.number().gt(0).max(1),
    /**
     * The pixel cut-off, in map units (|x - x_hat| on the [-1, 1] scale, smoothed): binary maps
     * and the overlay mark `map value > pixelThreshold`. Calibrated on the healthy images of
     * `calibrationSet` so that at most `pixelFpr` of their brain pixels are marked.
     */
    pixelThreshold: z.number().nullable().default(null),
    pixelFpr: falsePositiveRate,
    /**
     * The image operating point, in image-score units (mean of the top `scoreTopFraction` of the
     * map): an image is called pathological when `score > imageScoreThreshold`. Calibrated on
     * the healthy images of `calibrationSet` so that at most `imageScoreFpr` of them exceed it.
     */
    imageScoreThreshold: z.number().nullable().default(null),
    imageScoreFpr: falsePositiveRate,
    /** The healthy images both thresholds were calibrated on, e.g. "brain-mid val (15 healthy)". */
    calibrationSet: z.string().default(''),
    /** How the preset was chosen (sweep, data), for the model card. */
    chosenBy: z.string().default(''),
    /** How often the image verdict is right at the operating point, with intervals; optional. */
    verdictPerformance: VerdictPerformanceSchema.optional(),
    /** The map method and its settings (absent: the guided reconstruction's L1 residual). */
    ...mapSettingsShape,
  }),
);
export type Preset = z.output<typeof presetSchema>;

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
  pixelThreshold: null,
  pixelFpr: 0.05,
  imageScoreThreshold: null,
  imageScoreFpr: 0.05,
  calibrationSet: '',
  chosenBy: 'not chosen by a sweep',
};

export async function readPreset(path: string): Promise<Preset> {
  let raw: unknown;
  try {
    raw = JSON.parse((await readModelFile(path)).toString('utf8'));
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
