import { afterEach, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as nifti from 'nifti-reader-js';
import sharp from 'sharp';
import {
  Library,
  importPaths,
  exportRun,
  exportMasks,
  exportAudit,
} from '../../../src-main/library/index.ts';
import { dicomBytes } from '../fixtures/dicom.ts';
import { tempDir } from '../fixtures/rasters.ts';

let library: Library | undefined;
afterEach(() => library?.close());

it('round-trips import -> label -> annotate -> results -> export of report, maps, masks and audit', async () => {
  const dir = tempDir();
  const pixels = Uint16Array.from({ length: 24 * 20 }, (_, i) => 1000 + i);
  writeFileSync(join(dir, 'slice.dcm'), dicomBytes({ width: 24, height: 20, pixels }));
  library = Library.open(join(dir, 'library'), { actor: 'dr.a' });
  expect((await importPaths(library, [join(dir, 'slice.dcm')])).imported).toBe(1);
  const [listed] = library.listStudies({ offset: 0, limit: 1 }).studies;
  const image = library.getStudy(listed.id).images[0];

  library.setLabel(listed.id, { verdict: 'pathological', findings: ['mass'], status: 'done' });
  await library.addAnnotation({
    imageId: image.id,
    finding: 'mass',
    box: { x: 2, y: 3, width: 4, height: 5 },
  });

  const model = library.registerModel({
    name: 'ddim',
    version: '2',
    kind: 'diffusion',
    checksum: 'c0ffee',
    manifest: {},
  });
  const run = library.createRun({
    name: 'eval',
    // The image operating point (image score) sits below the pixel cut-off (map value), as on
    // real maps: the verdict must read the former.
    settings: {
      imageSize: 24,
      noiseLevel: 500,
      stride: 25,
      guidanceScale: 100,
      imageScoreThreshold: 0.6,
    },
    modelIds: [model.id],
  });
  const map = Float32Array.from({ length: 24 * 20 }, (_, i) => (i % 24) / 24);
  await library.saveResult({
    runId: run.id,
    imageId: image.id,
    reconstruction: { width: 24, height: 20, values: map },
    map: { width: 24, height: 20, values: map },
    score: 0.7,
    pixelThreshold: 0.9,
  });
  library.finishRun(run.id);

  const out = join(dir, 'export');
  const report = exportRun(library, run.id, out);
  const csv = readFileSync(report.csv, 'utf8').trim().split('\n');
  expect(csv[0]).toContain(
    'score,pixel_threshold,image_score_threshold,above_threshold,label_verdict',
  );
  expect(csv[1]).toContain(',0.7,0.9,0.6,true,pathological,mass,done,');
  const json = JSON.parse(readFileSync(report.json, 'utf8'));
  expect(json.run.settings).toMatchObject({ noiseLevel: 500, guidanceScale: 100 });
  expect(json.models).toEqual([
    expect.objectContaining({ name: 'ddim', version: '2', checksum: 'c0ffee' }),
  ]);
  expect(json.results[0]).toMatchObject({
    score: 0.7,
    humanLabel: { verdict: 'pathological', findings: ['mass'], author: 'dr.a' },
  });
  const mapPng = await sharp(report.images[1]).metadata();
  expect([mapPng.format, mapPng.depth, mapPng.width, mapPng.height]).toEqual([
    'png',
    'ushort',
    24,
    20,
  ]);

  const masks = await exportMasks(library, image.id, join(out, 'masks'));
  const maskPng = masks.find((file) => file.endsWith('.png'))!;
  const { data } = await sharp(maskPng)
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const inside = Array.from(data).reduce((count, value) => count + (value === 255 ? 1 : 0), 0);
  expect(inside).toBe(4 * 5);
  expect(data[3 * 24 + 2]).toBe(255);
  const niiBytes = readFileSync(masks.find((file) => file.endsWith('.nii'))!);
  const buffer = niiBytes.buffer.slice(
    niiBytes.byteOffset,
    niiBytes.byteOffset + niiBytes.byteLength,
  );
  const header = nifti.readHeader(buffer);
  expect(header.dims.slice(0, 4)).toEqual([3, 24, 20, 1]);
  const voxels = new Uint8Array(nifti.readImage(header, buffer));
  expect(voxels.reduce((count, value) => count + (value === 255 ? 1 : 0), 0)).toBe(20);

  const auditFile = join(out, 'audit.csv');
  const entries = exportAudit(library, auditFile);
  const auditLines = readFileSync(auditFile, 'utf8').trim().split('\n');
  expect(auditLines).toHaveLength(entries + 1);
  expect(auditLines.slice(1).map((line) => line.split(',')[3])).toEqual([
    'import',
    'set-label',
    'add-annotation',
    'register-model',
    'create-run',
    'save-result',
    'finish-run',
  ]);
});
