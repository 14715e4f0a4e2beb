import { InvalidArgumentError, type Command } from 'commander';
import {
  ImageScoreSourceSchema,
  MapMethodSchema,
  MAP_NORMALISATION_MEANING,
  MapNormalisationSchema,
  ReconstructionSettingsSchema,
  ResidualSchema,
} from '../contract/index.ts';
import type { ReconstructionSettings } from '../engine/index.ts';
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
      'reconstruction, stitch (AutoDDPM) or patches (pDDPM-style); overrides the preset',
      parseMapMethod,
    )
    .option('--patch-size <px>', 'patches: side of each re-synthesised patch (default 16)', integer)
    .option(
      '--residual <how>',
      'l1 (|x - x_hat|) or l1-ssim (|x - x_hat| (1 - local SSIM)); overrides the preset',
      parseResidual,
    )
    .option(
      '--draws <n>',
      'noise encoding: residuals averaged over n seeded draws; overrides the preset',
      integer,
    )
    .option(
      '--noise-levels <list>',
      'noise encoding: an ensemble, residuals averaged over these L (must include L), e.g. 50,100; overrides the preset',
      parseNoiseLevels,
    )
    .option(
      '--map-normalisation <how>',
      `${MapNormalisationSchema.options.map((how) => `${how}: ${MAP_NORMALISATION_MEANING[how]}`).join('; ')}. All but none need the models' healthy-residual.json; overrides the preset`,
      parseMapNormalisation,
    )
    .option('--resample-level <t>', 'stitch: re-noising timestep (default L)', integer)
    .option('--mask-dilation <px>', 'stitch: dilation of the coarse mask (default 2)', integer)
    .option('--mask-threshold <x>', 'stitch: cut-off of the first map (map units)', number)
    .option(
      '--image-score <how>',
      'map (mean of the top map values in the brain) or classifier (p(pathological | x_0)); overrides the preset',
      parseImageScore,
    );
}

/** Each reconstruction setting and the option that sets it, in the CLI's words. */
const OPTION_OF: Record<keyof ReconstructionSettings, { key: string; flag: string } | undefined> = {
  noiseLevel: { key: 'noiseLevel', flag: '--noise-level' },
  stride: { key: 'stride', flag: '--stride' },
  guidanceScale: { key: 'scale', flag: '--scale' },
  encoding: { key: 'encoding', flag: '--encoding' },
  seed: undefined,
  mapMethod: { key: 'mapMethod', flag: '--map-method' },
  patchSize: { key: 'patchSize', flag: '--patch-size' },
  residual: { key: 'residual', flag: '--residual' },
  noiseDraws: { key: 'draws', flag: '--draws' },
  noiseLevels: { key: 'noiseLevels', flag: '--noise-levels' },
  mapNormalisation: { key: 'mapNormalisation', flag: '--map-normalisation' },
  resampleLevel: { key: 'resampleLevel', flag: '--resample-level' },
  maskDilation: { key: 'maskDilation', flag: '--mask-dilation' },
  maskThreshold: { key: 'maskThreshold', flag: '--mask-threshold' },
  imageScore: { key: 'imageScore', flag: '--image-score' },
};

/** The api's own schema of reconstruction settings, every field optional: the CLI's overrides. */
const OverridesSchema = ReconstructionSettingsSchema.partial();

/**
 * The settings the options override (only those given), checked by the schema the api checks a
 * job's settings with, so both doors refuse the same values (`--scale -1e308`, `--draws 1e9`);
 * a refusal names the option.
 */
export function settingsOverrides(o: Record<string, unknown>): Partial<ReconstructionSettings> {
  const given = Object.fromEntries(
    Object.entries(OPTION_OF)
      .filter(([, option]) => option !== undefined && o[option.key] !== undefined)
      .map(([setting, option]) => [setting, o[option!.key]]),
  );
  const parsed = OverridesSchema.safeParse(given);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const setting = issue.path[0] as keyof ReconstructionSettings;
  const option = OPTION_OF[setting];
  throw new InvalidArgumentError(
    `${option?.flag ?? String(setting)} ${JSON.stringify(given[setting])}: ${issue.message}`,
  );
}
