import { afterEach, expect, it } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Library } from '../../../src-main/library/library.ts';
import { importPaths } from '../../../src-main/library/import/importPaths.ts';
import { writeBadCorpus } from '../fixtures/badCorpus.ts';
import { gradient16, gradient8, tempDir, writePng } from '../fixtures/rasters.ts';
import { dicomBytes } from '../fixtures/dicom.ts';
import { niftiBytes } from '../fixtures/nifti.ts';

let library: Library | undefined;
afterEach(() => library?.close());

it('rejects each of 30+ bad files with its name and reason and imports the rest', async () => {
  const dir = tempDir();
  const corpus = join(dir, 'corpus');
  mkdirSync(corpus);
  const bad = await writeBadCorpus(corpus);
  rmSync(join(corpus, 'source.tif.tmp'));
  expect(bad.length).toBeGreaterThanOrEqual(30);
  // Good files among the bad: source.png (written by the corpus) and three more.
  await writePng(join(corpus, 'good-16.png'), 20, 10, gradient16(20, 10, 1));
  await writePng(join(corpus, 'good-8.png'), 20, 10, gradient8(20, 10, 2));
  writeFileSync(
    join(corpus, 'good.dcm'),
    dicomBytes({ width: 8, height: 8, pixels: Uint16Array.from({ length: 64 }, (_, i) => i) }),
  );
  writeFileSync(
    join(corpus, 'good.nii'),
    niftiBytes({
      dims: [4, 4, 3],
      datatype: 'uint8',
      values: Uint8Array.from({ length: 48 }, (_, i) => i),
    }),
  );
  writeFileSync(join(corpus, 'README.txt'), 'not imported: skipped');

  library = Library.open(join(dir, 'library'));
  const summary = await importPaths(library, [corpus]);

  expect(summary.imported).toBe(5);
  expect(summary.skipped).toBe(1);
  const failedNames = summary.failed.map((failure) => basename(failure.path)).sort();
  expect(failedNames).toEqual(bad.map((file) => file.name).sort());
  for (const file of bad) {
    const failure = summary.failed.find((entry) => basename(entry.path) === file.name)!;
    expect(failure.path).toBe(join(corpus, file.name));
    expect(failure.reason, file.name).toMatch(file.expect);
  }
  expect(library.listStudies({ offset: 0, limit: 100 }).total).toBe(5);
  expect(library.integrityCheck()).toBe('ok');
});

it('names a missing path and a manifest without an image column', async () => {
  const dir = tempDir();
  library = Library.open(join(dir, 'library'));
  writeFileSync(join(dir, 'table.csv'), 'subject,age\nA,3\n');
  const summary = await importPaths(library, [join(dir, 'nowhere.png'), join(dir, 'table.csv')]);
  expect(summary.failed).toEqual([
    { path: join(dir, 'nowhere.png'), reason: expect.stringMatching(/ENOENT/) },
    { path: join(dir, 'table.csv'), reason: expect.stringMatching(/no image column/) },
  ]);
});
