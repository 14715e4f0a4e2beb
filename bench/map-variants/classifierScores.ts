// The classifier's logit of p(pathological | x_t, t) at several t, averaged over seeded noise
// draws (one draw at t = 0), per image of the non-test sets; for imageScore.ts.
// usage: tsx classifierScores.ts MODELS OUT.json SETS   (SETS: comma list of val,held,path)
import { writeFile } from 'node:fs/promises';
import { initBackend } from '../../src-main/engine/backend.ts';
import { loadModels } from '../../src-main/engine/pipeline.ts';
import { pathologicalProbabilities } from '../../src-main/engine/predictors.ts';
import { gaussian, mulberry32 } from '../../src-main/engine/random.ts';
import { prepareCases, readDatasetManifest } from '../../src-main/engine/train/dataset.ts';
import { classifierSplit } from '../../src-main/engine/train/index.ts';

const [modelsDir, out, setsArg] = process.argv.slice(2);
const T = [0, 25, 50, 100, 150, 200, 300];
await initBackend();
const models = await loadModels(modelsDir);
if (!models.classifier) throw new Error(`${modelsDir}: no classifier`);
const all = await readDatasetManifest(
  process.env.ANOMAP_MANIFEST ?? '../shared/data/brain-mid/manifest.csv',
);
const split = classifierSplit(all);
const held = new Set(split.holdout.pathological.map((c) => c.image));
const sets: Record<string, typeof all> = {
  val: all.filter((c) => c.split === 'val'),
  held: split.holdout.healthy,
  path: all.filter((c) => c.split === 'classifier_train'),
};
const result: Record<string, unknown> = {};
for (const name of setsArg.split(',')) {
  const cases = await prepareCases(sets[name], 64);
  const logits: Record<string, number[]> = {};
  for (const t of T) {
    const draws = t === 0 ? 1 : 8;
    const sum = new Float64Array(cases.length);
    const alphaBar = models.schedule.alphaBar[t];
    for (let d = 0; d < draws; d++) {
      const random = mulberry32(777 + 31 * t + d);
      const slices = cases.map((c) => ({
        size: 64,
        pixels: Float32Array.from(c.pixels, (v) =>
          t === 0 ? v : Math.sqrt(alphaBar) * v + Math.sqrt(1 - alphaBar) * gaussian(random),
        ),
      }));
      const p = pathologicalProbabilities(models.classifier, slices, t);
      p.forEach((v, k) => (sum[k] += Math.log(v / (1 - v) + 1e-30) / draws));
    }
    logits[`t${t}`] = [...sum];
  }
  result[name] = {
    images: cases.map((c) => c.case.image),
    heldOut: cases.map((c) => held.has(c.case.image)),
    logits,
  };
  console.log(name, cases.length);
}
await writeFile(out, JSON.stringify(result));
