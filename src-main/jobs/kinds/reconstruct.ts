/**
 * Guided reconstruction of library studies: each slice is preprocessed, reconstructed, turned
 * into an anomaly map, mapped back to the image's geometry and saved as a result of one run,
 * with the classifier's p(pathological | x_0, t = 0) when the models have a classifier (for the
 * Library's "classifier most uncertain" order).
 */
import { CancelledError } from '../../engine/types.ts';
import type { ReconstructionSettings } from '../../engine/types.ts';
import { RECONSTRUCTION_PRESETS } from '../../contract/index.ts';
import type { ReconstructJobSpec, ReconstructResult } from '../../contract/index.ts';
import { Library } from '../../library/index.ts';
import type { JobRun } from './types.ts';
import type { JsonValue } from '../json.ts';
import { registerModels } from './models.ts';
import { CHAIN_FRAMES, chainFramesOf } from './chainFrames.ts';

/** Slices reconstructed per engine call: results are saved, and progress told, per batch. */
const BATCH = 8;

type Engine = typeof import('../../engine/index.ts');
/** p(pathological | x_0, t = 0) per image id: the input is the same for both runs of a job. */
type Probabilities = Map<number, number | null>;

export async function runReconstruct(run: JobRun<ReconstructJobSpec>): Promise<JsonValue> {
  const engine: Engine = await import('../../engine/index.ts');
  await engine.initBackend();
  const models = await engine.loadModels(run.context.modelsDir);
  const library = Library.open(run.context.libraryDir);
  try {
    const overrides =
      run.spec.settings ?? (run.spec.preset ? RECONSTRUCTION_PRESETS[run.spec.preset] : {});
    const modelIds = registerModels(library, run.context.modelsDir);
    const probabilities: Probabilities = new Map();
    const guided = await reconstructRun(
      engine,
      probabilities,
      library,
      models,
      run,
      overrides,
      modelIds,
      'guided',
    );
    const unguided = run.spec.withUnguided
      ? await reconstructRun(
          engine,
          probabilities,
          library,
          models,
          run,
          { ...overrides, guidanceScale: 0 },
          modelIds,
          'unguided',
        )
      : null;
    const result: ReconstructResult = { runId: guided, unguidedRunId: unguided };
    return result;
  } finally {
    library.close();
    engine.disposeModels(models);
  }
}

async function reconstructRun(
  engine: Engine,
  probabilities: Probabilities,
  library: Library,
  models: Awaited<ReturnType<Engine['loadModels']>>,
  { spec, control, libraryChanged }: JobRun<ReconstructJobSpec>,
  overrides: Partial<ReconstructionSettings>,
  modelIds: number[],
  variant: 'guided' | 'unguided',
): Promise<number> {
  const size = models.diffusion.config.imageSize;
  const settings = engine.settingsFor(models.preset, overrides);
  const images = spec.studyIds.flatMap((studyId) => library.getStudy(studyId).images);
  const record = library.createRun({
    name: variant,
    settings: { ...settings, imageSize: size },
    modelIds,
  });
  const started = Date.now();
  try {
    for (let start = 0; start < images.length; start += BATCH) {
      if (control.signal.aborted) throw new CancelledError('reconstruction');
      const batch = images.slice(start, start + BATCH);
      const prepared = await Promise.all(
        batch.map(async (image) => {
          const stored = await library.getImagePixels(image.id);
          return engine.preprocessSlice(stored.pixels, stored.width, stored.height, size);
        }),
      );
      const slices = prepared.map((slice) => ({ size, pixels: slice.pixels }));
      const output = await engine.reconstruct(
        models,
        slices,
        { settings, captureFrames: spec.keepChain ? CHAIN_FRAMES : 0 },
        {
          signal: control.signal,
          onProgress: (progress) => {
            const done = start + (progress.done / Math.max(progress.total, 1)) * batch.length;
            const elapsed = (Date.now() - started) / 1000;
            const etaSeconds = done > 0 ? (elapsed / done) * (images.length - done) : null;
            control.onProgress?.({
              phase: `reconstructing (${variant})`,
              done,
              total: images.length,
              etaSeconds,
            });
          },
        },
      );
      // How sure the classifier is that each input slice is pathological (tidied inside); a
      // classifier that outputs NaN leaves the study unranked rather than failing the run.
      if (models.classifier && batch.some((image) => !probabilities.has(image.id))) {
        const p = engine.pathologicalProbability(models.classifier, slices, 0);
        batch.forEach((image, i) =>
          probabilities.set(image.id, Number.isFinite(p[i]) ? p[i] : null),
        );
      }
      for (const [i, result] of output.results.entries()) {
        const { transform } = prepared[i];
        const image = batch[i];
        await library.saveResult({
          runId: record.id,
          imageId: image.id,
          reconstruction: {
            width: image.width,
            height: image.height,
            values: engine.sliceToImage(result.reconstruction, transform),
          },
          anomalyMap: {
            width: image.width,
            height: image.height,
            values: engine.sliceToImage(result.anomalyMap, transform),
          },
          score: result.score,
          threshold: models.preset.threshold,
          classifierProbability: probabilities.get(image.id) ?? null,
          chain: chainFramesOf(output.chain, i, size),
        });
      }
      libraryChanged('results', [...new Set(batch.map((image) => image.studyId))]);
    }
    library.finishRun(record.id, { seconds: (Date.now() - started) / 1000, slices: images.length });
    return record.id;
  } catch (error) {
    // Cancelled: the run goes, results and all; failed: it stays, marked, with its error.
    if (error instanceof CancelledError || control.signal.aborted)
      library.discardRun(record.id, 'cancelled');
    else library.failRun(record.id, error instanceof Error ? error.message : String(error));
    throw error;
  }
}
