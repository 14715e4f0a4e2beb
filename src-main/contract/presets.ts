/**
 * Reconstruction presets, as data (ALGORITHM.md: L in 100..500, s in 0..200, k in 1..25).
 * Faster presets take bigger DDIM strides; every preset is stored with its result as settings.
 * Each is whole in what the encoding allows: one guided reconstruction of one draw, since the
 * models' own preset may average noise draws or re-synthesise patches, and those need the
 * stochastic encoding, and without the models' healthy-residual normalisation, which holds only
 * for maps made as the models' preset makes them (the models' residual and image score apply).
 */
import type { z } from 'zod';
import type { PresetNameSchema, ReconstructionSettingsSchema } from './schemas.ts';

type PresetName = z.infer<typeof PresetNameSchema>;
type Settings = z.infer<typeof ReconstructionSettingsSchema>;

const deterministic = {
  encoding: 'ddim',
  mapMethod: 'reconstruction',
  noiseDraws: 1,
  // The raw map: the healthy residual holds only for maps made as the models' preset makes them.
  mapNormalisation: 'none',
} as const;

export const RECONSTRUCTION_PRESETS: Readonly<Record<PresetName, Settings>> = {
  // One noise level each (noiseLevels set, so no ensemble of the models' preset carries over).
  fast: { noiseLevel: 250, noiseLevels: [250], stride: 25, guidanceScale: 100, ...deterministic },
  balanced: {
    noiseLevel: 400,
    noiseLevels: [400],
    stride: 10,
    guidanceScale: 100,
    ...deterministic,
  },
  quality: { noiseLevel: 500, noiseLevels: [500], stride: 5, guidanceScale: 100, ...deterministic },
};
