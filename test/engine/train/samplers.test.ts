import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resampleMaskToSlice } from '../../../src-main/engine/anomaly/preprocess.ts';
import { mulberry32 } from '../../../src-main/engine/random.ts';
import {
  applyAugmentation,
  applyAugmentationToMask,
  augmentSlice,
  drawAugmentation,
  lesionRegion,
} from '../../../src-main/engine/train/augment.ts';
import {
  prepareCases,
  readDatasetManifest,
  type PreparedCase,
} from '../../../src-main/engine/train/dataset.ts';
import { classifierSampler, diffusionSampler } from '../../../src-main/engine/train/samplers.ts';
import {
  SYNTHETIC_KINDS,
  syntheticAnomaly,
} from '../../../src-main/engine/train/syntheticAnomaly.ts';
import {
  writeSyntheticBrainDataset,
  type SyntheticDataset,
} from '../../fixtures/syntheticBrainDataset.ts';

const SIZE = 32;

/**
 * A stand-in case whose slice is one flat level inside a 24 x 24 square (background -1 around),
 * so that a drawn slice tells where it came from: IXI 0.0, healthy fastMRI 0.4, labelled 0.8.
 */
function flatCase(source: string, level: number): PreparedCase {
  const pixels = new Float32Array(SIZE * SIZE).fill(-1);
  for (let y = 4; y < 28; y++) for (let x = 4; x < 28; x++) pixels[y * SIZE + x] = level;
  return {
    case: {
      image: `${source}-${level}.png`,
      source,
      split: 'train',
      label: 'normal',
      findings: [],
      findingMasks: [],
      brainMask: null,
      healthyMask: null,
    },
    pixels,
    transform: {
      width: SIZE,
      height: SIZE,
      side: SIZE,
      offsetX: 0,
      offsetY: 0,
      size: SIZE,
      low: 0,
      high: 1,
    },
    findingMask: null,
    perFinding: [],
    healthyMask: null,
    brainMask: null,
  };
}

/** Median of the central 12 x 12 pixels: the slice's level, whatever the shift, flip or lesion. */
function centreLevel(slice: Float32Array): number {
  const values: number[] = [];
  for (let y = 10; y < 22; y++) for (let x = 10; x < 22; x++) values.push(slice[y * SIZE + x]);
  values.sort((a, b) => a - b);
  return values[values.length >> 1];
}

type Origin = 'IXI' | 'fastMRI' | 'labelled';
function origin(slice: Float32Array): Origin {
  const level = centreLevel(slice);
  return level < 0.15 ? 'IXI' : level < 0.58 ? 'fastMRI' : 'labelled';
}

const healthy = [
  flatCase('IXI', 0),
  flatCase('IXI', 0),
  flatCase('IXI', 0),
  flatCase('fastMRI', 0.4),
];
const pathological = [flatCase('fastMRI', 0.8)];

function draw(sampler: ReturnType<typeof classifierSampler>, batches: number, batchSize = 8) {
  const random = mulberry32(42);
  const out: { label: number; origin: Origin; slice: Float32Array }[] = [];
  for (let b = 0; b < batches; b++) {
    const batch = sampler(batchSize, random);
    batch.slices.forEach((slice, i) =>
      out.push({ label: batch.labels[i], origin: origin(slice), slice }),
    );
  }
  return out;
}

describe('classifierSampler', () => {
  it('draws exactly half positives in every batch', () => {
    const sampler = classifierSampler(healthy, pathological, SIZE, {
      ixiShare: 0.2,
      syntheticShare: 0.5,
    });
    const random = mulberry32(1);
    for (let b = 0; b < 20; b++) {
      const batch = sampler(8, random);
      expect(batch.slices).toHaveLength(8);
      expect(batch.labels.filter((l) => l === 1)).toHaveLength(4);
    }
    const odd = sampler(5, random);
    expect(odd.labels.filter((l) => l === 1).length).toBe(2);
  });

  it('takes the IXI share of the healthy draws it is given, not the share of the data', () => {
    for (const ixiShare of [0, 0.2, 0.7]) {
      const draws = draw(
        classifierSampler(healthy, pathological, SIZE, { ixiShare, syntheticShare: 0 }),
        150,
      );
      const negatives = draws.filter((d) => d.label === 0);
      const ixi = negatives.filter((d) => d.origin === 'IXI').length / negatives.length;
      expect(Math.abs(ixi - ixiShare)).toBeLessThan(0.05);
      expect(negatives.every((d) => d.origin !== 'labelled')).toBe(true);
      // Positives come from fastMRI only: the label must not follow the scanner.
      expect(draws.filter((d) => d.label === 1).every((d) => d.origin === 'labelled')).toBe(true);
    }
  });

  it('keeps the IXI share of the healthy class inside the pathological class too', () => {
    for (const [ixiShare, syntheticShare] of [
      [0.2, 0.5],
      [0.4, 0.8],
    ]) {
      const sampler = classifierSampler(healthy, pathological, SIZE, {
        ixiShare,
        syntheticShare,
        syntheticKinds: [...SYNTHETIC_KINDS],
      });
      const random = mulberry32(9);
      const tally = [
        { ixi: 0, all: 0 },
        { ixi: 0, all: 0 },
      ];
      for (let b = 0; b < 300; b++) {
        const batch = sampler(8, random);
        batch.labels.forEach((label, i) => {
          tally[label].all++;
          if (batch.sources![i] === 'IXI') tally[label].ixi++;
        });
      }
      for (const { ixi, all } of tally) expect(Math.abs(ixi / all - ixiShare)).toBeLessThan(0.04);
    }
  });

  it('makes the synthetic share of the positives from healthy slices, each with its mask', () => {
    const draws = draw(
      classifierSampler(healthy, pathological, SIZE, { ixiShare: 0.2, syntheticShare: 0.5 }),
      150,
    );
    const positives = draws.filter((d) => d.label === 1);
    const synthetic = positives.filter((d) => d.origin !== 'labelled');
    expect(Math.abs(synthetic.length / positives.length - 0.5)).toBeLessThan(0.05);
    // A synthetic positive differs from the flat healthy slice somewhere (the lesion).
    for (const d of synthetic.slice(0, 20)) {
      const level = centreLevel(d.slice);
      expect(d.slice.some((v) => v > -0.9 && Math.abs(v - level) > 0.2)).toBe(true);
    }
    const batch = classifierSampler(healthy, pathological, SIZE, {
      ixiShare: 0.2,
      syntheticShare: 1,
    })(8, mulberry32(2));
    batch.labels.forEach((label, i) =>
      expect(batch.masks![i] !== null, `draw ${i}`).toBe(label === 1),
    );
  });

  it('refuses to run without healthy images or without any source of positives', () => {
    expect(() =>
      classifierSampler([], pathological, SIZE, { ixiShare: 0.2, syntheticShare: 0.5 }),
    ).toThrow(/no healthy images/);
    expect(() =>
      classifierSampler(healthy, [], SIZE, { ixiShare: 0.2, syntheticShare: 0 }),
    ).toThrow(/no pathological images/);
  });
});

describe('diffusionSampler', () => {
  it('draws fastMRI at the set share, whatever its share of the data', () => {
    for (const share of [0.5, 0.9]) {
      const sampler = diffusionSampler(healthy, SIZE, share);
      const random = mulberry32(7);
      let fastMri = 0;
      let total = 0;
      for (let b = 0; b < 100; b++)
        for (const slice of sampler(8, random).slices) {
          total++;
          if (origin(slice) === 'fastMRI') fastMri++;
        }
      expect(Math.abs(fastMri / total - share)).toBeLessThan(0.05);
    }
  });
});

describe('augmentSlice', () => {
  it('keeps the background at -1 and intensities in [-1, 1]', () => {
    const random = mulberry32(3);
    const source = flatCase('IXI', 0.95).pixels;
    for (let i = 0; i < 50; i++) {
      const out = augmentSlice(source, SIZE, random);
      expect(out[0]).toBe(-1);
      expect(Math.max(...out)).toBeLessThanOrEqual(1);
      expect(Math.min(...out)).toBeGreaterThanOrEqual(-1);
    }
  });
});

/** The mask grown by one pixel: slice pixels at the brain's edge are partly brain. */
function partlyInside(mask: Uint8Array, size: number): Uint8Array {
  const out = mask.slice();
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (const [dy, dx] of [
        [0, 1],
        [0, -1],
        [1, 0],
        [-1, 0],
      ]) {
        const [yy, xx] = [y + dy, x + dx];
        if (yy >= 0 && yy < size && xx >= 0 && xx < size && mask[yy * size + xx])
          out[y * size + x] = 1;
      }
  return out;
}

describe('syntheticAnomaly', () => {
  let dir: string;
  let dataset: SyntheticDataset;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anomap-lesion-'));
    dataset = await writeSyntheticBrainDataset(dir);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const size of [32, 64])
    it(`changes exactly the masked pixels, all inside the brain, for every kind (${size} px)`, async () => {
      const cases = await prepareCases(
        (await readDatasetManifest(dataset.manifestPath)).slice(0, 6),
        size,
      );
      const random = mulberry32(5);
      const pasted = new Map<string, number>();
      const change = new Map<string, number>();
      for (const [i, prepared] of cases.entries()) {
        const brain = partlyInside(
          resampleMaskToSlice(
            dataset.cases[i].brain,
            dataset.width,
            dataset.height,
            prepared.transform,
          ),
          size,
        );
        const region = lesionRegion(prepared.pixels, size);
        const donor = cases[(i + 1) % cases.length].pixels;
        for (const kind of SYNTHETIC_KINDS)
          for (let k = 0; k < 10; k++) {
            const out = syntheticAnomaly(kind, prepared.pixels, size, region, random, donor);
            if (!out) continue;
            pasted.set(kind, (pasted.get(kind) ?? 0) + 1);
            const base = prepared.pixels;
            const changedOutsideMask = [...base.keys()].filter(
              (j) => out.pixels[j] !== base[j] && !out.mask[j],
            );
            expect(changedOutsideMask, `${kind} ${k} of case ${i}`).toEqual([]);
            expect(
              out.mask.every((m, j) => !m || (region[j] && brain[j])),
              kind,
            ).toBe(true);
            const inMask = [...base.keys()].filter((j) => out.mask[j]);
            expect(inMask.length, kind).toBeGreaterThan(0);
            // The change is real where the mask says so: on average over the mask, not a speck
            // (a deformation of flat tissue changes little, so that is checked per kind below).
            const meanChange =
              inMask.reduce((sum, j) => sum + Math.abs(out.pixels[j] - base[j]), 0) / inMask.length;
            expect(meanChange, `${kind} ${k} of case ${i}`).toBeGreaterThan(0);
            change.set(kind, (change.get(kind) ?? 0) + meanChange);
          }
      }
      for (const kind of SYNTHETIC_KINDS) {
        expect(pasted.get(kind), kind).toBeGreaterThan(30);
        expect(change.get(kind)! / pasted.get(kind)!, kind).toBeGreaterThan(0.02);
      }
    });

  it('keeps the mask pixel-exact through the augmentation', () => {
    const base = flatCase('fastMRI', 0.4).pixels;
    const region = lesionRegion(base, SIZE);
    const random = mulberry32(8);
    for (let k = 0; k < 20; k++) {
      const out = syntheticAnomaly('intensity', base, SIZE, region, random)!;
      const augmentation = { ...drawAugmentation(random), gain: 1 };
      const [a, b] = [base, out.pixels].map((p) => applyAugmentation(p, SIZE, augmentation));
      const mask = applyAugmentationToMask(out.mask, SIZE, augmentation);
      a.forEach((v, j) => {
        if (!mask[j]) expect(b[j]).toBe(v);
      });
      expect(mask.reduce((n, m) => n + m, 0)).toBeGreaterThan(0);
    }
  });

  it('returns null when the slice has too little tissue, and needs a donor for a patch', () => {
    const empty = new Float32Array(SIZE * SIZE).fill(-1);
    const all = new Uint8Array(SIZE * SIZE).fill(1);
    expect(syntheticAnomaly('ellipse', empty, SIZE, all, mulberry32(1))).toBeNull();
    const flat = flatCase('IXI', 0.2).pixels;
    expect(() => syntheticAnomaly('patch', flat, SIZE, all, mulberry32(1))).toThrow(
      /'patch' needs a donor slice/,
    );
    expect(() => syntheticAnomaly('texture', flat, SIZE, new Uint8Array(5), mulberry32(1))).toThrow(
      /slice has 1024 pixels, region 5/,
    );
  });
});
