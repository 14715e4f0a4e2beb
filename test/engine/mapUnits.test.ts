/** The evaluation's map units name the normalisation in the contract's one phrase for it. */
import { describe, expect, it } from 'vitest';
import {
  MAP_NORMALISATION_MEANING,
  MapNormalisationSchema,
  type ReconstructionSettings,
} from '../../src-main/contract/index.ts';
import { mapUnitsOf } from '../../src-main/engine/evaluate.ts';

const settings: ReconstructionSettings = {
  noiseLevel: 400,
  stride: 400,
  guidanceScale: 0,
  encoding: 'noise',
  residual: 'l1-ssim',
};

describe('mapUnitsOf', () => {
  it.each(MapNormalisationSchema.options.filter((how) => how !== 'none'))(
    'says what %s makes of the map',
    (how) => {
      const units = mapUnitsOf({ ...settings, mapNormalisation: how });
      expect(units).toContain(`, ${MAP_NORMALISATION_MEANING[how]};`);
      expect(units).toMatch(/lab F1 on map x 0\.5/);
    },
  );

  it('adds nothing for a raw map, and names its residual', () => {
    const raw = mapUnitsOf(settings);
    expect(raw).toBe(mapUnitsOf({ ...settings, mapNormalisation: 'none' }));
    expect(raw).not.toContain(MAP_NORMALISATION_MEANING.none);
    expect(raw).toMatch(/^\|x - x_hat\| \(1 - local SSIM\)/);
    expect(mapUnitsOf({ ...settings, residual: 'l1' })).toMatch(
      /^\|x - x_hat\|, values in \[0, 2\]/,
    );
  });
});
