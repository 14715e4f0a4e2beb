// Image scores on all 32 non-test pathological cases, each scored by a classifier that never saw
// it (issue 17, item 5, with the per-fold classifiers of folds.ts): the classifier at t = 0 and
// t = 100, the map's own score, and their sums of healthy quantiles. Healthy: the 15 val and the
// 26 held-out healthy images, which neither fold's classifier trained on; each fold's 16
// pathological cases are ranked against the 41 as scored by that fold's classifier, and each
// healthy image against the other 40 (leave one out), so the two folds pool into one AUROC.
// usage: tsx imageScoreFolds.ts FOLDS.json CLS_FOLD0.json CLS_FOLD1.json MAPS_DIR
//   CLS_FOLDk.json: classifierScores.ts with fold k's models (val,held,path); MAPS_DIR: maps.ts
//   output of one map (val, held, path and stats: raw maps, normalised here).
import { readFile } from 'node:fs/promises';
import { imageScore } from '../../src-main/engine/anomaly/index.ts';
import { bootstrapInterval, weightedAuroc } from '../../src-main/engine/metrics/bootstrap.ts';
import { openSavedMaps, type MapsBySet } from './savedMaps.ts';

const [foldsFile, cls0File, cls1File, mapsDir] = process.argv.slice(2);
const folds: string[][] = JSON.parse(await readFile(foldsFile, 'utf8'));
const cls = await Promise.all(
  [cls0File, cls1File].map(async (f) => JSON.parse(await readFile(f, 'utf8'))),
);
const saved = await openSavedMaps([mapsDir]);
const healthySets = ['val', 'held'];
const healthy: string[] = healthySets.flatMap((s) => saved.first[s].meta.images);
for (const c of cls)
  for (const set of [...healthySets, 'path'])
    if (c[set].images.join() !== saved.first[set].meta.images.join())
      throw new Error(`classifier scores: its ${set} images are not the saved maps' (in order)`);
const pathImages: string[] = saved.first.path.meta.images;

/** A score per image (healthy and pathological), for each fold's reading. */
type Component = [Map<string, number>, Map<string, number>];
const byImage = (sets: string[], values: (set: string) => number[]) =>
  new Map(
    sets.flatMap((s) => values(s).map((v, i) => [saved.first[s].meta.images[i], v] as const)),
  );
const classifier = (ts: string[]): Component =>
  [0, 1].map((k) =>
    byImage([...healthySets, 'path'], (s) =>
      (cls[k][s].logits[ts[0]] as number[]).map(
        (_, i) => ts.reduce((sum, t) => sum + cls[k][s].logits[t][i], 0) / ts.length,
      ),
    ),
  ) as Component;
const mapScore = (maps: MapsBySet, top: number): Component => {
  const m = byImage([...healthySets, 'path'], (s) =>
    maps[s].map((map, i) => imageScore(map, saved.brainOf(s)[i], top)),
  );
  return [m, m];
};

/** Mid-rank quantile of v among ref. */
const quantile = (ref: number[], v: number) =>
  (ref.filter((r) => r < v).length + 0.5 * ref.filter((r) => r === v).length + 0.5) /
  (ref.length + 1);

function report(name: string, components: Component[]) {
  // entries: the 32 pathological (each read by its fold), then each healthy image once per fold
  const scores: number[] = [];
  const labels: number[] = [];
  const image: number[] = []; // bootstrap unit: pathological case i, or healthy image 32 + h
  const sum = (k: number, im: string, ref: string[]) =>
    components.reduce(
      (s, c) =>
        s +
        quantile(
          ref.map((h) => c[k].get(h)!),
          c[k].get(im)!,
        ),
      0,
    );
  pathImages.forEach((im, i) => {
    const k = folds.findIndex((f) => f.includes(im));
    if (k < 0) throw new Error(`${im} is in no fold`);
    scores.push(sum(k, im, healthy));
    labels.push(1);
    image.push(i);
  });
  for (const k of [0, 1])
    healthy.forEach((im, h) => {
      scores.push(
        sum(
          k,
          im,
          healthy.filter((o) => o !== im),
        ),
      );
      labels.push(0);
      image.push(pathImages.length + h);
    });
  const weightsOf = (perImage: Float64Array) => Float64Array.from(image, (u) => perImage[u]);
  const value = weightedAuroc(scores, labels, weightsOf(new Float64Array(image.length).fill(1)));
  const strata = [pathImages.map((_, i) => i), healthy.map((_, h) => pathImages.length + h)];
  const ci = bootstrapInterval(strata, (w) => weightedAuroc(scores, labels, weightsOf(w)));
  const neg = scores.filter((_, i) => labels[i] === 0).sort((a, b) => a - b);
  const cut = neg[Math.ceil(0.9 * neg.length) - 1];
  const sens = scores.filter((v, i) => labels[i] === 1 && v > cut).length;
  console.log(
    `${name.padEnd(44)} AUROC ${value.toFixed(3)} [${ci.low.toFixed(2)}, ${ci.high.toFixed(2)}]  sens at spec 0.90: ${sens}/${pathImages.length}`,
  );
}

const raw = saved.combo([mapsDir]);
const z = mapScore(saved.normalise(raw, 'z'), 0.01);
const ratio = mapScore(saved.normalise(raw, 'ratio'), 0.01);
const t0 = classifier(['t0']);
const t100 = classifier(['t100']);
report('classifier t0', [t0]);
report('classifier t100', [t100]);
report('classifier, mean logit t0 t100', [classifier(['t0', 't100'])]);
// test-time augmentation, where the scores have it (classifierScores.ts writes t0flip, t0shift)
if (cls.every((c) => c.val.logits.t0flip)) {
  report('classifier t0, mean logit with its mirror', [classifier(['t0', 't0flip'])]);
  report('classifier t0, mean logit with 4 shifts', [classifier(['t0', 't0shift'])]);
  report('classifier t0, mirror and shifts', [classifier(['t0', 't0flip', 't0shift'])]);
}
report('map z, top 1%', [z]);
report('map ratio, top 1%', [ratio]);
report('classifier t0 + map z', [t0, z]);
report('classifier t0 + map ratio', [t0, ratio]);
report('classifier t0 + t100 + map z', [t0, t100, z]);
report('classifier t0 + t100 + map ratio', [t0, t100, ratio]);
