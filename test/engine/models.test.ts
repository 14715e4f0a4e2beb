import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/engine/backend.ts';
import { loadModel, saveModel, type ModelManifest } from '../../src-main/engine/models.ts';
import { classifierLogits, noiseModel } from '../../src-main/engine/nn/unet.ts';
import { PREPROCESSING } from '../../src-main/engine/anomaly/preprocess.ts';
import { loadModels, disposeModels } from '../../src-main/engine/pipeline.ts';
import { tinyConfig, tinyModel, writeTinyModels } from '../fixtures/tinyModels.ts';

let root: string;
let count = 0;
const fresh = () => join(root, `case${++count}`);

beforeAll(async () => {
  await initBackend();
  root = await mkdtemp(join(tmpdir(), 'anomap-models-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const probe = () => tf.randomNormal([2, 32, 32, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
const times = () => tf.tensor1d([5, 400]);

async function readManifest(dir: string): Promise<ModelManifest> {
  return JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
}

describe('saveModel and loadModel', () => {
  it('round-trip a diffusion model and a classifier to identical outputs', async () => {
    for (const kind of ['diffusion', 'classifier'] as const) {
      const dir = fresh();
      const model = tinyModel(kind, 7);
      await saveModel(dir, model);
      const loaded = await loadModel(dir, kind);
      expect(loaded.kind).toBe(kind);
      expect(loaded.config).toEqual(tinyConfig);
      expect(loaded.manifest.training).toEqual(model.manifest.training);
      const run = kind === 'diffusion' ? noiseModel : classifierLogits;
      const before = await run(model.params, model.config, probe(), times()).data();
      const after = await run(loaded.params, loaded.config, probe(), times()).data();
      expect(Array.from(after)).toEqual(Array.from(before));
      model.params.dispose();
      loaded.params.dispose();
    }
  });

  it('keeps no tensors besides the weights once a model is created, loaded and released', async () => {
    const dir = fresh();
    const before = tf.memory().numTensors;
    const model = tinyModel('classifier', 8);
    expect(tf.memory().numTensors - before).toBe(model.params.variables.size);
    await saveModel(dir, model);
    model.params.dispose();
    const loaded = await loadModel(dir, 'classifier');
    loaded.params.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('records the sha256, size and layout of weights.bin in the manifest', async () => {
    const dir = fresh();
    const model = tinyModel('diffusion', 2);
    const returned = await saveModel(dir, model);
    const manifest = await readManifest(dir);
    expect(manifest).toEqual(returned);
    const bytes = await readFile(join(dir, 'weights.bin'));
    expect(manifest.weights.file).toBe('weights.bin');
    expect(manifest.weights.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(manifest.weights.bytes).toBe(bytes.length);
    expect(manifest.weights.bytes).toBe(model.params.count() * 4);
    expect(manifest.weights.tensors.map((t) => t.name)).toEqual(
      [...model.params.variables.keys()].sort(),
    );
    expect(manifest.architecture).toEqual(tinyConfig);
    expect(manifest.schedule).toEqual({ steps: 1000, betaStart: 1e-4, betaEnd: 0.02 });
    model.params.dispose();
  });

  it('refuses weights with one flipped byte, naming the file and the checksum', async () => {
    const dir = fresh();
    const model = tinyModel('diffusion', 3);
    await saveModel(dir, model);
    model.params.dispose();
    const path = join(dir, 'weights.bin');
    const bytes = await readFile(path);
    bytes[1234] ^= 0x01;
    await writeFile(path, bytes);
    const before = tf.memory().numTensors;
    await expect(loadModel(dir)).rejects.toThrow(
      /weights\.bin: checksum does not match its manifest/,
    );
    await expect(loadModel(dir)).rejects.toThrow(dir);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a truncated or missing weights file', async () => {
    const dir = fresh();
    const model = tinyModel('classifier', 3);
    await saveModel(dir, model);
    model.params.dispose();
    const path = join(dir, 'weights.bin');
    await writeFile(path, (await readFile(path)).subarray(0, 100));
    await expect(loadModel(dir)).rejects.toThrow(/weights\.bin: checksum does not match/);
    await rm(path);
    await expect(loadModel(dir)).rejects.toThrow(/weights\.bin: cannot read the weights/);
  });

  it('refuses a manifest that describes another architecture, naming the weight that does not fit', async () => {
    const dir = fresh();
    const model = tinyModel('diffusion', 4);
    await saveModel(dir, model);
    model.params.dispose();
    const manifest = await readManifest(dir);
    manifest.architecture = { ...manifest.architecture, channels: [16, 16] };
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const before = tf.memory().numTensors;
    await expect(loadModel(dir)).rejects.toThrow(
      /weights\.bin: weight \S+ \S+ does not fit the architecture/,
    );
    expect(tf.memory().numTensors).toBe(before);
    manifest.architecture = {
      ...manifest.architecture,
      channels: [8, 16, 16],
      attention: [false, false, true],
    };
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    await expect(loadModel(dir)).rejects.toThrow(
      /does not fit the architecture|weights of the architecture are missing/,
    );
  });

  it('refuses a model of the other kind', async () => {
    const dir = fresh();
    const model = tinyModel('diffusion', 5);
    await saveModel(dir, model);
    model.params.dispose();
    await expect(loadModel(dir, 'classifier')).rejects.toThrow(
      /manifest\.json: expected a classifier model, found a diffusion model/,
    );
  });

  it('refuses a missing, unparsable or foreign manifest with the reason', async () => {
    const dir = fresh();
    await expect(loadModel(dir)).rejects.toThrow(/manifest\.json: cannot read the model manifest/);
    const model = tinyModel('diffusion', 6);
    await saveModel(dir, model);
    model.params.dispose();
    const manifest = await readManifest(dir);
    await writeFile(join(dir, 'manifest.json'), '{ not json');
    await expect(loadModel(dir)).rejects.toThrow(/cannot read the model manifest/);
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, format: 'keras' }));
    await expect(loadModel(dir)).rejects.toThrow(/not an Anomap model manifest \(format:/);
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify({ ...manifest, architecture: { ...manifest.architecture, imageSize: 48 } }),
    );
    await expect(loadModel(dir)).rejects.toThrow(/image size 48/);
  });
});

describe('the preprocessing a model was made with', () => {
  it('refuses a model made with another preprocessing version than the running code, naming both', async () => {
    const dir = fresh();
    const model = tinyModel('diffusion', 8);
    await saveModel(dir, model);
    model.params.dispose();
    const manifest = await readManifest(dir);
    const older = PREPROCESSING.method.replace(/-v\d+$/, '-v1');
    expect(older).not.toBe(PREPROCESSING.method);
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify({ ...manifest, preprocessing: { ...manifest.preprocessing, method: older } }),
    );
    const before = tf.memory().numTensors;
    await expect(loadModel(dir)).rejects.toThrow(
      new RegExp(
        `manifest\\.json: the model was trained on preprocessing "${older}" but this Anomap prepares slices with "${PREPROCESSING.method}"`,
      ),
    );
    expect(tf.memory().numTensors).toBe(before);
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify({ ...manifest, preprocessing: { ...manifest.preprocessing, imageSize: 64 } }),
    );
    await expect(loadModel(dir)).rejects.toThrow(
      /preprocessing is for 64 px but the architecture for 32 px/,
    );
    // The same manifest with the running preprocessing loads.
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    (await loadModel(dir)).params.dispose();
  });
});

describe('loadModels', () => {
  it('loads the diffusion model, the classifier and the preset of a folder', async () => {
    const dir = fresh();
    await writeTinyModels(dir);
    const models = await loadModels(dir);
    expect(models.diffusion.kind).toBe('diffusion');
    expect(models.classifier?.kind).toBe('classifier');
    expect(models.preset.name).toBe('tiny-test');
    expect(models.schedule.steps).toBe(1000);
    disposeModels(models);
    await rm(join(dir, 'classifier'), { recursive: true });
    const withoutClassifier = await loadModels(dir);
    expect(withoutClassifier.classifier).toBeNull();
    disposeModels(withoutClassifier);
  });

  it('refuses a classifier made for another image size, and leaks no weights', async () => {
    const dir = fresh();
    await writeTinyModels(dir);
    const big = tinyModel('classifier', 1, { ...tinyConfig, imageSize: 64 });
    await saveModel(join(dir, 'classifier'), big);
    big.params.dispose();
    const before = tf.memory().numTensors;
    await expect(loadModels(dir)).rejects.toThrow(
      /classifier was made for 64 px .* diffusion model for 32 px/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a preset for another image size', async () => {
    const dir = fresh();
    await writeTinyModels(dir, { preset: { imageSize: 64 } });
    await expect(loadModels(dir)).rejects.toThrow(
      /preset\.json: preset is for 64 px, the models for 32 px/,
    );
  });
});
