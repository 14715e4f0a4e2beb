// Image scores on non-test cases: the map's (mean of its top fraction) on all 32 pathological
// cases, the classifier's at t = 0 and mixed over t on the 6 it never saw, and the two together;
// healthy: the 15 val and the classifier's 26 held-out healthy images.
// usage: tsx imageScore.ts CLASSIFIER_SCORES.json MAPS_L200 [MAPS_L50]
import { readFile } from 'node:fs/promises';
import { imageScore } from '../../src-main/engine/anomaly/index.ts';
import { bootstrapInterval, weightedAuroc } from '../../src-main/engine/metrics/bootstrap.ts';
import { openSavedMaps } from './savedMaps.ts';

const [scoresFile, ...dirs] = process.argv.slice(2);
const saved = await openSavedMaps(dirs);
const cls = JSON.parse(await readFile(scoresFile, 'utf8'));
for (const set of ['val', 'held', 'path'])
  if (cls[set].images.join() !== saved.first[set].meta.images.join())
    throw new Error(`${scoresFile}: its ${set} images are not the saved maps' (in order)`);
const heldOut: boolean[] = cls.path.heldOut;

/** AUROC of positives over negatives, its 95% bootstrap interval (stratified), and the
 * sensitivity at the cut-off that keeps 90% of the negatives at or below it. */
function report(name: string, pos: number[], neg: number[]) {
  const scores = [...pos, ...neg];
  const labels = scores.map((_, i) => (i < pos.length ? 1 : 0));
  const strata = [pos.map((_, i) => i), neg.map((_, i) => pos.length + i)];
  const value = weightedAuroc(scores, labels, new Float64Array(scores.length).fill(1));
  const ci = bootstrapInterval(strata, (w) => weightedAuroc(scores, labels, w));
  const cut = [...neg].sort((a, b) => a - b)[Math.ceil(0.9 * neg.length) - 1];
  const spec = neg.filter((v) => v <= cut).length;
  const sens = pos.filter((v) => v > cut).length;
  console.log(
    `${name.padEnd(46)} n+ ${String(pos.length).padStart(2)}  AUROC ${value.toFixed(3)} [${ci.low.toFixed(2)}, ${ci.high.toFixed(2)}]  at spec ${spec}/${neg.length}: sens ${sens}/${pos.length}`,
  );
}
const onHeld = (values: number[]) => values.filter((_, i) => heldOut[i]);
const logit = (set: string, ts: string[]) =>
  (cls[set].logits[ts[0]] as number[]).map(
    (_, i) => ts.reduce((s, t) => s + cls[set].logits[t][i], 0) / ts.length,
  );
for (const ts of [['t0'], ['t100'], ['t0', 't100'], ['t0', 't50', 't100']]) {
  const neg = [...logit('val', ts), ...logit('held', ts)];
  report(`classifier, mean logit ${ts.join(' ')}`, onHeld(logit('path', ts)), neg);
}
/** The fraction of a reference set below v: scores of different units made comparable. */
const quantile = (ref: number[], v: number) => ref.filter((r) => r < v).length / ref.length;
const variants = {
  raw: saved.combo(dirs.slice(0, 1)),
  ratio: saved.normalise(saved.combo(dirs.slice(0, 1)), 'ratio'),
  z: saved.normalise(saved.combo(dirs.slice(0, 1)), 'z'),
  ...(dirs.length > 1 ? { 'ratio ensemble': saved.normalise(saved.combo(dirs), 'ratio') } : {}),
};
for (const [name, maps] of Object.entries(variants))
  for (const top of [0.01, 0.05]) {
    const score = (set: string) =>
      maps[set].map((m, i) => imageScore(m, saved.brainOf(set)[i], top));
    const neg = [...score('val'), ...score('held')];
    const pos = score('path');
    report(`map ${name}, top ${top * 100}%`, pos, neg);
    const clsNeg = [...logit('val', ['t0']), ...logit('held', ['t0'])];
    const clsPos = logit('path', ['t0']);
    const both = (m: number, c: number) => quantile(neg, m) + quantile(clsNeg, c);
    report(
      `map ${name}, top ${top * 100}% + classifier t0`,
      onHeld(pos.map((v, i) => both(v, clsPos[i]))),
      neg.map((v, i) => both(v, clsNeg[i])),
    );
  }
