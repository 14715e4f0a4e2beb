import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCase, readDatasetManifest } from '../../../src-main/engine/train/dataset.ts';
import {
  writeSyntheticBrainDataset,
  type SyntheticDataset,
} from '../../fixtures/syntheticBrainDataset.ts';

let root: string;
let dataset: SyntheticDataset;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'anomap-dataset-'));
  dataset = await writeSyntheticBrainDataset(join(root, 'data'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('readDatasetManifest', () => {
  it('reads the brain-mid columns, resolving paths against the manifest folder', async () => {
    const cases = await readDatasetManifest(dataset.manifestPath);
    expect(cases).toHaveLength(dataset.cases.length);
    const twoFindings = cases.find((c) => c.findings.length === 2)!;
    expect(twoFindings.findings).toEqual(['mass', 'edema']);
    expect(twoFindings.findingMasks).toHaveLength(2);
    expect(twoFindings.findingMasks[0].startsWith(join(root, 'data', 'findings'))).toBe(true);
    expect(twoFindings.healthyMask).toMatch(/healthy/);
    expect(twoFindings.label).toBe('pathological');
    const withBrain = cases.filter((c) => c.brainMask !== null);
    expect(withBrain.every((c) => c.split === 'test' && c.label === 'normal')).toBe(true);
    expect(new Set(cases.map((c) => c.split))).toEqual(
      new Set(['train', 'val', 'classifier_train', 'test']),
    );
  });

  it('names the file and line of a malformed row', async () => {
    const path = join(root, 'bad.csv');
    await writeFile(
      path,
      'image,source,split,label\na.png,IXI,train,normal\nb.png,IXI,train,sick\n',
    );
    await expect(readDatasetManifest(path)).rejects.toThrow(
      /bad\.csv:3: label must be normal or pathological, found "sick"/,
    );
    await writeFile(path, 'image,source,split,label\na.png,IXI,train\n');
    await expect(readDatasetManifest(path)).rejects.toThrow(
      /bad\.csv:2: expected 4 columns, found 3/,
    );
    await writeFile(path, 'image,source,label\n');
    await expect(readDatasetManifest(path)).rejects.toThrow(/bad\.csv: missing column\(s\) split/);
    await expect(readDatasetManifest(join(root, 'none.csv'))).rejects.toThrow(
      /none\.csv: cannot read the dataset manifest/,
    );
  });
});

describe('prepareCase', () => {
  it('puts the slice and its finding, healthy and brain masks on the same S x S grid', async () => {
    const cases = await readDatasetManifest(dataset.manifestPath);
    const pathological = await prepareCase(
      cases.find((c) => c.findings.length === 2)!,
      32,
    );
    expect(pathological.pixels).toHaveLength(32 * 32);
    expect(Math.min(...pathological.pixels)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...pathological.pixels)).toBeLessThanOrEqual(1);
    expect(pathological.perFinding.map((f) => f.name)).toEqual(['mass', 'edema']);
    const union = pathological.findingMask!;
    for (const f of pathological.perFinding) {
      expect(f.mask.some((v) => v === 1)).toBe(true);
      f.mask.forEach((v, i) => v && expect(union[i]).toBe(1));
    }
    // The healthy mask is the brain outside the boxes: it may not overlap them much.
    const overlap = pathological.healthyMask!.filter((v, i) => v && union[i]).length;
    expect(overlap).toBeLessThan(0.2 * union.filter((v) => v).length);
    // The 48 x 40 image is padded to 48 x 48 (4 rows above and below), not squashed.
    expect(pathological.transform).toMatchObject({
      width: 48,
      height: 40,
      side: 48,
      offsetX: 0,
      offsetY: 4,
    });

    const healthy = await prepareCase(
      cases.find((c) => c.brainMask)!,
      32,
    );
    expect(healthy.findingMask).toBeNull();
    expect(healthy.brainMask!.filter((v) => v).length).toBeGreaterThan(200);
  });

  it('names an unreadable image and a mask of the wrong size', async () => {
    const cases = await readDatasetManifest(dataset.manifestPath);
    const textFile = join(root, 'x.png');
    await writeFile(textFile, 'not a png');
    await expect(prepareCase({ ...cases[0], image: textFile }, 32)).rejects.toThrow(
      /x\.png: cannot read the image/,
    );
    const other = await writeSyntheticBrainDataset(join(root, 'small'), {
      width: 30,
      height: 30,
      specs: [{ split: 'test', source: 'IXI', findings: 1 }],
    });
    const pathological = cases.find((c) => c.findings.length === 1)!;
    const wrongMask = join(other.dir, other.cases[0].findingMasks[0]);
    await expect(prepareCase({ ...pathological, findingMasks: [wrongMask] }, 32)).rejects.toThrow(
      /mask is 30x30, image is 48x40/,
    );
  });
});
