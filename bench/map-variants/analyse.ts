// Offline combination of saved maps: single L, ensembles over L, healthy-normalised variants.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { prepareCases, readDatasetManifest } from '../../src-main/engine/train/dataset.ts';
import { calibrateThreshold } from '../../src-main/engine/anomaly/index.ts';
import { labF1 } from '../../src-main/engine/metrics/index.ts';
import {
  RankedPixels,
  bootstrapInterval,
  weightedLabF1,
} from '../../src-main/engine/metrics/bootstrap.ts';
import { classifierSplit } from '../../src-main/engine/train/index.ts';

const P = 4096;
const dirs = process.argv.slice(2);
async function load(dir: string, set: string) {
  const maps = new Float32Array((await readFile(join(dir, `${set}.maps.f32`))).buffer.slice(0));
  const brain = new Uint8Array(await readFile(join(dir, `${set}.brain.u8`)));
  const meta = JSON.parse(await readFile(join(dir, `${set}.json`), 'utf8'));
  const n = meta.images.length;
  return {
    n,
    meta,
    maps: Array.from({ length: n }, (_, i) => maps.slice(i * P, (i + 1) * P)),
    brain: Array.from({ length: n }, (_, i) => brain.slice(i * P, (i + 1) * P)),
  };
}
const all = await readDatasetManifest(
  process.env.ANOMAP_MANIFEST ?? '../shared/data/brain-mid/manifest.csv',
);
const byImage = new Map(all.map((c) => [c.image, c]));
const heldPath = new Set(classifierSplit(all).holdout.pathological.map((c) => c.image));
const data: Record<string, Record<string, Awaited<ReturnType<typeof load>>>> = {};
for (const d of dirs) {
  data[d] = {};
  for (const s of ['val', 'path', 'held', 'stats']) {
    try {
      data[d][s] = await load(d, s);
    } catch {
      /* missing */
    }
  }
}
const first = data[dirs[0]];
const pathCases = await prepareCases(
  first.path.meta.images.map((i: string) => byImage.get(i)!),
  64,
);
const brainOf = (set: string) => first[set].brain;

type MapsBySet = Record<string, Float32Array[]>;
const mean = (lists: Float32Array[][]) =>
  lists[0].map((_, i) => {
    const o = new Float32Array(P);
    for (const l of lists) for (let k = 0; k < P; k++) o[k] += l[i][k] / lists.length;
    return o;
  });
function combo(ds: string[]): MapsBySet {
  const out: MapsBySet = {};
  for (const s of ['val', 'path', 'held', 'stats'])
    if (data[ds[0]][s]) out[s] = mean(ds.map((d) => data[d][s].maps));
  return out;
}
function stats(maps: Float32Array[], brains: Uint8Array[]) {
  const mu = new Float32Array(P),
    sd = new Float32Array(P),
    cnt = new Float32Array(P);
  maps.forEach((m, i) => {
    for (let k = 0; k < P; k++)
      if (brains[i][k]) {
        mu[k] += m[k];
        cnt[k]++;
      }
  });
  for (let k = 0; k < P; k++) mu[k] = cnt[k] ? mu[k] / cnt[k] : 0;
  maps.forEach((m, i) => {
    for (let k = 0; k < P; k++) if (brains[i][k]) sd[k] += (m[k] - mu[k]) ** 2;
  });
  for (let k = 0; k < P; k++) sd[k] = cnt[k] > 1 ? Math.sqrt(sd[k] / (cnt[k] - 1)) : 0;
  const pooled = [...sd].filter((_, k) => cnt[k] >= 10).sort((a, b) => a - b);
  const med = pooled[Math.floor(pooled.length / 2)];
  const gmu = [...mu].filter((_, k) => cnt[k] >= 10).sort((a, b) => a - b)[
    Math.floor(pooled.length / 2)
  ];
  for (let k = 0; k < P; k++)
    if (cnt[k] < 10) {
      mu[k] = gmu;
      sd[k] = med;
    }
  return { mu, sd, med };
}
function normalise(m: MapsBySet, how: string, floorFrac = 0.5): MapsBySet {
  const st = stats(m.stats, brainOf('stats'));
  const out: MapsBySet = {};
  for (const s of Object.keys(m))
    out[s] = m[s].map((map, i) => {
      const b = brainOf(s)[i];
      const o = new Float32Array(P);
      for (let k = 0; k < P; k++) {
        if (!b[k]) continue;
        const sd = Math.max(st.sd[k], floorFrac * st.med);
        o[k] =
          how === 'z'
            ? Math.max(0, (map[k] - st.mu[k]) / sd)
            : how === 'sub'
              ? Math.max(0, map[k] - st.mu[k])
              : map[k] / (st.mu[k] + floorFrac * st.med);
      }
      return o;
    });
  return out;
}
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
