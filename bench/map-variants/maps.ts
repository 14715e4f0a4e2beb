// Experiment: compute per-image maps for several settings on non-test sets, save them to disk.
// usage: tsx maps.ts MODELS OUTDIR VARIANT_JSON SETS   (SETS: comma list of stats,val,held,path,test)
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '../../src-main/engine/backend.ts';
import * as tf from '@tensorflow/tfjs';
import { loadModels, reconstruct, type Guidance } from '../../src-main/engine/pipeline.ts';
import { healthyGradient, noisePredictor } from '../../src-main/engine/predictors.ts';
import { predictX0 } from '../../src-main/engine/diffusion/ddim.ts';
import { prepareCases, readDatasetManifest } from '../../src-main/engine/train/dataset.ts';
import { classifierSplit } from '../../src-main/engine/train/index.ts';

const [modelsDir, outDir, variantJson, setsArg] = process.argv.slice(2);
// smoothingSigma is the preset's (not a setting stored per result); a variant may set it too.
// Guidance variants of issue 17 (item 4), bench-only: guidanceMaxT guides only the decoding
// steps at t <= it (zero gradient above); guidanceOn 'x0' takes the gradient of
// log p(healthy | x0_hat, t = 0) at the clipped x0 prediction of x_t instead of at x_t.
const { smoothingSigma, guidanceMaxT, guidanceOn, ...variant } = JSON.parse(variantJson);
const manifest = process.env.ANOMAP_MANIFEST ?? '../shared/data/brain-mid/manifest.csv';
await initBackend();
const models = await loadModels(modelsDir);
const guidance: Guidance | undefined =
  (guidanceMaxT === undefined && guidanceOn === undefined) || !models.classifier
    ? undefined
    : { gradient: windowedGradient(), stop: async () => {} };
function windowedGradient() {
  const atXt = healthyGradient(models.classifier!);
  const predictNoise = noisePredictor(models.diffusion);
  return (x: tf.Tensor4D, t: number): tf.Tensor4D => {
    if (guidanceMaxT !== undefined && t > guidanceMaxT) return tf.zerosLike(x);
    if (guidanceOn !== 'x0') return atXt(x, t);
    const x0 = tf.tidy(() =>
      tf.clipByValue(predictX0(models.schedule, x, predictNoise(x, t), t), -1, 1),
    );
    try {
      return atXt(x0, 0);
    } finally {
      x0.dispose();
    }
  };
}
const all = await readDatasetManifest(manifest);
const split = classifierSplit(all);
const heldSet = new Set(split.holdout.healthy.map((c) => c.image));
const sets: Record<string, typeof all> = {
  stats: all.filter(
    (c) =>
      c.split === 'train' &&
      c.label === 'normal' &&
      c.source === 'fastMRI' &&
      !heldSet.has(c.image),
  ),
  statsixi: all
    .filter((c) => c.split === 'train' && c.label === 'normal' && c.source === 'IXI')
    .filter((_, i) => i % 10 === 0),
  val: all.filter((c) => c.split === 'val'),
  held: split.holdout.healthy,
  path: all.filter((c) => c.split === 'classifier_train'),
  test: all.filter((c) => c.split === 'test'),
};
await mkdir(outDir, { recursive: true });
for (const name of setsArg.split(',')) {
  const cases = await prepareCases(sets[name], 64);
  const t0 = performance.now();
  const { results } = await reconstruct(
    models,
    cases.map((c) => ({ size: 64, pixels: c.pixels })),
    { settings: variant, batchSize: 8, smoothingSigma, guidance },
  );
  const secs = (performance.now() - t0) / 1000 / cases.length;
  const maps = new Float32Array(cases.length * 4096);
  const recon = new Float32Array(cases.length * 4096);
  const brain = new Uint8Array(cases.length * 4096);
  results.forEach((r, i) => {
    maps.set(r.sliceMap, i * 4096);
    brain.set(r.brainMask, i * 4096);
    recon.set(r.reconstruction, i * 4096);
  });
  await writeFile(join(outDir, `${name}.maps.f32`), Buffer.from(maps.buffer));
  await writeFile(join(outDir, `${name}.recon.f32`), Buffer.from(recon.buffer));
  await writeFile(join(outDir, `${name}.brain.u8`), Buffer.from(brain.buffer));
  await writeFile(
    join(outDir, `${name}.json`),
    JSON.stringify({
      images: cases.map((c) => c.case.image),
      scores: results.map((r) => r.score),
      secondsPerSlice: secs,
      variant: { ...variant, smoothingSigma, guidanceMaxT, guidanceOn },
    }),
  );
  console.log(`${name}: ${cases.length} images, ${secs.toFixed(2)} s/slice`);
}
