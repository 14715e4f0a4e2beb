/**
 * A bank of synthetic positives for the GPU classifier run, made by the engine's own generator
 * (syntheticAnomaly.ts, five kinds) on the dumped healthy slices that the classifier may train
 * on (held-out cases excluded), with the classifier's scanner mix (IXI share 0.2). Stored sparse:
 * only the changed pixels, so the device tool's 64 MiB limit holds.
 * Usage: tsx train-gpu/make-bank.ts DATA_DIR COUNT SEED (DATA_DIR from dump-dataset.ts)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { mulberry32 } from '../src-main/engine/random.ts';
import { lesionRegion } from '../src-main/engine/train/augment.ts';
import { SYNTHETIC_KINDS, syntheticAnomaly } from '../src-main/engine/train/syntheticAnomaly.ts';

const [dir, countArg, seedArg] = process.argv.slice(2);
const count = Number(countArg ?? 3000);
const random = mulberry32(Number(seedArg ?? 7));
const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
const size: number = meta.imageSize;
const raw = gunzipSync(readFileSync(join(dir, 'healthy.f32.gz')));
const all = new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
const slice = (i: number) => all.subarray(i * size * size, (i + 1) * size * size);
const usable = meta.healthy
  .map((c: { source: string; classifierHeldOut: boolean }, i: number) => ({ ...c, i }))
  .filter((c: { classifierHeldOut: boolean }) => !c.classifierHeldOut);
const fast = usable.filter((c: { source: string }) => c.source === 'fastMRI');
const ixi = usable.filter((c: { source: string }) => c.source !== 'fastMRI');
const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
const regions = new Map<number, Uint8Array>();
const bases: number[] = [];
const kinds: number[] = [];
const lengths: number[] = [];
const indices: number[] = [];
const values: number[] = [];
let tries = 0;
while (bases.length < count && tries++ < count * 5) {
  const pool = random() < 0.2 ? ixi : fast;
  const base = pick(pool) as { i: number };
  const kindIndex = Math.floor(random() * SYNTHETIC_KINDS.length);
  const kind = SYNTHETIC_KINDS[kindIndex];
  if (!regions.has(base.i)) regions.set(base.i, lesionRegion(slice(base.i), size));
  const donor = kind === 'patch' ? slice((pick(pool) as { i: number }).i) : null;
  const anomaly = syntheticAnomaly(kind, slice(base.i), size, regions.get(base.i)!, random, donor);
  if (!anomaly) continue;
  let n = 0;
  const pixels = slice(base.i);
  for (let p = 0; p < anomaly.pixels.length; p++)
    if (anomaly.pixels[p] !== pixels[p]) {
      indices.push(p);
      values.push(anomaly.pixels[p]);
      n++;
    }
  if (n < 8) continue;
  bases.push(base.i);
  kinds.push(kindIndex);
  lengths.push(n);
}
const write = (name: string, bytes: ArrayBufferView) =>
  writeFileSync(
    join(dir, name + '.gz'),
    gzipSync(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { level: 9 }),
  );
write('bank-base.i32', Int32Array.from(bases));
write('bank-kind.i32', Int32Array.from(kinds));
write('bank-length.i32', Int32Array.from(lengths));
write('bank-index.i32', Int32Array.from(indices));
write('bank-value.f32', Float32Array.from(values));
const perKind = SYNTHETIC_KINDS.map((k, j) => `${k} ${kinds.filter((x) => x === j).length}`);
process.stdout.write(
  `${bases.length} synthetic positives, ${indices.length} changed pixels; ${perKind.join(', ')}\n`,
);
