import { describe, expect, it } from 'vitest';
import {
  MIN_HEALTHY_IMAGES_PER_PIXEL,
  estimateHealthyResidual,
  normaliseMap,
} from '../../../src-main/engine/anomaly/healthyResidual.ts';

const size = 4;
/** Image i has value (k + 1) * (1 + i) at pixel k; pixel 15 is in the brain of 3 images only. */
function healthyMaps(images: number) {
  const maps = Array.from({ length: images }, (_, i) =>
    Float32Array.from({ length: 16 }, (_, k) => (k + 1) * (1 + i)),
  );
  const masks = Array.from({ length: images }, (_, i) =>
    Uint8Array.from({ length: 16 }, (_, k) => (k === 15 && i >= 3 ? 0 : 1)),
  );
  return { maps, masks };
}

describe('the healthy residual', () => {
  it('is the per-pixel mean and sample spread over the images with brain there', () => {
    const n = 12;
    const { maps, masks } = healthyMaps(n);
    const healthy = estimateHealthyResidual(maps, masks, size);
    // Over i = 0..n-1 the factor (1 + i) has mean (n + 1) / 2 and variance n (n + 1) / 12.
    const meanFactor = (n + 1) / 2;
    const spreadFactor = Math.sqrt((n * (n + 1)) / 12);
    for (let k = 0; k < 15; k++) {
      expect(healthy.mean[k]).toBeCloseTo((k + 1) * meanFactor, 4);
      expect(healthy.spread[k]).toBeCloseTo((k + 1) * spreadFactor, 3);
      expect(healthy.count[k]).toBe(n);
    }
    // Pixel 15 was seen 3 times (< MIN): it takes the medians of the other pixels.
    expect(3).toBeLessThan(MIN_HEALTHY_IMAGES_PER_PIXEL);
    expect(healthy.count[15]).toBe(3);
    expect(healthy.mean[15]).toBeCloseTo(8 * meanFactor, 4);
    expect(healthy.medianSpread).toBeCloseTo(8 * spreadFactor, 3);
  });

  it('normalises a map: minus the mean clipped at 0, over the mean plus half the median spread, or z-scored', () => {
    const { maps, masks } = healthyMaps(12);
    const healthy = estimateHealthyResidual(maps, masks, size);
    const map = Float32Array.from({ length: 16 }, (_, k) => (k % 2 ? 100 : 1));
    const brain = Uint8Array.from({ length: 16 }, (_, k) => (k === 0 ? 0 : 1));
    const minus = normaliseMap(map, brain, healthy, 'healthy-mean');
    const ratio = normaliseMap(map, brain, healthy, 'healthy-ratio');
    const z = normaliseMap(map, brain, healthy, 'healthy-z');
    expect(minus[0]).toBe(0);
    expect(ratio[0]).toBe(0);
    expect(z[0]).toBe(0);
    for (let k = 1; k < 16; k++) {
      expect(minus[k]).toBeCloseTo(Math.max(0, map[k] - healthy.mean[k]), 4);
      expect(ratio[k]).toBeCloseTo(map[k] / (healthy.mean[k] + healthy.medianSpread / 2), 5);
      const sd = Math.max(healthy.spread[k], healthy.medianSpread / 2);
      expect(z[k]).toBeCloseTo(Math.max(0, (map[k] - healthy.mean[k]) / sd), 4);
    }
    // The spread's floor: a pixel whose healthy maps never vary is divided by half the median.
    const flat = { ...healthy, spread: healthy.spread.map((v, k) => (k === 5 ? 0 : v)) };
    const atFloor = normaliseMap(map, brain, flat, 'healthy-z');
    expect(atFloor[5]).toBeCloseTo((map[5] - healthy.mean[5]) / (healthy.medianSpread / 2), 3);
    // At most the map minus the mean over the floor, and 0 where the map is below the mean.
    const low = normaliseMap(
      map.map(() => 0),
      brain,
      healthy,
      'healthy-z',
    );
    expect(Math.max(...low)).toBe(0);
    expect(normaliseMap(map, brain, healthy, 'none')).toBe(map);
    expect(() => normaliseMap(new Float32Array(9), brain, healthy, 'healthy-mean')).toThrow(
      /9 pixels, the healthy residual 4 x 4/,
    );
  });

  it('refuses too few images', () => {
    const { maps, masks } = healthyMaps(5);
    expect(() => estimateHealthyResidual(maps, masks, size)).toThrow(
      /no pixel lies in the brain of 10/,
    );
  });
});
