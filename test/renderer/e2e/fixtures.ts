/**
 * Fixtures for the renderer's end-to-end test, generated on the spot: small synthetic axial
 * "brain" slices as 16-bit PNGs (an ellipse of tissue in a darker skull ring), some with a
 * bright round lesion, and a finished run whose reconstructions and anomaly maps are what an
 * ideal model would give (the lesion removed; the map is |input - reconstruction|).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Evaluation, VariantMetrics } from '../../../src-main/contract/index.ts';
import { evaluationFile, evaluationsDir } from '../../../src-main/jobs/index.ts';
import { encodeGrayPng, importPaths, Library } from '../../../src-main/library/index.ts';

export const SIZE = 64;

export interface FixtureCase {
  file: string;
  lesion: { x: number; y: number; r: number } | null;
}

export const cases: readonly FixtureCase[] = [
  { file: 'case-01.png', lesion: { x: 40, y: 26, r: 6 } },
  { file: 'case-02.png', lesion: null },
  { file: 'case-03.png', lesion: { x: 22, y: 38, r: 5 } },
  { file: 'case-04.png', lesion: null },
  { file: 'case-05.png', lesion: { x: 34, y: 40, r: 4 } },
  { file: 'case-06.png', lesion: null },
  { file: 'case-07.png', lesion: { x: 28, y: 30, r: 5 } },
  { file: 'case-08.png', lesion: null },
  { file: 'case-09.png', lesion: { x: 38, y: 36, r: 4 } },
  { file: 'case-10.png', lesion: null },
];

/** Tissue intensity at a pixel, with a gentle texture so window/level visibly matters. */
function healthy(x: number, y: number, seed: number): number {
  const dx = (x - SIZE / 2) / 26;
  const dy = (y - SIZE / 2) / 30;
  const d = dx * dx + dy * dy;
  if (d > 1.15) return 0;
  if (d > 0.95) return 9000; // skull ring
  const texture = Math.sin(x * 0.7 + seed) * Math.cos(y * 0.5 - seed) * 1500;
  return 20000 + texture + (d < 0.12 ? 6000 : 0); // brighter centre (ventricle-like contrast)
}

function slice(c: FixtureCase, seed: number, withLesion: boolean): Float32Array {
  const out = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let v = healthy(x, y, seed);
      if (withLesion && c.lesion) {
        const r = Math.hypot(x - c.lesion.x, y - c.lesion.y);
        if (r < c.lesion.r) v = 52000;
      }
      out[y * SIZE + x] = v;
    }
  }
  return out;
}

/** Writes the PNGs of `list` into `dir/name` and returns that folder. */
export async function writeSlices(
  dir: string,
  name = 'slices',
  list: readonly FixtureCase[] = cases,
  seed = 0,
): Promise<string> {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  for (const [i, c] of list.entries()) {
    const pixels = Uint16Array.from(slice(c, seed + i, true));
    const png = await encodeGrayPng({ width: SIZE, height: SIZE, bitDepth: 16, pixels });
    writeFileSync(join(folder, c.file), png);
  }
  return folder;
}

/** Two more slices, imported through the Library view and reconstructed from Run. */
export const extraCases: readonly FixtureCase[] = [
  { file: 'extra-01.png', lesion: { x: 30, y: 22, r: 5 } },
  { file: 'extra-02.png', lesion: null },
];

/** The image operating point of the seeded run: lesions score about 0.5, healthy slices 0.05. */
export const imageScoreThreshold = 0.1;

/**
 * A dataset manifest (brain-mid format) beside the slices: each case labelled by whether it has
 * a lesion, with a mask of the lesion, so the import brings reference labels and boxes.
 */
async function writeManifest(slicesDir: string): Promise<string> {
  const root = dirname(slicesDir);
  const folder = basename(slicesDir);
  const lines = ['image,source,split,label,findings,finding_masks'];
  for (const c of cases) {
    if (!c.lesion) {
      lines.push(`${folder}/${c.file},fixture,test,normal,,`);
      continue;
    }
    const mask = new Uint8Array(SIZE * SIZE);
    for (let y = 0; y < SIZE; y++)
      for (let x = 0; x < SIZE; x++)
        if (Math.hypot(x - c.lesion.x, y - c.lesion.y) < c.lesion.r) mask[y * SIZE + x] = 255;
    const maskFile = `${folder}/${c.file.replace('.png', '-mass.png')}`;
    writeFileSync(
      join(root, maskFile),
      await encodeGrayPng({ width: SIZE, height: SIZE, bitDepth: 8, pixels: mask }),
    );
    lines.push(`${folder}/${c.file},fixture,test,pathological,mass,${maskFile}`);
  }
  const manifest = join(root, `${folder}-manifest.csv`);
  writeFileSync(manifest, `${lines.join('\n')}\n`);
  return manifest;
}

/**
 * Imports the slices through a labelled manifest (the labels become reference labels, so every
 * case is still the reader's to label) and stores one finished run of ideal results; returns
 * the run id.
 */
export async function seedLibrary(libraryDir: string, slicesDir: string): Promise<number> {
  const library = Library.open(libraryDir);
  try {
    const summary = await importPaths(library, [await writeManifest(slicesDir)]);
    if (summary.failed.length > 0) {
      throw new Error(`fixture import failed: ${JSON.stringify(summary.failed)}`);
    }
    const run = library.createRun({
      name: 'e2e ideal model',
      settings: {
        imageSize: SIZE,
        noiseLevel: 250,
        stride: 25,
        guidanceScale: 100,
        imageScoreThreshold,
      },
      modelIds: [],
    });
    const page = library.listStudies({ offset: 0, limit: 100 });
    for (const summaryRow of page.studies) {
      const study = library.getStudy(summaryRow.id);
      const image = study.images[0];
      const index = cases.findIndex((c) => image.originalPath.endsWith(c.file));
      const c = cases[index];
      const input = slice(c, index, true);
      const reconstruction = slice(c, index, false);
      // A faint residual everywhere, as a real model leaves on healthy tissue (peak about 0.05,
      // under the 0.2 cut-off): dark on the fixed heat scale, hot only when stretched.
      const map = input.map(
        (v, i) =>
          Math.abs(v - reconstruction[i]) / 65535 +
          0.025 * (1 + Math.sin((i % SIZE) * 0.4) * Math.cos(Math.floor(i / SIZE) * 0.3)),
      );
      const score = map.reduce((a, b) => Math.max(a, b), 0);
      await library.saveResult({
        runId: run.id,
        imageId: image.id,
        reconstruction: { width: SIZE, height: SIZE, values: reconstruction.map((v) => v / 65535) },
        map: { width: SIZE, height: SIZE, values: map },
        score,
        pixelThreshold: 0.2,
      });
    }
    library.finishRun(run.id);
    return run.id;
  } finally {
    library.close();
  }
}

/**
 * An evaluation report as an 'evaluate' job leaves it, for the fixture cases (every lesion
 * scores above every healthy slice, so the curves are perfect); Evaluate reads it like any other.
 */
export function writeEvaluation(libraryDir: string, id: string): void {
  const sick = cases.filter((c) => c.lesion).length;
  const variant = (guidanceScale: number, auroc: number): VariantMetrics => ({
    settings: { noiseLevel: 250, stride: 25, guidanceScale, encoding: 'ddim' },
    imageAuroc: auroc,
    imageAuprc: auroc,
    pixelAuprc: auroc * 0.8,
    bestDice: auroc * 0.7,
    bestDiceThreshold: 0.2,
    threshold: 0.2,
    thresholdMethod: '99th percentile of healthy validation pixels',
    courseF1: auroc * 0.9,
    courseTp: sick,
    courseFp: 0,
    perFinding: {
      mass: { tp: 2, fp: 0, n: 2, precision: 1, recall: 1, f1: 1 },
      nonspecific_white_matter_lesion: { tp: 1, fp: 1, n: 1, precision: 0.5, recall: 1, f1: 0.667 },
    },
    roc: [
      { fpr: 0, tpr: 0 },
      { fpr: 0, tpr: auroc },
      { fpr: 1, tpr: 1 },
    ],
    pr: [
      { recall: 0, precision: 1 },
      { recall: 1, precision: auroc },
    ],
    secondsPerSlice: 1.5,
  });
  const evaluation: Evaluation = {
    id,
    createdAt: new Date(0).toISOString(),
    manifestPath: '/fixtures/manifest.csv',
    fromLibrary: false,
    split: 'test',
    cases: cases.length,
    healthy: cases.length - sick,
    pathological: sick,
    guided: variant(100, 1),
    unguided: variant(0, 0.75),
    classifierAuroc: { '0': 0.9, '250': 0.8 },
  };
  mkdirSync(evaluationsDir(libraryDir), { recursive: true });
  writeFileSync(evaluationFile(libraryDir, id), JSON.stringify(evaluation));
}
