/**
 * The TypeScript engine's side of the parity check with the PyTorch twin (parity.py): runs the
 * engine's noise model, classifier and guidance gradient (predictors.ts healthyGradient) on fixed
 * seeded inputs and writes inputs and outputs as JSON (float32 arrays in base64).
 * With a dataset dump (dump-dataset.ts) it also runs augment.ts on a few of its slices with
 * scripted random draws, so the twin's batched augmentation and synthetic lesions can be
 * compared with the engine's.
 * Usage: tsx train-gpu/engine-forward.ts <modelsDir with diffusion/ and classifier/> <out.json> [dumpDir]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src-main/engine/backend.ts';
import { loadModel } from '../src-main/engine/models.ts';
import { classifierLogits, noiseModel } from '../src-main/engine/nn/unet.ts';
import { healthyGradient } from '../src-main/engine/predictors.ts';
import { gaussian, mulberry32 } from '../src-main/engine/random.ts';
import { augmentSlice } from '../src-main/engine/train/augment.ts';

const b64 = (values: Float32Array) =>
  Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');

function seededInput(count: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: count }, () => gaussian(random));
}

/** A generator that returns `draws` in order, then 0.5 forever (so every gaussian is -1.1774). */
function scripted(draws: number[]): () => number {
  let i = 0;
  return () => (i < draws.length ? draws[i++] : 0.5);
}

/**
 * augmentSlice on slices of the dump, with scripted draws. (The engine's synthetic anomalies are
 * now syntheticAnomaly.ts's five kinds; the twin takes them ready-made from make-bank.ts, so its
 * own ellipse paster is only a fallback and has no engine counterpart to compare with.)
 */
async function augmentationCases(dumpDir: string, size: number) {
  const unpack = async (name: string) => gunzipSync(await readFile(join(dumpDir, `${name}.gz`)));
  const packed = await unpack('healthy.f32');
  const pixels = new Float32Array(
    packed.buffer.slice(packed.byteOffset, packed.byteOffset + packed.byteLength),
  );
  const slice = (i: number) => pixels.slice(i * size * size, (i + 1) * size * size);
  const random = mulberry32(11);
  return [0, 5, 130, 400].map((index) => {
    const augmentDraws = Array.from({ length: 4 }, random);
    return {
      index,
      augmentDraws,
      augmented: b64(augmentSlice(slice(index), size, scripted(augmentDraws))),
    };
  });
}

async function main(): Promise<void> {
  const [modelsDir, outPath, dumpDir] = process.argv.slice(2);
  if (!modelsDir || !outPath) throw new Error('usage: engine-forward.ts <modelsDir> <out.json>');
  const backend = await initBackend();
  const diffusion = await loadModel(join(modelsDir, 'diffusion'), 'diffusion');
  const classifier = await loadModel(join(modelsDir, 'classifier'), 'classifier');
  const size = diffusion.config.imageSize;
  const batch = 3;
  const input = seededInput(batch * size * size, 7);
  const diffusionT = [0, 137, 999];
  const classifierT = [0, 50, 299];
  const gradientT = 100;
  const result = tf.tidy(() => {
    const x = tf.tensor4d(input, [batch, size, size, 1]);
    const eps = noiseModel(diffusion.params, diffusion.config, x, tf.tensor1d(diffusionT));
    const logits = classifierLogits(
      classifier.params,
      classifier.config,
      x,
      tf.tensor1d(classifierT),
    );
    const gradient = healthyGradient(classifier)(x, gradientT);
    return {
      eps: eps.dataSync() as Float32Array,
      logits: logits.dataSync() as Float32Array,
      gradient: gradient.dataSync() as Float32Array,
    };
  });
  const out = {
    backend: backend.name,
    shape: [batch, 1, size, size],
    input: b64(input),
    diffusionT,
    classifierT,
    gradientT,
    eps: b64(result.eps),
    logits: b64(result.logits),
    gradient: b64(result.gradient),
    augmentation: dumpDir ? await augmentationCases(dumpDir, size) : null,
  };
  await writeFile(outPath, JSON.stringify(out) + '\n');
  process.stdout.write(`${outPath}: engine outputs on ${backend.name}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
