/**
 * The TypeScript engine's side of the parity check with the PyTorch twin (parity.py): runs the
 * engine's noise model, classifier and guidance gradient (pipeline.ts healthyGradient) on fixed
 * seeded inputs and writes inputs and outputs as JSON (float32 arrays in base64).
 * Usage: tsx train-gpu/engine-forward.ts <modelsDir with diffusion/ and classifier/> <out.json>
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src-main/engine/backend.ts';
import { loadModel } from '../src-main/engine/models.ts';
import { classifierLogits, noiseModel } from '../src-main/engine/nn/unet.ts';
import { healthyGradient } from '../src-main/engine/pipeline.ts';
import { gaussian, mulberry32 } from '../src-main/engine/random.ts';

const b64 = (values: Float32Array) =>
  Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');

function seededInput(count: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: count }, () => gaussian(random));
}

async function main(): Promise<void> {
  const [modelsDir, outPath] = process.argv.slice(2);
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
    const logits = classifierLogits(classifier.params, classifier.config, x, tf.tensor1d(classifierT));
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
  };
  await writeFile(outPath, JSON.stringify(out) + '\n');
  process.stdout.write(`${outPath}: engine outputs on ${backend.name}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
