import { afterEach, expect, it } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Library } from '../../../src-main/library/library.ts';
import { importPaths } from '../../../src-main/library/import/importPaths.ts';
import { printable } from '../../../src-main/files/importError.ts';
import { writeBadCorpus } from '../fixtures/badCorpus.ts';
import { writeHostileCorpus, writeSpecialFiles } from '../fixtures/hostileCorpus.ts';
import { dicomBytes } from '../fixtures/dicom.ts';
import { gradient8, tempDir, writePng } from '../fixtures/rasters.ts';

let library: Library | undefined;
afterEach(() => library?.close());

/** Peak resident memory of this process so far, in bytes. */
const peakRssBytes = () => process.resourceUsage().maxRSS * 1024;
const MEMORY_GROWTH_CEILING_BYTES = 512 * 1024 * 1024;

it('refuses 60+ hostile files by name and reason, within a memory ceiling, and imports the good ones', async () => {
  const dir = tempDir();
  const corpus = join(dir, 'corpus');
  mkdirSync(corpus);
  const bad = [...(await writeBadCorpus(corpus)), ...(await writeHostileCorpus(corpus))];
  rmSync(join(corpus, 'source.tif.tmp'));
  expect(bad.length).toBeGreaterThanOrEqual(60);
  const special = writeSpecialFiles(dir);
  await writePng(join(corpus, 'good.png'), 20, 10, gradient8(20, 10, 2));
  writeFileSync(
    join(corpus, 'good.dcm'),
    dicomBytes({ width: 8, height: 8, pixels: Uint16Array.from({ length: 64 }, (_, i) => i) }),
  );

  library = Library.open(join(dir, 'library'));
  const rssBefore = process.memoryUsage().rss;
  const peakBefore = peakRssBytes();
  const started = Date.now();
  const summary = await importPaths(library, [corpus, special.fifo, special.device, '/dev/zero']);
  const seconds = (Date.now() - started) / 1000;
  // The peak since the import began, over the resident size when it began.
  const growth = peakRssBytes() > peakBefore ? peakRssBytes() - rssBefore : 0;

  // source.png (the corpus's own good file), good.png and good.dcm.
  expect(summary.imported).toBe(3);
  for (const file of bad) {
    const failure = summary.failed.find(
      (entry) => entry.path === printable(join(corpus, file.name)),
    );
    expect(failure, printable(file.name)).toBeDefined();
    expect(failure!.reason, printable(file.name)).toMatch(file.expect);
    // Control characters never reach a terminal raw.
    // eslint-disable-next-line no-control-regex -- looking for control characters
    expect(failure!.path + failure!.reason).not.toMatch(/[\u0000-\u001f]/);
  }
  const reasonFor = (path: string) => summary.failed.find((entry) => entry.path === path)?.reason;
  expect(reasonFor(special.fifo)).toMatch(/FIFO/);
  expect(reasonFor(special.device)).toMatch(/device/);
  expect(reasonFor('/dev/zero')).toMatch(/device/);
  expect(summary.failed).toHaveLength(bad.length + 3);
  expect(growth, `peak RSS grew by ${Math.round(growth / 2 ** 20)} MiB`).toBeLessThan(
    MEMORY_GROWTH_CEILING_BYTES,
  );
  expect(seconds).toBeLessThan(60);
  expect(library.integrityCheck()).toBe('ok');
  console.log(
    `hostile corpus: ${bad.length} files refused in ${seconds.toFixed(1)} s, peak RSS growth ${Math.round(growth / 2 ** 20)} MiB`,
  );
});

it('names the CSV and line of manifest rows pointing at a FIFO, a device or a hostile file', async () => {
  const dir = tempDir();
  const special = writeSpecialFiles(dir);
  writeFileSync(
    join(dir, 'frames.dcm'),
    dicomBytes({ width: 1, height: 1, frames: 5000, pixels: new Uint16Array(1) }),
  );
  await writePng(join(dir, 'good.png'), 8, 8, gradient8(8, 8, 1));
  const csv = join(dir, 'list.csv');
  writeFileSync(
    csv,
    ['image', basename(special.fifo), '/dev/zero', 'frames.dcm', 'good.png', ''].join('\n'),
  );
  library = Library.open(join(dir, 'library'));
  const summary = await importPaths(library, [csv]);
  expect(summary.imported).toBe(1);
  expect(summary.failed).toEqual([
    { path: csv, reason: expect.stringMatching(new RegExp(`^line 2: ${special.fifo}: a FIFO`)) },
    { path: csv, reason: expect.stringMatching(/^line 3: \/dev\/zero: a device/) },
    { path: csv, reason: expect.stringMatching(/^line 4: .*frames\.dcm: pixel data is truncated/) },
  ]);
});

it('refuses a manifest that is a FIFO without waiting for a writer', async () => {
  const dir = tempDir();
  const { fifo } = writeSpecialFiles(dir);
  const csv = join(dir, 'rows.csv');
  rmSync(csv, { force: true });
  const { symlinkSync } = await import('node:fs');
  symlinkSync(fifo, csv);
  library = Library.open(join(dir, 'library'));
  const started = Date.now();
  const summary = await importPaths(library, [csv]);
  expect(Date.now() - started).toBeLessThan(2_000);
  expect(summary.failed).toEqual([{ path: csv, reason: expect.stringMatching(/FIFO/) }]);
});
