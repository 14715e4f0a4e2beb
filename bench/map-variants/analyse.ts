// Offline combination of saved maps: single L, ensembles over L, healthy-normalised variants.
import { calibrateThreshold } from '../../src-main/engine/anomaly/index.ts';
import { labF1 } from '../../src-main/engine/metrics/index.ts';
import {
  RankedPixels,
  bootstrapInterval,
  weightedLabF1,
} from '../../src-main/engine/metrics/bootstrap.ts';
import { P, openSavedMaps, type MapsBySet } from './savedMaps.ts';

const dirs = process.argv.slice(2);
const { heldPath, first, pathCases, brainOf, combo, normalise } = await openSavedMaps(dirs);
const heldIdx = first.path.meta.images
  .map((img: string, i: number) => [img, i] as const)
  .filter(([img]: readonly [string, number]) => heldPath.has(img))
  .map(([, i]: readonly [string, number]) => i);
function metrics(name: string, m: MapsBySet, labScale: number) {
  const th = calibrateThreshold(m.val, brainOf('val'), 0.05);
  const subset = (idx: number[]) => ({ ...m, path: idx.map((i) => m.path[i]) });
  const one = (mm: MapsBySet, cases: typeof pathCases) => {
    const truths = cases.map((c) => c.findingMask!);
    const every = mm.path.map(() => new Uint8Array(P).fill(1));
    const lab = labF1(
      cases.flatMap((c, i) =>
        c.perFinding.map((f) => ({
          findingName: f.name,
          map: mm.path[i].map((v) => v * labScale),
          boxMask: f.mask,
          healthyMask: c.healthyMask!,
        })),
      ),
      th * labScale,
    );
    const ranked = new RankedPixels(mm.path, truths, every);
    const boxes = cases
      .flatMap((c, i) => c.perFinding.map(() => i))
      .map((image, k) => ({ image, findingName: lab.cases[k].findingName, f1: lab.cases[k].f1 }));
    const idx = [cases.map((_, i) => i)];
    const ia = bootstrapInterval(idx, (w) => ranked.measure(w).auprc, { resamples: 500 });
    const il = bootstrapInterval(idx, (w) => weightedLabF1(boxes, w), { resamples: 500 });
    return `AUPRC ${ranked.measure(new Float64Array(cases.length).fill(1)).auprc.toFixed(3)} [${ia.low.toFixed(2)},${ia.high.toFixed(2)}] lab ${lab.f1.toFixed(3)} [${il.low.toFixed(2)},${il.high.toFixed(2)}]`;
  };
  const restIdx = pathCases.map((_, i) => i).filter((i) => !heldIdx.includes(i));
  console.log(
    `${name.padEnd(24)} all32: ${one(m, pathCases)} | held6: ${one(
      subset(heldIdx),
      heldIdx.map((i: number) => pathCases[i]),
    )} | rest26: ${one(
      subset(restIdx),
      restIdx.map((i) => pathCases[i]),
    )}`,
  );
}
for (const d of dirs) metrics(d.split('/').pop()!, combo([d]), 0.5);
if (dirs.length > 1)
  metrics('ensemble ' + dirs.map((d) => d.split('/').pop()).join('+'), combo(dirs), 0.5);
for (const ds of [...dirs.map((d) => [d]), ...(dirs.length > 1 ? [dirs] : [])]) {
  const c = combo(ds);
  if (!c.stats) continue;
  const tag = ds.map((d) => d.split('/').pop()).join('+');
  metrics(`z(${tag})`, normalise(c, 'z', 0.5), 1);
  metrics(`sub(${tag})`, normalise(c, 'sub'), 0.5);
  metrics(`ratio(${tag})`, normalise(c, 'ratio'), 0.5);
}
