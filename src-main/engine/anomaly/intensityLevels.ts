import { otsuThreshold } from './otsuThreshold.ts';
import { sortedQuantile } from './quantile.ts';

/**
 * The intensity levels of a slice, from its sorted pixels. Otsu's threshold splits background
 * (air, noise, dark bone) from tissue; the background level is the median below it, so the noisy
 * air of fastMRI and the black air of IXI both sit at their own level and map to the same -1.
 */
export function intensityLevels(sorted: Float64Array): {
  otsu: number;
  background: number;
  /** The tissue pixels (above Otsu's threshold), sorted; all pixels if none is above. */
  tissue: Float64Array;
} {
  const otsu = otsuThreshold(sorted);
  const tissueStart = sorted.findIndex((value) => value > otsu);
  const belowCount = tissueStart < 0 ? sorted.length : tissueStart;
  const background = sortedQuantile(sorted.subarray(0, Math.max(1, belowCount)), 0.5);
  const tissue = tissueStart < 0 ? sorted : sorted.subarray(tissueStart);
  return { otsu, background, tissue };
}
