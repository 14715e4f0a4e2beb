/**
 * Writes the training slices of the PyTorch twin (train-gpu/train.py), preprocessed by the
 * engine's own code so the twin cannot drift from it:
 *   healthy.f32.gz      [N, S, S] float32, the split=train healthy slices (diffusion set)
 *   lesion-region.u8.gz [N, S, S] where a synthetic lesion may go (augment.ts lesionRegion)
 *   pathological.f32.gz [M, S, S] the classifier_train pathological slices
 *   meta.json           per slice: file name, source, whether the classifier holds it out
 * (gzip: the device tool sends at most 64 MiB with the working tree.)
 * Held-out cases (classifierSplit) are flagged, never dropped silently, and no val or test
 * image is read. Usage: tsx train-gpu/dump-dataset.ts <manifest.csv> <outDir> [size]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { prepareCases, readDatasetManifest } from '../src-main/engine/train/dataset.ts';
import { classifierSplit } from '../src-main/engine/train/index.ts';
import { lesionRegion } from '../src-main/engine/train/augment.ts';

function concatFloat(slices: Float32Array[]): Buffer {
  const out = new Float32Array(slices.reduce((n, s) => n + s.length, 0));
  let at = 0;
  for (const s of slices) {
    out.set(s, at);
    at += s.length;
  }
  return Buffer.from(out.buffer);
}

async function main(): Promise<void> {
  const [manifestPath, outDir, sizeArg] = process.argv.slice(2);
  if (!manifestPath || !outDir)
    throw new Error('usage: dump-dataset.ts <manifest.csv> <outDir> [imageSize]');
  const size = Number(sizeArg ?? 64);
  const all = await readDatasetManifest(manifestPath);
  const split = classifierSplit(all);
  const healthyCases = all.filter((c) => c.split === 'train' && c.label === 'normal');
  const pathologicalCases = all.filter(
    (c) => c.split === 'classifier_train' && c.label === 'pathological',
  );
  const heldOut = new Set([...split.holdout.healthy, ...split.holdout.pathological]);
  const healthy = await prepareCases(healthyCases, size);
  const pathological = await prepareCases(pathologicalCases, size);
  await mkdir(outDir, { recursive: true });
  const write = (name: string, bytes: Uint8Array) =>
    writeFile(join(outDir, `${name}.gz`), gzipSync(bytes, { level: 9 }));
  await write('healthy.f32', concatFloat(healthy.map((c) => c.pixels)));
  await write('pathological.f32', concatFloat(pathological.map((c) => c.pixels)));
  const regions = new Uint8Array(healthy.length * size * size);
  healthy.forEach((c, i) => regions.set(lesionRegion(c.pixels, size), i * size * size));
  await write('lesion-region.u8', regions);
  const describe = (cases: typeof healthy) =>
    cases.map((c) => ({
      image: basename(c.case.image),
      source: c.case.source,
      classifierHeldOut: heldOut.has(c.case),
    }));
  const meta = {
    manifest: basename(manifestPath),
    imageSize: size,
    healthy: describe(healthy),
    pathological: describe(pathological),
  };
  await writeFile(join(outDir, 'meta.json'), JSON.stringify(meta, null, 1) + '\n');
  const held = meta.healthy.filter((c) => c.classifierHeldOut).length;
  const heldP = meta.pathological.filter((c) => c.classifierHeldOut).length;
  process.stdout.write(
    `${outDir}: ${healthy.length} healthy (${held} held out for the classifier), ` +
      `${pathological.length} pathological (${heldP} held out)\n`,
  );
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
