import { afterEach, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Library,
  exportAudit,
  exportDataset,
  exportRun,
  importPaths,
} from '../../../src-main/library/index.ts';
import { parseCsv } from '../../../src-main/files/csv.ts';
import { dicomBytes } from '../fixtures/dicom.ts';
import { tempDir } from '../fixtures/rasters.ts';

const libraries: Library[] = [];
afterEach(() => {
  for (const library of libraries.splice(0)) library.close();
});

const FORMULAS = ['=HYPERLINK("http://evil","x")', '+SUM(1,2)', '-2+3', '@cmd', '\tlead', '\rlead'];

/** Every text cell a spreadsheet would evaluate; numbers (a negative score) are values. */
function formulaCells(file: string): string[] {
  return parseCsv(readFileSync(file, 'utf8'))
    .flat()
    .filter((cell) => /^[=+\-@\t\r]/.test(cell) && Number.isNaN(Number(cell)));
}

async function libraryWithHostileNames(dir: string): Promise<Library> {
  const pixels = Uint16Array.from({ length: 16 * 16 }, (_, i) => 1000 + i);
  writeFileSync(
    join(dir, 'slice.dcm'),
    dicomBytes({ width: 16, height: 16, pixels, patientId: FORMULAS[0] }),
  );
  const library = Library.open(join(dir, 'library'), { actor: '=cmd|" /C calc"!A0' });
  libraries.push(library);
  expect((await importPaths(library, [join(dir, 'slice.dcm')])).imported).toBe(1);
  const [study] = library.listStudies({ offset: 0, limit: 1 }).studies;
  const image = library.getStudy(study.id).images[0];
  for (const finding of FORMULAS) library.addFinding(finding);
  library.setLabel(study.id, { verdict: 'pathological', findings: FORMULAS, status: 'done' });
  for (const finding of FORMULAS)
    await library.addAnnotation({
      imageId: image.id,
      finding,
      box: { x: 1, y: 1, width: 3, height: 3 },
    });
  const model = library.registerModel({
    name: '+model',
    version: '@1',
    kind: 'diffusion',
    checksum: 'c0ffee',
    manifest: {},
  });
  const run = library.createRun({
    name: '=run',
    settings: { imageSize: 16, noiseLevel: 500, stride: 25, guidanceScale: 100 },
    modelIds: [model.id],
  });
  const map = { width: 16, height: 16, values: new Float32Array(16 * 16) };
  await library.saveResult({
    runId: run.id,
    imageId: image.id,
    reconstruction: map,
    map: map,
    score: -0.25,
    pixelThreshold: 0.5,
  });
  library.finishRun(run.id);
  return library;
}

it('neutralises names, findings and actors starting with = + - @ tab or CR in the run and audit CSV', async () => {
  const dir = tempDir();
  const library = await libraryWithHostileNames(dir);
  const run = library.listRuns()[0];
  const report = exportRun(library, run.id, join(dir, 'out'));
  const auditFile = join(dir, 'out', 'audit.csv');
  exportAudit(library, auditFile);
  for (const file of [report.csv, auditFile]) expect(formulaCells(file), file).toEqual([]);
  const rows = parseCsv(readFileSync(report.csv, 'utf8'));
  expect(rows[1]).toContain(`'${FORMULAS[0]}`);
  expect(rows[1]).toContain('-0.25');
  const raw = readFileSync(report.csv, 'utf8');
  expect(raw).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
  const actors = parseCsv(readFileSync(auditFile, 'utf8')).map((cells) => cells[2]);
  expect(actors.slice(1).every((actor) => actor === `'=cmd|" /C calc"!A0`)).toBe(true);
});

it('neutralises the names of a dataset manifest, and reading it back restores them', async () => {
  const dir = tempDir();
  const library = await libraryWithHostileNames(dir);
  const written = await exportDataset(library, join(dir, 'dataset'));
  expect(written.findingMasks).toBe(FORMULAS.length);
  expect(formulaCells(written.manifestPath)).toEqual([]);
  const again = Library.open(join(dir, 'again'));
  libraries.push(again);
  expect((await importPaths(again, [written.manifestPath])).imported).toBe(1);
  const [study] = again.listStudies({ offset: 0, limit: 1 }).studies;
  // An imported dataset's labels are references, kept apart from the reader's own.
  const findings = again.getStudy(study.id).reference?.findings ?? [];
  expect(findings).toEqual(expect.arrayContaining(['-2+3', '@cmd']));
  expect(findings.filter((finding) => finding.startsWith("'"))).toEqual([]);
});
