import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aboveThreshold } from '../../src-main/contract/index.ts';
import {
  calibrateImageScoreThreshold,
  calibrateOperatingPoints,
  imageOperatingPointFor,
} from '../../src-main/engine/operatingPoint.ts';
import { settingsFor } from '../../src-main/engine/pipeline.ts';
import { fallbackPreset, readPreset } from '../../src-main/engine/preset.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'anomap-operating-point-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the preset's image operating point for a run's settings", () => {
  const preset = {
    ...fallbackPreset,
    imageScoreThreshold: 0.42,
    noiseLevels: [200, 50],
    residual: 'l1' as const,
  };

  it("holds for the preset's own settings, arrays compared by value", () => {
    expect(imageOperatingPointFor(preset, settingsFor(preset))).toBe(0.42);
    expect(imageOperatingPointFor(preset, settingsFor(preset, { noiseLevels: [200, 50] }))).toBe(
      0.42,
    );
  });

  it('is none for any other setting, one the renderer does not show included', () => {
    expect(imageOperatingPointFor(preset, settingsFor(preset, { guidanceScale: 0 }))).toBeNull();
    expect(imageOperatingPointFor(preset, settingsFor(preset, { noiseLevels: [200] }))).toBeNull();
    expect(imageOperatingPointFor(preset, settingsFor(preset, { residual: 'l1-ssim' }))).toBeNull();
    expect(imageOperatingPointFor(preset, settingsFor(preset, { stride: preset.stride + 1 }))).toBe(
      null,
    );
  });
});

describe('the image operating point', () => {
  it('is the score that at most imageScoreFpr of the healthy images exceed', () => {
    const scores = Array.from({ length: 20 }, (_, i) => 0.1 + i / 100); // 0.10 .. 0.29
    // 5% of 20 images = 1 may exceed it: the second highest score.
    expect(calibrateImageScoreThreshold(scores, 0.05)).toBe(scores[18]);
    // 10% = 2: the third highest; under 5% of 15 images none may exceed it: the highest.
    expect(calibrateImageScoreThreshold(scores, 0.1)).toBe(scores[17]);
    expect(calibrateImageScoreThreshold(scores.slice(0, 15), 0.05)).toBe(scores[14]);
    for (const fpr of [0.05, 0.1, 0.25, 0.5]) {
      const point = calibrateImageScoreThreshold(scores, fpr);
      const above = scores.filter((s) => aboveThreshold(s, point)).length;
      expect(above).toBeLessThanOrEqual(Math.floor(fpr * scores.length));
      // ... and it is the smallest such value: any lower score would let one more exceed it.
      const lower = scores.filter((s) => s < point).at(-1)!;
      expect(scores.filter((s) => s > lower).length).toBeGreaterThan(fpr * scores.length);
    }
  });

  it('keeps float64 scores exact, so no healthy image rounds above its own threshold', () => {
    const scores = [0.1 + 1e-12, 0.29207752148310345, 0.2];
    const point = calibrateImageScoreThreshold(scores, 0.05);
    expect(point).toBe(0.29207752148310345);
    expect(scores.map((s) => aboveThreshold(s, point))).toEqual([false, false, false]);
  });

  it('refuses no images, non-finite scores and rates outside (0, 1)', () => {
    expect(() => calibrateImageScoreThreshold([], 0.05)).toThrow(/no healthy images/);
    expect(() => calibrateImageScoreThreshold([0.1, NaN], 0.05)).toThrow(/non-finite/);
    expect(() => calibrateImageScoreThreshold([0.1], 0)).toThrow(/imageScoreFpr must be in/);
  });

  it('is calibrated beside the pixel cut-off, each in its own units', () => {
    // Two healthy 10-pixel maps, all in the brain: pixel values 0..0.9 and 1..1.9; scores 0.3, 0.5.
    const map = (offset: number) => Float32Array.from({ length: 10 }, (_, i) => offset + i / 10);
    const brain = new Uint8Array(10).fill(1);
    const points = calibrateOperatingPoints(
      [
        { sliceMap: map(0), brainMask: brain, score: 0.3 },
        { sliceMap: map(1), brainMask: brain, score: 0.5 },
      ],
      { pixelFpr: 0.1, imageScoreFpr: 0.05 },
    );
    // 10% of 20 pixels = 2 above: the third highest pixel value, 1.7.
    expect(points.pixelThreshold).toBeCloseTo(1.7, 6);
    expect(points.imageScoreThreshold).toBe(0.5);
  });
});

describe('aboveThreshold', () => {
  it('is strictly greater, and null without a threshold', () => {
    expect([0.4, 0.5, 0.6].map((v) => aboveThreshold(v, 0.5))).toEqual([false, false, true]);
    expect(aboveThreshold(0.9, null)).toBeNull();
  });
});

describe('readPreset', () => {
  it('reads both operating points, their rates and the calibration set of the shipped preset', async () => {
    const preset = await readPreset(resolve(import.meta.dirname, '../../models/preset.json'));
    expect(preset.pixelThreshold).toBeGreaterThan(0);
    expect(preset.imageScoreThreshold).toBeGreaterThan(0);
    expect([preset.pixelFpr, preset.imageScoreFpr]).toEqual([0.05, 0.05]);
    expect(preset.calibrationSet).toMatch(/val split .* 15 healthy images/);
  });

  it("reads an old preset's unnamed threshold as the pixel cut-off, with no image operating point", async () => {
    const path = join(root, 'old-preset.json');
    const { pixelThreshold, pixelFpr, imageScoreThreshold, imageScoreFpr, calibrationSet, ...old } =
      fallbackPreset;
    void [pixelThreshold, pixelFpr, imageScoreThreshold, imageScoreFpr, calibrationSet];
    await writeFile(path, JSON.stringify({ ...old, threshold: 0.2, thresholdFpr: 0.1 }));
    const preset = await readPreset(path);
    expect(preset).toMatchObject({
      pixelThreshold: 0.2,
      pixelFpr: 0.1,
      imageScoreThreshold: null,
      calibrationSet: '',
    });
    expect(preset).not.toHaveProperty('threshold');
  });
});
