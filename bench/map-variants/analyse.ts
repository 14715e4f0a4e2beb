// Offline combination of saved maps: single L, ensembles over L, healthy-normalised variants.
import { calibrateThreshold } from '../../src-main/engine/anomaly/index.ts';
import { openSavedMaps, pathMetrics, type MapsBySet } from './savedMaps.ts';

const dirs = process.argv.slice(2);
const { heldPath, first, pathCases, brainOf, combo, normalise } = await openSavedMaps(dirs);
const heldIdx = first.path.meta.images
  .map((img: string, i: number) => [img, i] as const)
  .filter(([img]: readonly [string, number]) => heldPath.has(img))
  .map(([, i]: readonly [string, number]) => i);
function metrics(name: string, m: MapsBySet, labScale: number) {
  const th = calibrateThreshold(m.val, brainOf('val'), 0.05);
  const on = pathMetrics(m.path, pathCases, () => th, labScale);
  const restIdx = pathCases.map((_, i) => i).filter((i) => !heldIdx.includes(i));
  console.log(
    `${name.padEnd(24)} all32: ${on(pathCases.map((_, i) => i))} | held6: ${on(heldIdx)} | rest26: ${on(restIdx)}`,
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
