import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Library } from '../../../src-main/library/library.ts';
import { importPaths } from '../../../src-main/library/import/importPaths.ts';
import type { ImportProgress } from '../../../src-main/library/import/progress.ts';
import { gradient8, tempDir, writeBoxMask, writePng } from '../fixtures/rasters.ts';

let library: Library | undefined;
afterEach(() => library?.close());

/** A small dataset laid out like brain-mid: images, box masks, healthy masks and manifest.csv. */
async function writeBrainMidLike(root: string): Promise<string> {
  mkdirSync(join(root, 'fastMRI', 'png'), { recursive: true });
  mkdirSync(join(root, 'fastMRI', 'pos'), { recursive: true });
  mkdirSync(join(root, 'IXI'), { recursive: true });
  await writePng(join(root, 'IXI', 'sub-IXI002_T1w.png'), 40, 48, gradient8(40, 48, 1));
  await writePng(join(root, 'fastMRI', 'png', 'file_brain_1.png'), 40, 40, gradient8(40, 40, 2));
  await writeBoxMask(join(root, 'fastMRI', 'pos', 'file_brain_1_mass_0.png'), 40, 40, [
    { x: 2, y: 3, width: 5, height: 4 },
    { x: 20, y: 20, width: 10, height: 8 },
  ]);
  await writeBoxMask(join(root, 'fastMRI', 'pos', 'file_brain_1_edema_1.png'), 40, 40, [
    { x: 10, y: 12, width: 6, height: 6 },
  ]);
  await writeBoxMask(join(root, 'fastMRI', 'pos', 'file_brain_1_healthy.png'), 40, 40, [
    { x: 0, y: 0, width: 40, height: 2 },
  ]);
  const manifest = [
    'image,source,split,label,findings,finding_masks,brain_mask,healthy_mask',
    'IXI/sub-IXI002_T1w.png,IXI,train,normal,,,,',
    'fastMRI/png/file_brain_1.png,fastMRI,test,pathological,mass;edema,fastMRI/pos/file_brain_1_mass_0.png;fastMRI/pos/file_brain_1_edema_1.png,,fastMRI/pos/file_brain_1_healthy.png',
    'fastMRI/png/missing.png,fastMRI,test,normal,,,,',
  ].join('\n');
  const path = join(root, 'manifest.csv');
  writeFileSync(path, manifest + '\n');
  return path;
}

describe('import of dataset manifests', () => {
  it('imports a brain-mid manifest with labels, findings and a box per white region', async () => {
    const dir = tempDir();
    const manifest = await writeBrainMidLike(join(dir, 'brain-mid'));
    library = Library.open(join(dir, 'library'), { actor: 'tester' });
    const progress: ImportProgress[] = [];
    const summary = await importPaths(library, [manifest], { onProgress: (p) => progress.push(p) });
    expect(summary).toMatchObject({ imported: 2, studies: 2 });
    // A failing row names the CSV, its line and the image file it could not read.
    expect(summary.failed).toEqual([
      {
        path: manifest,
        reason: `line 4: ${join(dir, 'brain-mid', 'fastMRI', 'png', 'missing.png')}: cannot read the file: ENOENT`,
      },
    ]);
    expect(progress.at(-1)).toMatchObject({ phase: 'import', done: 3, total: 3, etaSeconds: 0 });

    const { studies } = library.listStudies({ offset: 0, limit: 10, source: 'fastMRI' });
    expect(studies).toHaveLength(1);
    const study = library.getStudy(studies[0].id);
    // The dataset's label is a reference, kept apart from the reader's own (blind reading).
    expect(study).toMatchObject({
      source: 'fastMRI',
      split: 'test',
      verdict: null,
      status: 'not-reviewed',
      referenceVerdict: 'pathological',
    });
    expect(study.reference).toMatchObject({
      source: 'dataset:manifest.csv',
      verdict: 'pathological',
      findings: ['mass', 'edema'],
    });
    expect(study.annotations).toEqual([]);
    const boxes = study.referenceAnnotations.map((a) => [a.finding, a.box]);
    expect(boxes).toEqual([
      ['mass', { x: 2, y: 3, width: 5, height: 4 }],
      ['mass', { x: 20, y: 20, width: 10, height: 8 }],
      ['edema', { x: 10, y: 12, width: 6, height: 6 }],
    ]);
    expect(study.images[0].healthyMaskHash).toMatch(/^[0-9a-f]{64}$/);
    const normal = library.studiesByVerdict('normal').map((id) => library!.getStudy(id));
    expect(normal.map((s) => s.patientAlias)).toEqual(['IXI002']);
  });

  it("keeps each reference region's own shape, not only its box (a disc and an L)", async () => {
    const dir = tempDir();
    const root = join(dir, 'lesions');
    mkdirSync(root, { recursive: true });
    await writePng(join(root, 'case.png'), 24, 20, gradient8(24, 20, 3));
    // A filled disc of radius 4 at (6, 6) and an L (two strokes) lower right: neither a box.
    const side = { width: 24, height: 20 };
    const drawn = new Uint8Array(side.width * side.height);
    const inDisc = (x: number, y: number) => (x - 6) ** 2 + (y - 6) ** 2 <= 16;
    const inL = (x: number, y: number) =>
      (x >= 14 && x <= 15 && y >= 10 && y <= 17) || (x >= 14 && x <= 21 && y >= 16 && y <= 17);
    for (let y = 0; y < side.height; y++)
      for (let x = 0; x < side.width; x++)
        if (inDisc(x, y) || inL(x, y)) drawn[y * side.width + x] = 255;
    await writePng(join(root, 'case_mass.png'), side.width, side.height, drawn);
    writeFileSync(
      join(root, 'manifest.csv'),
      'image,source,split,label,findings,finding_masks\n' +
        'case.png,other,test,pathological,mass,case_mass.png\n',
    );
    library = Library.open(join(dir, 'library'));
    const summary = await importPaths(library, [join(root, 'manifest.csv')]);
    expect(summary).toMatchObject({ imported: 1, failed: [] });
    const study = library.getStudy(library.listStudies({ offset: 0, limit: 1 }).studies[0].id);
    const regions = study.referenceAnnotations;
    expect(regions.map((a) => a.box)).toEqual([
      { x: 2, y: 2, width: 9, height: 9 },
      { x: 14, y: 10, width: 8, height: 8 },
    ]);
    for (const [index, inside] of [inDisc, inL].entries()) {
      const { box, maskHash } = regions[index];
      expect(maskHash).toMatch(/^[0-9a-f]{64}$/);
      const mask = await library.store.get(maskHash!);
      expect([mask.width, mask.height]).toEqual([box!.width, box!.height]);
      let differ = 0;
      let corners = 0;
      for (let y = 0; y < mask.height; y++)
        for (let x = 0; x < mask.width; x++) {
          const kept = mask.pixels[y * mask.width + x] > 0;
          if (kept !== inside(box!.x + x, box!.y + y)) differ++;
          if (!kept) corners++;
        }
      expect(differ).toBe(0);
      // Not a filled rectangle: the disc's corners and the L's inner corner are outside.
      expect(corners).toBeGreaterThan(10);
    }
  });

  it('imports a generic CSV through a column mapping', async () => {
    const dir = tempDir();
    await writePng(join(dir, 'a.png'), 10, 10, gradient8(10, 10, 1));
    await writePng(join(dir, 'b.png'), 10, 10, gradient8(10, 10, 2));
    writeFileSync(
      join(dir, 'list.csv'),
      'file_name,subject,exam_date,diagnosis,tags\na.png,P1,2024-02-01,pathological,mass|edema\nb.png,P2,2024-02-02,normal,\n',
    );
    library = Library.open(join(dir, 'library'));
    const summary = await importPaths(library, [join(dir, 'list.csv')], {
      csvMapping: {
        image: 'file_name',
        patient: 'subject',
        date: 'exam_date',
        label: 'diagnosis',
        findings: 'tags',
        findingsSeparator: '|',
      },
    });
    expect(summary).toMatchObject({ imported: 2, failed: [] });
    const page = library.listStudies({ offset: 0, limit: 10, sort: 'patient', order: 'desc' });
    expect(page.studies.map((s) => [s.patientAlias, s.studyDate, s.referenceVerdict])).toEqual([
      ['P2', '2024-02-02', 'normal'],
      ['P1', '2024-02-01', 'pathological'],
    ]);
    expect(library.getStudy(page.studies[1].id).reference?.findings).toEqual(['mass', 'edema']);
  });

  it('refuses a mapping naming a column the CSV lacks', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'list.csv'), 'image\na.png\n');
    library = Library.open(join(dir, 'library'));
    const summary = await importPaths(library, [join(dir, 'list.csv')], {
      csvMapping: { image: 'image', patient: 'subject' },
    });
    expect(summary.failed[0].reason).toMatch(/patient -> "subject"/);
  });

  it('stops on cancel between studies, writing only whole studies', async () => {
    const dir = tempDir();
    for (let i = 0; i < 10; i++) await writePng(join(dir, `s${i}.png`), 8, 8, gradient8(8, 8, i));
    library = Library.open(join(dir, 'library'));
    const controller = new AbortController();
    const summary = await importPaths(library, [dir], {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'import' && p.done === 4) controller.abort();
      },
    });
    expect(summary).toMatchObject({ cancelled: true, imported: 4 });
    expect(library.listStudies({ offset: 0, limit: 100 }).total).toBe(4);
  });
});
