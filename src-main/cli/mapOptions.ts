import { InvalidArgumentError, type Command } from 'commander';
import {
  ImageScoreSourceSchema,
  MapMethodSchema,
  MapNormalisationSchema,
  ResidualSchema,
  type ReconstructionSettings,
} from '../contract/index.ts';
import { integer, number } from './options.ts';

function oneOf<T extends string>(allowed: readonly T[]) {
  return (value: string): T => {
    if (!allowed.includes(value as T))
      throw new InvalidArgumentError(`"${value}" is not one of ${allowed.join(', ')}`);
    return value as T;
  };
}

export const parseMapMethod = oneOf(MapMethodSchema.options);
export const parseResidual = oneOf(ResidualSchema.options);
export const parseImageScore = oneOf(ImageScoreSourceSchema.options);
export const parseMapNormalisation = oneOf(MapNormalisationSchema.options);

/** A comma-separated list of noise levels, e.g. 50,100. */
export function parseNoiseLevels(value: string): number[] {
  return value.split(',').map((v) => integer(v.trim()));
}

/** The map method's options (issue 11), shared by the commands that make maps. */
export function mapMethodOptions(command: Command): Command {
  return command
    .option(
      '--map-method <how>',
      'reconstruction (default), stitch (AutoDDPM) or patches (pDDPM-style)',
      parseMapMethod,
    )
    .option('--patch-size <px>', 'patches: side of each re-synthesised patch (default 16)', integer)
    .option('--residual <how>', 'l1 (default) or l1-ssim', parseResidual)
    .option('--draws <n>', 'noise encoding: residuals averaged over n seeded draws', integer)
    .option(
      '--noise-levels <list>',
      'noise encoding: an ensemble, residuals averaged over these L (must include L), e.g. 50,100',
      parseNoiseLevels,
    )
    .option(
      '--map-normalisation <how>',
      "none, healthy-mean (minus the healthy residual's mean at each pixel) or healthy-ratio (over it); needs the models' healthy-residual.json",
      parseMapNormalisation,
    )
    .option('--resample-level <t>', 'stitch: re-noising timestep (default L)', integer)
    .option('--mask-dilation <px>', 'stitch: dilation of the coarse mask (default 2)', integer)
    .option('--mask-threshold <x>', 'stitch: cut-off of the first map (map units)', number)
    .option(
      '--image-score <how>',
      'map (default) or classifier (p(pathological | x_0))',
      parseImageScore,
    );
}

/** The settings the map method's options override (only those given). */
export function mapOverrides(o: Record<string, unknown>): Partial<ReconstructionSettings> {
  const given = {
    mapMethod: o.mapMethod,
    patchSize: o.patchSize,
    residual: o.residual,
    noiseDraws: o.draws,
    noiseLevels: o.noiseLevels,
    mapNormalisation: o.mapNormalisation,
    resampleLevel: o.resampleLevel,
    maskDilation: o.maskDilation,
    maskThreshold: o.maskThreshold,
    imageScore: o.imageScore,
  };
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
}
