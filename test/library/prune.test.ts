import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Library } from '../../src-main/library/library.ts';
import { addSliceStudy } from './fixtures/seed.ts';
import { tempDir } from './fixtures/rasters.ts';

let library: Library;
beforeEach(() => {
  library = Library.open(join(tempDir(), 'library'));
});
afterEach(() => library.close());

const HOUR = 60 * 60_000;
const age = (path: string, ms: number) => {
  const then = new Date(Date.now() - ms);
  utimesSync(path, then, then);
};
const raster = (value: number) => ({
  width: 4,
  height: 4,
  bitDepth: 8 as const,
  pixels: new Uint8Array(16).fill(value),
});

describe('pruning the image store', () => {
  it('removes old files nothing refers to, keeps referenced and young ones, and the library still reads', async () => {
    const { imageId } = await addSliceStudy(library, { uid: 's1' });
    const image = library.getImage(imageId);
    const orphan = library.store.pathOf(await library.store.put(raster(7)));
    const young = library.store.pathOf(await library.store.put(raster(8)));
    const leftover = `${orphan}.0a1b2c.tmp`;
    writeFileSync(leftover, 'half a file');
    for (const path of [orphan, leftover, library.store.pathOf(image.hash)]) age(path, 2 * HOUR);
    age(young, HOUR / 2);

    const report = library.pruneStore();
    expect(report).toMatchObject({ removed: 2, kept: 1 });
    expect(report.bytes).toBeGreaterThan(0);
    expect([existsSync(orphan), existsSync(leftover), existsSync(young)]).toEqual([
      false,
      false,
      true,
    ]);
    expect((await library.getImagePixels(imageId)).width).toBe(image.width);
    expect(library.integrityCheck()).toBe('ok');
  });

  it("frees a discarded run's reconstructions and maps", async () => {
    const { imageId } = await addSliceStudy(library, { uid: 's1' });
    const model = library.registerModel({
      name: 'm',
      version: '1',
      kind: 'diffusion',
      checksum: 'c',
      manifest: {},
    });
    const run = library.createRun({ settings: { imageSize: 16 }, modelIds: [model.id] });
    const values = Float32Array.from({ length: 256 }, (_, i) => i / 256);
    const result = await library.saveResult({
      runId: run.id,
      imageId,
      reconstruction: { width: 16, height: 16, values },
      map: { width: 16, height: 16, values: values.map((v) => 1 - v) },
      score: 0.1,
    });
    const files = [result.reconstructionHash, result.mapHash].map((h) => library.store.pathOf(h));
    library.discardRun(run.id, 'cancelled');
    expect(library.pruneStore({ minAgeMs: 0 }).removed).toBe(2);
    expect(files.map((f) => existsSync(f))).toEqual([false, false]);
  });
});
