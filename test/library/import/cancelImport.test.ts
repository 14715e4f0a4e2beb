import { afterEach, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Library } from '../../../src-main/library/library.ts';
import { importPaths } from '../../../src-main/library/import/importPaths.ts';
import { dicomBytes } from '../fixtures/dicom.ts';
import { tempDir } from '../fixtures/rasters.ts';

let library: Library | undefined;
afterEach(() => library?.close());

const FRAMES = 600;
const SIDE = 64;

/** Multi-frame files that take seconds each to store: a cancel must land inside one. */
function writeLongFiles(dir: string, count: number): string[] {
  return Array.from({ length: count }, (_, file) => {
    const pixels = Uint16Array.from(
      { length: FRAMES * SIDE * SIDE },
      (_, i) => (file * 7919 + Math.floor(i / (SIDE * SIDE)) * 31 + (i % SIDE)) & 0xfff,
    );
    const path = join(dir, `volume-${file}.dcm`);
    writeFileSync(
      path,
      dicomBytes({
        width: SIDE,
        height: SIDE,
        frames: FRAMES,
        pixels,
        studyUid: `1.2.3.${file}`,
      }),
    );
    return path;
  });
}

it('stops an import within a second of a cancel, inside a file, writing no half study', async () => {
  const dir = tempDir();
  const paths = writeLongFiles(dir, 3);
  library = Library.open(join(dir, 'library'));
  const controller = new AbortController();
  let abortedAt = 0;
  setTimeout(() => {
    abortedAt = Date.now();
    controller.abort();
  }, 400);
  const summary = await importPaths(library, paths, { signal: controller.signal });
  const stoppedAfterMs = Date.now() - abortedAt;
  expect(abortedAt).toBeGreaterThan(0); // the import was still running when cancelled
  expect(summary.cancelled).toBe(true);
  expect(summary.imported).toBe(0);
  expect(stoppedAfterMs).toBeLessThan(1_000);
  expect(library.listStudies({ offset: 0, limit: 10 }).total).toBe(0);
  console.log(`cancel: the import returned ${stoppedAfterMs} ms after the cancel`);
});
