/**
 * Maps saved by maps.ts, read back per set (val, path, held, stats), with the offline
 * combinations analyse.ts and imageScore.ts share: the mean over levels (an ensemble) and the
 * map against the healthy residual of its own `stats` maps (z-score, minus or over the mean).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { prepareCases, readDatasetManifest } from '../../src-main/engine/train/dataset.ts';
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
