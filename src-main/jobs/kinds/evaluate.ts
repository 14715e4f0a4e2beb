/**
 * Evaluation of the models on a split of the library's labelled studies or of a dataset manifest
 * (guided and the unguided ablation), saved as one JSON file per evaluation in the library
 * folder. The dataset written from the library is kept beside it, so the numbers can be redone.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { EvaluationSchema, RECONSTRUCTION_PRESETS } from '../../contract/index.ts';
import type { EvaluateJobSpec, EvaluateResult, Evaluation } from '../../contract/index.ts';
import { evaluationFile } from '../paths.ts';
import type { JsonValue } from '../json.ts';
import type { JobRun } from './types.ts';
import { jobDataset, type JobDataset } from './dataset.ts';

export async function runEvaluate({
  jobId,
  spec,
  context,
  control,
}: JobRun<EvaluateJobSpec>): Promise<JsonValue> {
  const engine = await import('../../engine/index.ts');
  await engine.initBackend();
  const models = await engine.loadModels(context.modelsDir);
  let dataset: JobDataset | undefined;
  try {
    dataset = await jobDataset(context.libraryDir, spec.manifestPath, `evaluate-${jobId}`);
    const overrides =
      spec.settings ?? (spec.preset ? RECONSTRUCTION_PRESETS[spec.preset] : undefined);
    const report = await engine.evaluate(
      models,
      {
        manifestPath: dataset.manifestPath,
        split: spec.split,
        calibrationSplit: spec.calibrationSplit,
        unguided: spec.withUnguided,
        overrides,
        // As `anomap evaluate` does by default: one evaluation, whichever door asks for it.
        imageCalibration: 'holdout',
      },
      control,
    );
    const evaluation: Evaluation = EvaluationSchema.parse({
      id: jobId,
      createdAt: new Date().toISOString(),
      manifestPath: dataset.manifestPath,
      fromLibrary: dataset.fromLibrary,
      split: report.split,
      cases: report.cases,
      healthy: report.healthy,
      pathological: report.pathological,
      guided: report.guided,
      unguided: report.unguided,
      classifierAuroc: report.classifierAuroc,
    });
    const file = evaluationFile(context.libraryDir, jobId);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(evaluation));
    renameSync(`${file}.tmp`, file);
    const result: EvaluateResult = {
      evaluationId: jobId,
      imageAuroc: evaluation.guided.imageAuroc,
      unguidedImageAuroc: evaluation.unguided?.imageAuroc ?? null,
    };
    return result;
  } catch (error) {
    // A cancelled or failed evaluation leaves nothing behind, not even its dataset.
    if (dataset?.fromLibrary)
      rmSync(dirname(dataset.manifestPath), { recursive: true, force: true });
    throw error;
  } finally {
    engine.disposeModels(models);
  }
}
