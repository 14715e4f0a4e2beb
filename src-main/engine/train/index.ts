import { basename } from 'node:path';
import { initBackend } from '../backend.ts';
import type { JobControl } from '../types.ts';
import { defaultUNetConfig, groupsFor, type UNetConfig } from '../nn/unet.ts';
import { loadModel, readWeights } from '../models.ts';
import { PREPROCESSING } from '../anomaly/preprocess.ts';
import {
  prepareCases,
  type SkippedCase,
  readDatasetManifest,
  type DatasetCase,
  type PreparedCase,
} from './dataset.ts';
import { classifierSampler, diffusionSampler, type ClassifierSampling } from './samplers.ts';
import { train, type TrainingSummary } from './trainer.ts';

export interface TrainCommonOptions {
  manifestPath: string;
  outDir: string;
  workDir: string;
  config?: Partial<UNetConfig>;
  steps: number;
  batchSize?: number;
  learningRate?: number;
  emaDecay?: number;
  checkpointEvery?: number;
  seed?: number;
  processes?: 1 | 2;
}

/** The training options both networks share, with their defaults. */
function commonTrainingOptions(
  options: TrainCommonOptions,
  config: UNetConfig,
  defaultSeed: number,
  maxTimestep: number,
) {
  // The key order matters: a checkpoint's options fingerprint is the JSON of these options.
  return {
    config,
    steps: options.steps,
    batchSize: options.batchSize ?? 8,
    learningRate: options.learningRate ?? 2e-4,
    emaDecay: options.emaDecay ?? 0.999,
    checkpointEvery: options.checkpointEvery ?? 50,
    seed: options.seed ?? defaultSeed,
    maxTimestep,
    processes: options.processes ?? 1,
    workDir: options.workDir,
    outDir: options.outDir,
    preprocessing: { ...PREPROCESSING, imageSize: config.imageSize },
  };
}

function configOf(options: TrainCommonOptions): UNetConfig {
  return { ...defaultUNetConfig, ...options.config };
}

/** Diffusion model on the healthy train split (fastMRI drawn at a set share, see diffusionSampler). */
export async function trainDiffusion(
  options: TrainCommonOptions & {
    fastMriShare?: number;
    /** A diffusion model to start from (fine-tuning), e.g. one trained elsewhere. */
    initFrom?: string;
  },
  control: JobControl = {},
): Promise<TrainingSummary & { skipped: SkippedCase[] }> {
  const config = configOf(options);
  const cases = (await readDatasetManifest(options.manifestPath)).filter(
    (c) => c.split === 'train' && c.label === 'normal',
  );
  if (cases.length === 0)
    throw new Error(`${options.manifestPath}: no healthy images in the train split`);
  const skipped: SkippedCase[] = [];
  const prepared = await prepareCases(cases, config.imageSize, (s) => skipped.push(s));
  if (prepared.length === 0)
    throw new Error(`${options.manifestPath}: every healthy image of the train split is blank`);
  const share = options.fastMriShare ?? 0.5;
  // Fine-tuning may change the GroupNorm groups (the fix that lets the top level see t): the
  // weights' shapes are the same; the change is recorded with the model.
  const start = options.initFrom
    ? await diffusionWeights(options.initFrom, config, { allowGroupsChange: true })
    : undefined;
  const initialWeights = start?.weights;
  return train(
    {
      objective: 'diffusion',
      ...commonTrainingOptions(options, config, 1, 1000),
      initialWeights,
      trainingData: {
        manifest: basename(options.manifestPath),
        split: 'train',
        images: prepared.length,
        skipped,
        fastMriShare: share,
        ...countSources(prepared),
        ...(options.initFrom ? { initialisedFrom: basename(options.initFrom) } : {}),
        ...(start?.groupsChangedFrom !== undefined && {
          groupsChangedFrom: start.groupsChangedFrom,
        }),
      },
    },
    diffusionSampler(prepared, config.imageSize, share),
    control,
  ).then((summary) => ({ ...summary, skipped }));
}

export interface ClassifierHoldout {
  healthy: PreparedCase[];
  pathological: PreparedCase[];
}

/**
 * The noise-aware classifier: healthy fastMRI (+ a controlled share of IXI) from the train split
 * against the labelled classifier_train cases and synthetic lesions. Every fifth case of each
 * class is held out for validation at several t; no test image is ever read.
 */
export async function trainClassifier(
  options: TrainCommonOptions & {
    sampling?: Partial<ClassifierSampling>;
    maxTimestep?: number;
    initFrom?: string;
  },
  control: JobControl = {},
): Promise<TrainingSummary & { holdout: ClassifierHoldout; skipped: SkippedCase[] }> {
  const config = configOf(options);
  const all = await readDatasetManifest(options.manifestPath);
  const split = classifierSplit(all);
  const skipped: SkippedCase[] = [];
  const [trainHealthy, trainPathological, heldHealthy, heldPathological] = await Promise.all(
    [
      split.train.healthy,
      split.train.pathological,
      split.holdout.healthy,
      split.holdout.pathological,
    ].map((cases) => prepareCases(cases, config.imageSize, (s) => skipped.push(s))),
  );
  const holdout = { healthy: heldHealthy, pathological: heldPathological };
  const sampling: ClassifierSampling = { ixiShare: 0.2, syntheticShare: 0.5, ...options.sampling };
  const initialWeights = options.initFrom
    ? (await diffusionWeights(options.initFrom, config)).weights
    : undefined;
  const summary = await train(
    {
      objective: 'classifier',
      ...commonTrainingOptions(options, config, 2, options.maxTimestep ?? 500),
      initialWeights,
      trainingData: {
        manifest: basename(options.manifestPath),
        healthy: `train split, ${trainHealthy.length} images (${countSources(trainHealthy).fastMRI} fastMRI), IXI share ${sampling.ixiShare}`,
        pathological: `classifier_train split, ${trainPathological.length} images, synthetic lesion share ${sampling.syntheticShare} (${(sampling.syntheticKinds ?? ['ellipse']).join(', ')}; IXI kept at the healthy share)`,
        heldOut: holdout.healthy.length + holdout.pathological.length,
        skipped,
        initialisedFrom: options.initFrom ? basename(options.initFrom) : null,
        // Counted, not asserted: classifierSplit reads no test image, and this says so.
        testImagesUsed: [...trainHealthy, ...trainPathological].filter(
          (c) => c.case.split === 'test',
        ).length,
      },
    },
    classifierSampler(trainHealthy, trainPathological, config.imageSize, sampling),
    control,
  );
  return { ...summary, holdout, skipped };
}

/**
 * A diffusion model's weights; the network they start assigns those it has (all, or the
 * encoder). Its architecture must be the one asked for; with `allowGroupsChange` (fine-tuning a
 * diffusion model) the GroupNorm groups may differ, and the groups it had are returned.
 */
async function diffusionWeights(
  dir: string,
  config: UNetConfig,
  options: { allowGroupsChange?: boolean } = {},
) {
  await initBackend();
  const model = await loadModel(dir, 'diffusion');
  try {
    const differences = architectureDifferences(model.config, config).filter(
      (d) => !(options.allowGroupsChange && d.startsWith('groups:')),
    );
    if (differences.length > 0)
      throw new Error(
        `${dir}: cannot start from this model, its architecture differs from the one asked for (${differences.join('; ')})`,
      );
    const groupsChangedFrom =
      groupsFor(model.config) !== groupsFor(config) ? groupsFor(model.config) : undefined;
    return { weights: await readWeights(model.params), groupsChangedFrom };
  } finally {
    model.params.dispose();
  }
}

/**
 * The classifier's cases: healthy from the train split, pathological from classifier_train;
 * every fifth fastMRI case of each class (in manifest order) is held out for validation and for
 * choosing the preset. No test image is ever among them.
 */
export function classifierSplit(all: DatasetCase[]) {
  const healthy = all.filter((c) => c.split === 'train' && c.label === 'normal');
  const pathological = all.filter(
    (c) => c.split === 'classifier_train' && c.label === 'pathological',
  );
  const everyFifthFastMri = (cases: DatasetCase[]) =>
    new Set(cases.filter((c) => c.source === 'fastMRI').filter((_, i) => i % 5 === 4));
  const heldHealthy = everyFifthFastMri(healthy);
  const heldPathological = everyFifthFastMri(pathological);
  return {
    train: {
      healthy: healthy.filter((c) => !heldHealthy.has(c)),
      pathological: pathological.filter((c) => !heldPathological.has(c)),
    },
    holdout: { healthy: [...heldHealthy], pathological: [...heldPathological] },
  };
}

function countSources(cases: PreparedCase[]) {
  const fastMRI = cases.filter((c) => c.case.source === 'fastMRI').length;
  return { fastMRI, IXI: cases.length - fastMRI };
}

/**
 * What differs between a model's architecture and the one asked for, "name: theirs vs ours";
 * GroupNorm groups compared as in effect (groupsFor), since their weights' shapes do not show them.
 */
export function architectureDifferences(theirs: UNetConfig, ours: UNetConfig): string[] {
  const fields: [string, (c: UNetConfig) => unknown][] = [
    ['imageSize', (c) => c.imageSize],
    ['channels', (c) => c.channels.join(',')],
    ['resBlocks', (c) => c.resBlocks],
    ['attention', (c) => c.attention.join(',')],
    ['groups', groupsFor],
  ];
  return fields
    .filter(([, of]) => of(theirs) !== of(ours))
    .map(([name, of]) => `${name}: ${of(theirs)} vs ${of(ours)}`);
}
