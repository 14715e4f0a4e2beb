import { describe, expect, it } from 'vitest';
import {
  imageScoreName,
  mapLabel,
  mapMeaning,
  scoreAgainstPoint,
  scoreMeaning,
  verdictPerformanceLine,
} from '../../../../src-renderer/components/ai/imageScoreWords.ts';

describe("the map's units, read from the settings that made it", () => {
  it('names a map divided by, or minus, the healthy residual, and the plain residual otherwise', () => {
    expect(mapLabel({ mapNormalisation: 'healthy-ratio' })).toBe('map ÷ healthy residual');
    expect(mapMeaning({ mapNormalisation: 'healthy-ratio' })).toContain('2 = twice as much');
    expect(mapLabel({ mapNormalisation: 'healthy-mean' })).toBe('map − healthy residual');
    expect(mapLabel({ mapNormalisation: 'healthy-z' })).toBe('map, healthy SDs above usual');
    expect(mapMeaning({ mapNormalisation: 'healthy-z' })).toContain(
      '3 = three standard deviations',
    );
    // Stored settings of another or no normalisation read as the raw map, prototype names too.
    for (const how of [undefined, 'constructor', 'toString', 'someday-new'])
      expect(mapLabel({ mapNormalisation: how })).toBe('map |x − x̂|');
    for (const settings of [{ mapNormalisation: 'none' }, {}, null])
      expect(mapLabel(settings)).toBe('map |x − x̂|');
    expect(mapMeaning({})).toContain('0 = identical, 2 = black against white');
  });
});

describe('what the image score is, read from the settings that made it', () => {
  it("calls a classifier score the classifier's p(pathological), never a map mean", () => {
    const settings = { imageScore: 'classifier', scoreTopFraction: 0.01 };
    expect(imageScoreName(settings)).toBe('Classifier p(pathological)');
    expect(scoreMeaning(settings)).toContain('p(pathological | x₀)');
    expect(scoreMeaning(settings)).not.toContain('top 1 %');
    expect(mapMeaning(settings)).toContain("classifier's p(pathological)");
  });

  it('calls a map score the mean of its top fraction (runs made before imageScore existed)', () => {
    expect(imageScoreName({ scoreTopFraction: 0.01 })).toBe('Map score');
    expect(scoreMeaning({ scoreTopFraction: 0.01 })).toContain('the top 1 % of values');
    expect(scoreMeaning({ imageScore: 'map' })).toContain('Not a probability');
  });

  it('prints the score and the operating point with enough decimals to tell them apart', () => {
    expect(scoreAgainstPoint(0.99612, 0.99604)).toBe('0.9961 > 0.9960');
    expect(scoreAgainstPoint(0.4, 0.5)).toBe('0.400 ≤ 0.500');
    expect(scoreAgainstPoint(0.5, 0.5)).toBe('0.500 ≤ 0.500');
  });

  it('says when the verdict sensitivity has not been measured', () => {
    expect(verdictPerformanceLine(null)).toMatch(
      /sensitivity and specificity .* not been measured/,
    );
  });
});
