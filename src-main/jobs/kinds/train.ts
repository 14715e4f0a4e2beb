/**
 * Training of the diffusion model or the classifier from the library's labels (or a dataset
 * manifest). Checkpoints go to the library's checkpoints folder, so a training interrupted by a
 * quit or a crash resumes.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainJobSpec, TrainResult } from '../../contract/index.ts';
import { trainedModelsDir } from '../paths.ts';
import type { JsonValue } from '../json.ts';
import type { JobRun } from './types.ts';
import { jobDataset, trainingSplits } from './dataset.ts';

export async function runTrain({
  spec,
  context,
  control,
}: JobRun<TrainJobSpec>): Promise<JsonValue> {
  const engine = await import('../../engine/index.ts');
  const backend = await engine.initBackend();
  const workDir = join(context.checkpointsDir, spec.model);
  // The engine resumes whenever its work folder holds a checkpoint; a fresh start clears it.
  if (!spec.resume) rmSync(workDir, { recursive: true, force: true });
  // Written again at each start, so a resumed training sees the labels as they are now.
  const dataset = await jobDataset(context.libraryDir, spec.manifestPath, `train-${spec.model}`, {
    splitOf: trainingSplits,
  });
  const options = {
    manifestPath: dataset.manifestPath,
    outDir: join(trainedModelsDir(context.libraryDir), spec.model),
    workDir,
    config: { imageSize: spec.imageSize },
    steps: spec.steps,
    batchSize: spec.batchSize,
    learningRate: spec.learningRate,
  };
  const summary =
    spec.model === 'diffusion'
      ? await engine.trainDiffusion(options, control)
      : await engine.trainClassifier(options, control);
  const result: TrainResult = {
    model: spec.model,
    outDir: options.outDir,
    steps: summary.steps,
    resumedFrom: summary.resumedFrom,
    finalLoss: summary.finalLoss,
    wallSeconds: summary.wallSeconds,
    backend: backend.name,
    fromLibrary: dataset.fromLibrary,
    skipped: summary.skipped,
  };
  return result;
}
