import { mkdir } from 'node:fs/promises';
import { readModelFile } from './modelFiles.ts';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { ParamStore } from './nn/params.ts';
import { PREPROCESSING } from './anomaly/preprocess.ts';
import { readBundle, writeAtomically, writeBundle } from './tensorBundle.ts';
import { classifierLogits, noiseModel, validateUNetConfig, type UNetConfig } from './nn/unet.ts';

const unetConfigSchema = z.object({
  imageSize: z.number().int(),
  channels: z.array(z.number().int().positive()).min(1),
  resBlocks: z.number().int().positive(),
  attention: z.array(z.boolean()),
  groups: z.number().int().positive().optional(),
});

export const manifestSchema = z.object({
  format: z.literal('anomap-model'),
  formatVersion: z.literal(1),
  kind: z.enum(['diffusion', 'classifier']),
  architecture: unetConfigSchema,
  preprocessing: z.object({ method: z.string(), imageSize: z.number().int() }),
  schedule: z.object({ steps: z.number().int(), betaStart: z.number(), betaEnd: z.number() }),
  training: z.record(z.string(), z.unknown()),
  weights: z.object({
    file: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    bytes: z.number().int(),
    tensors: z.array(
      z.object({ name: z.string(), shape: z.array(z.number().int()), offset: z.number().int() }),
    ),
  }),
});
export type ModelManifest = z.infer<typeof manifestSchema>;
export type ModelKind = ModelManifest['kind'];

export interface Model {
  kind: ModelKind;
  config: UNetConfig;
  params: ParamStore;
  manifest: Omit<ModelManifest, 'weights'>;
}

const WEIGHTS_FILE = 'weights.bin';

/** Reads every weight of a network into plain arrays (for saving or sending to another process). */
export async function readWeights(
  params: ParamStore,
): Promise<Map<string, { shape: number[]; values: Float32Array }>> {
  const arrays = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const [name, variable] of params.variables)
    arrays.set(name, { shape: variable.shape, values: (await variable.data()) as Float32Array });
  return arrays;
}

/** Writes manifest.json + weights.bin; each file appears only once complete (write, then rename). */
export async function saveModel(dir: string, model: Model): Promise<ModelManifest> {
  await mkdir(dir, { recursive: true });
  const index = await writeBundle(join(dir, WEIGHTS_FILE), await readWeights(model.params));
  const manifest: ModelManifest = { ...model.manifest, weights: { file: WEIGHTS_FILE, ...index } };
  await writeAtomically(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** Loads a model folder, refusing a manifest or weights file that does not match. */
export async function loadModel(dir: string, expectedKind?: ModelKind): Promise<Model> {
  const manifestPath = join(dir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse((await readModelFile(manifestPath)).toString('utf8'));
  } catch (error) {
    throw new Error(
      `${manifestPath}: cannot read the model manifest (${(error as Error).message})`,
      { cause: error },
    );
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${manifestPath}: not an Anomap model manifest (${issue?.path.join('.')}: ${issue?.message})`,
    );
  }
  const manifest = parsed.data;
  if (expectedKind && manifest.kind !== expectedKind)
    throw new Error(
      `${manifestPath}: expected a ${expectedKind} model, found a ${manifest.kind} model`,
    );
  validateUNetConfig(manifest.architecture);
  checkPreprocessing(manifest, manifestPath);
  const weightsPath = join(dir, manifest.weights.file);
  const arrays = await readBundle(weightsPath, manifest.weights);
  const { weights: _weights, ...rest } = manifest;
  const params = new ParamStore(0, manifest.kind);
  const model: Model = {
    kind: manifest.kind,
    config: manifest.architecture,
    params,
    manifest: rest,
  };
  try {
    assignWeights(params, arrays, expectedShapes(model), weightsPath);
  } catch (error) {
    params.dispose();
    throw error;
  }
  return model;
}

/**
 * A model only means something on slices prepared the way it was trained on: refuse one whose
 * manifest names another preprocessing (method and version) than the running code's, or another
 * image size than its own architecture.
 */
function checkPreprocessing(manifest: ModelManifest, manifestPath: string): void {
  const { method, imageSize } = manifest.preprocessing;
  if (method !== PREPROCESSING.method)
    throw new Error(
      `${manifestPath}: the model was trained on preprocessing "${method}" but this Anomap prepares slices with "${PREPROCESSING.method}"; retrain it (or use the Anomap version it was made with)`,
    );
  if (imageSize !== manifest.architecture.imageSize)
    throw new Error(
      `${manifestPath}: preprocessing is for ${imageSize} px but the architecture for ${manifest.architecture.imageSize} px`,
    );
}

/** Sets each weight from `arrays`, checking names and shapes against the architecture. */
export function assignWeights(
  params: ParamStore,
  arrays: Map<string, { shape: number[]; values: Float32Array }>,
  expected: Map<string, number[]>,
  source: string,
): void {
  for (const [name, { shape, values }] of arrays) {
    const want = expected.get(name);
    if (!want || want.join('x') !== shape.join('x'))
      throw new Error(
        `${source}: weight ${name} ${shape.join('x')} does not fit the architecture (${want?.join('x') ?? 'unknown'})`,
      );
    tf.tidy(() => params.get(name, shape, 'zeros').assign(tf.tensor(values, shape)));
  }
  const missing = [...expected.keys()].filter((name) => !arrays.has(name));
  if (missing.length)
    throw new Error(
      `${source}: ${missing.length} weights of the architecture are missing (${missing[0]}, ...)`,
    );
}

/** Shapes of every weight the architecture creates, found by building it once on a dummy batch. */
export function expectedShapes(model: Pick<Model, 'kind' | 'config'>): Map<string, number[]> {
  const probe = createModelParams(model.kind, model.config, 0);
  const shapes = new Map([...probe.variables].map(([name, v]) => [name, v.shape]));
  probe.dispose();
  return shapes;
}

/**
 * A freshly initialised model of this architecture with a complete manifest, not yet saved:
 * random weights for tests and benchmarks, `training` saying so.
 */
export function untrainedModel(
  kind: ModelKind,
  config: UNetConfig,
  seed: number,
  training: Record<string, unknown>,
): Model {
  return {
    kind,
    config,
    params: createModelParams(kind, config, seed),
    manifest: {
      format: 'anomap-model',
      formatVersion: 1,
      kind,
      architecture: config,
      preprocessing: { ...PREPROCESSING, imageSize: config.imageSize },
      schedule: { steps: 1000, betaStart: 1e-4, betaEnd: 0.02 },
      training,
    },
  };
}

/** A fresh network's weights, created by one forward pass on a dummy batch. */
export function createModelParams(kind: ModelKind, config: UNetConfig, seed: number): ParamStore {
  validateUNetConfig(config);
  const params = new ParamStore(seed, kind);
  // Nothing is returned from the tidy: a returned output would outlive it, one tensor per call.
  tf.tidy(() => {
    const x = tf.zeros([1, config.imageSize, config.imageSize, 1]) as tf.Tensor4D;
    const t = tf.zeros([1]) as tf.Tensor1D;
    if (kind === 'diffusion') noiseModel(params, config, x, t);
    else classifierLogits(params, config, x, t);
  });
  return params;
}
