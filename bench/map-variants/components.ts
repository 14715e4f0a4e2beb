// Connected-component post-processing of saved maps (already normalised, e.g. a maps.ts run with
// "mapNormalisation":"healthy-z"): of the regions above the val cut-off, keep those whose peak
// reaches a higher cut-off (hysteresis), or only the k hottest; the rest is lowered to the cut-off.
// Pixel AUPRC and lab F1 on the 32 non-test pathological cases.
// usage: tsx components.ts MAPS_DIR   (sets val, path)
import { calibrateThreshold } from '../../src-main/engine/anomaly/index.ts';
import { P, openSavedMaps, pathMetrics } from './savedMaps.ts';
const S = 64;
const [dir] = process.argv.slice(2);
const { pathCases, brainOf, combo } = await openSavedMaps([dir]);
const m = combo([dir]);
const th = calibrateThreshold(m.val, brainOf('val'), 0.05);
console.log('cut-off', th.toFixed(3));
function components(map: Float32Array, low: number) {
  const label = new Int32Array(P).fill(-1);
  const comps: { pixels: number[]; peak: number }[] = [];
  for (let s = 0; s < P; s++) {
    if (map[s] <= low || label[s] >= 0) continue;
    const c = { pixels: [] as number[], peak: -Infinity };
    const stack = [s];
    label[s] = comps.length;
    while (stack.length) {
      const p = stack.pop()!;
      c.pixels.push(p);
      c.peak = Math.max(c.peak, map[p]);
      const x = p % S,
        y = (p - x) / S;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx,
            ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= S || ny >= S) continue;
          const q = ny * S + nx;
          if (label[q] < 0 && map[q] > low) {
            label[q] = comps.length;
            stack.push(q);
          }
        }
    }
    comps.push(c);
  }
  return comps;
}
function keep(map: Float32Array, pred: (c: { peak: number }, rank: number) => boolean) {
  const comps = components(map, th).sort((a, b) => b.peak - a.peak);
  const out = new Float32Array(P);
  // below-threshold pixels stay as they are (they do not count in the lab F1 but do in AUPRC)
  for (let k = 0; k < P; k++) if (map[k] <= th) out[k] = map[k];
  comps.forEach((c, r) => {
    if (pred(c, r)) for (const p of c.pixels) out[p] = map[p];
    else for (const p of c.pixels) out[p] = Math.min(map[p], th);
  });
  return out;
}
const all = pathCases.map((_, i) => i);
const report = (name: string, maps: Float32Array[]) =>
  console.log(`${name.padEnd(30)} ${pathMetrics(maps, pathCases, () => th)(all)}`);
report('as is', m.path);
for (const high of [4, 5, 6, 8])
  report(
    `hysteresis high ${high}`,
    m.path.map((x) => keep(x, (c) => c.peak >= high)),
  );
for (const k of [1, 2, 3])
  report(
    `top ${k} components`,
    m.path.map((x) => keep(x, (_, r) => r < k)),
  );
