/**
 * Maps saved by maps.ts, read back per set (val, path, held, stats), with the offline
 * combinations analyse.ts and imageScore.ts share: the mean over levels (an ensemble) and the
 * map against the healthy residual of its own `stats` maps (z-score, minus or over the mean).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LAB_MAP_SCALE } from '../../src-main/engine/evaluate.ts';
import { labCaseF1 } from '../../src-main/engine/metrics/index.ts';
import {
  RankedPixels,
  bootstrapInterval,
  weightedLabF1,
} from '../../src-main/engine/metrics/bootstrap.ts';
import {
  prepareCases,
  readDatasetManifest,
  type PreparedCase,
} from '../../src-main/engine/train/dataset.ts';
import { classifierSplit } from '../../src-main/engine/train/index.ts';

export const P = 4096;
export type MapsBySet = Record<string, Float32Array[]>;
export type Normalisation = 'z' | 'sub' | 'ratio';

export async function openSavedMaps(dirs: string[]) {
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
  // brain masks depend only on the input image, so any folder that holds the set has them
  const brainOf = (set: string) => dirs.map((d) => data[d][set]).find(Boolean)!.brain;

  const mean = (lists: Float32Array[][]) =>
    lists[0].map((_, i) => {
      const o = new Float32Array(P);
      for (const l of lists) for (let k = 0; k < P; k++) o[k] += l[i][k] / lists.length;
      return o;
    });
  function combo(ds: string[]): MapsBySet {
    const out: MapsBySet = {};
    for (const s of ['val', 'path', 'held', 'stats'])
      if (ds.every((d) => data[d][s])) out[s] = mean(ds.map((d) => data[d][s].maps));
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
  function normalise(m: MapsBySet, how: Normalisation, floorFrac = 0.5): MapsBySet {
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
  return { all, byImage, heldPath, data, first, pathCases, brainOf, combo, normalise };
}

/**
 * Pixel AUPRC and the lab F1 of the pathological cases' maps (`maps[i]` is case i's; the lab F1
 * counts what is above `cutoffOf(i)`, on the map x labScale), as a function of a subset of the
 * cases: both figures on it, with 95% bootstrap intervals resampling its images.
 */
export function pathMetrics(
  maps: Float32Array[],
  cases: PreparedCase[],
  cutoffOf: (i: number) => number,
  labScale = LAB_MAP_SCALE,
): (idx: number[]) => string {
  const boxes = cases.flatMap((c, i) => {
    // the map in the lab's units once per case, shared by its boxes
    const map = maps[i].map((v) => v * labScale);
    const cutoff = cutoffOf(i) * labScale;
    return c.perFinding.map((f) => ({
      image: i,
      findingName: f.name,
      f1: labCaseF1(
        { findingName: f.name, map, boxMask: f.mask, healthyMask: c.healthyMask! },
        cutoff,
      ).f1,
    }));
  });
  const ranked = new RankedPixels(
    maps,
    cases.map((c) => c.findingMask!),
    maps.map(() => new Uint8Array(P).fill(1)),
  );
  return (idx) => {
    const w = new Float64Array(maps.length);
    for (const i of idx) w[i] = 1;
    // resample weights cover the images up to the stratum's last: the rest weigh 0
    const full = (b: Float64Array) => {
      const out = new Float64Array(maps.length);
      out.set(b);
      return out;
    };
    const a = bootstrapInterval([idx], (b) => ranked.measure(full(b)).auprc, { resamples: 500 });
    const l = bootstrapInterval([idx], (b) => weightedLabF1(boxes, full(b)), { resamples: 500 });
    return `AUPRC ${ranked.measure(w).auprc.toFixed(3)} [${a.low.toFixed(2)},${a.high.toFixed(2)}] lab ${weightedLabF1(boxes, w).toFixed(3)} [${l.low.toFixed(2)},${l.high.toFixed(2)}]`;
  };
}
