// Guided against unguided on all 32 classifier_train cases, each read by a classifier that never
// saw it (issue 17, item 4): two folds, a classifier trained per fold without that fold's
// pathological cases, its guided maps on them (maps.ts with the fold's models, set path). The
// pixel cut-off of each fold's maps is calibrated on its own val maps; pixel AUPRC pools all 32;
// the lab F1 pools the boxes of both folds (mean per finding, then over findings).
// usage: tsx folds.ts FOLDS.json UNGUIDED_DIR GUIDED_FOLD0_DIR GUIDED_FOLD1_DIR [NAME=DIR0,DIR1 ...]
//   NAME=DIR0,DIR1: further guided variants, fold 0's and fold 1's maps (each with all 32 path
//   maps, as maps.ts writes them); z-scored too where both folders hold their own stats maps.
//   FOLDS.json: [[images of fold 0], [images of fold 1]] (absolute paths, as maps.ts saves them); UNGUIDED_DIR: maps of
//   the default's reconstruction with val, path and stats (z-scored here against stats).
import { readFile } from 'node:fs/promises';
import { calibrateThreshold } from '../../src-main/engine/anomaly/index.ts';
import { openSavedMaps, pathMetrics, type MapsBySet } from './savedMaps.ts';

const [foldsFile, unguidedDir, guided0, guided1, ...named] = process.argv.slice(2);
const guidedDirs = [guided0, guided1];
const variants = named.map((arg) => {
  const [name, dirs] = arg.split('=');
  const pair = dirs?.split(',') ?? [];
  if (pair.length !== 2) throw new Error(`expected NAME=DIR0,DIR1, got ${arg}`);
  return { name, dirs: pair };
});
const folds: string[][] = JSON.parse(await readFile(foldsFile, 'utf8'));
const saved = await openSavedMaps([unguidedDir, ...guidedDirs, ...variants.flatMap((v) => v.dirs)]);
const images: string[] = saved.first.path.meta.images;
const foldOf = images.map((image) => folds.findIndex((f) => f.includes(image)));
if (foldOf.some((k) => k < 0)) throw new Error('a pathological case is in no fold');

/** Pooled metrics of maps where case i comes from mapsOfFold[foldOf[i]]. */
function measure(name: string, mapsOfFold: MapsBySet[]) {
  const maps = images.map((_, i) => mapsOfFold[foldOf[i]].path[i]);
  const cutoffs = mapsOfFold.map((m) => calibrateThreshold(m.val, saved.brainOf('val'), 0.05));
  const on = pathMetrics(maps, saved.pathCases, (i) => cutoffs[foldOf[i]]);
  const all = images.map((_, i) => i);
  const byFold = folds.map((_, k) => all.filter((i) => foldOf[i] === k));
  const lines = [`all32: ${on(all)}`, ...byFold.map((idx, k) => `fold${k}: ${on(idx)}`)];
  console.log(`${name.padEnd(28)} ${lines.join(' | ')}`);
}

const unguided = saved.normalise(saved.combo([unguidedDir]), 'z');
measure('unguided default (z)', [unguided, unguided]);
measure('unguided raw', [saved.combo([unguidedDir]), saved.combo([unguidedDir])]);
measure(
  'guided per fold (raw)',
  guidedDirs.map((d) => saved.combo([d])),
);
for (const { name, dirs } of variants) {
  const maps = dirs.map((d) => saved.combo([d]));
  measure(`${name} (raw)`, maps);
  if (maps.every((m) => m.stats))
    measure(
      `${name} (z)`,
      maps.map((m) => saved.normalise(m, 'z')),
    );
}
