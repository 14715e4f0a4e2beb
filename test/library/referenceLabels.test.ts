import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Library } from '../../src-main/library/library.ts';
import { importPaths } from '../../src-main/library/import/importPaths.ts';
import { openDatabase } from '../../src-main/library/database.ts';
import { migrations } from '../../src-main/library/migrations/index.ts';
import { gradient8, tempDir, writePng } from './fixtures/rasters.ts';

let library: Library | undefined;
afterEach(() => library?.close());

/** Three labelled slices in a manifest, as a dataset comes. */
async function importLabelledDataset(dir: string): Promise<Library> {
  for (const [i, name] of ['a.png', 'b.png', 'c.png'].entries())
    await writePng(join(dir, name), 12, 12, gradient8(12, 12, i + 1));
  writeFileSync(
    join(dir, 'manifest.csv'),
    [
      'image,source,split,label,findings,finding_masks',
      'a.png,IXI,test,normal,,',
      'b.png,fastMRI,test,pathological,mass,',
      'c.png,fastMRI,val,pathological,edema,',
    ].join('\n') + '\n',
  );
  const opened = Library.open(join(dir, 'library'));
  const summary = await importPaths(opened, [join(dir, 'manifest.csv')]);
  expect(summary.failed).toEqual([]);
  return opened;
}

describe('reference labels apart from the reader', () => {
  it("keeps a dataset's labels as references, so the reader has every case still to label", async () => {
    library = await importLabelledDataset(tempDir());
    const unlabelled = library.listStudies({ offset: 0, limit: 10, label: 'unlabelled' });
    expect(unlabelled.total).toBe(3);
    expect(unlabelled.studies.map((s) => [s.status, s.referenceVerdict])).toEqual([
      ['not-reviewed', 'normal'],
      ['not-reviewed', 'pathological'],
      ['not-reviewed', 'pathological'],
    ]);
    expect(library.listStudies({ offset: 0, limit: 10, status: 'done' }).total).toBe(0);
  });

  it('counts reader-vs-reference agreement over the studies both labelled', async () => {
    library = await importLabelledDataset(tempDir());
    const [a, b, c] = library.listStudies({ offset: 0, limit: 10 }).studies;
    expect(library.readerAgreement()).toMatchObject({ pairs: 0, kappa: null });
    library.setLabel(a.id, { verdict: 'normal', status: 'done' });
    library.setLabel(b.id, { verdict: 'normal', status: 'done' });
    library.setLabel(c.id, { verdict: 'pathological', status: 'done' });
    // reader N N P vs reference N P P: p_o = 2/3; p_e = 2/3*1/3 + 1/3*2/3 = 4/9; kappa = 2/5.
    const agreement = library.readerAgreement();
    expect(agreement.pairs).toBe(3);
    expect(agreement.agreed).toBe(2);
    expect(agreement.kappa).toBeCloseTo(0.4, 12);
    expect(library.readerAgreement('val')).toMatchObject({ pairs: 1, agreed: 1 });
    // The reader's label never overwrote the reference.
    expect(library.getStudy(b.id).reference?.verdict).toBe('pathological');
  });

  it("trains and evaluates on the reader's label where given, else the reference", async () => {
    library = await importLabelledDataset(tempDir());
    const [a, b, c] = library.listStudies({ offset: 0, limit: 10 }).studies;
    expect(library.studiesByVerdict('pathological')).toEqual([b.id, c.id]);
    library.setLabel(b.id, { verdict: 'normal', status: 'done' });
    library.setLabel(c.id, { verdict: 'uncertain', status: 'flagged' });
    expect(library.studiesByVerdict('pathological')).toEqual([]);
    expect(library.studiesByVerdict('normal')).toEqual([a.id, b.id]);
  });
});

describe('migration 0005', () => {
  it('moves labels written by an earlier import into the references and clears them for the reader', () => {
    const path = join(tempDir(), 'library.sqlite');
    const old = openDatabase(path, migrations.slice(0, 4));
    const now = '2026-01-01T00:00:00.000Z';
    for (const [id, author, verdict] of [
      [1, 'dataset:manifest.csv', 'pathological'],
      [2, 'dr.a', 'normal'],
    ] as const) {
      old
        .prepare(`INSERT INTO studies (id, uid, created_at) VALUES (?, ?, ?)`)
        .run(id, `u${id}`, now);
      old
        .prepare(
          `INSERT INTO labels (study_id, verdict, status, author, updated_at) VALUES (?, ?, 'done', ?, ?)`,
        )
        .run(id, verdict, author, now);
      old
        .prepare(
          `INSERT INTO images (id, study_id, width, height, bit_depth, hash, original_path, created_at)
           VALUES (?, ?, 4, 4, 8, 'h', 'p', ?)`,
        )
        .run(id, id, now);
      old
        .prepare(
          `INSERT INTO annotations (image_id, kind, x, y, width, height, author, created_at, updated_at)
           VALUES (?, 'box', 0, 0, 2, 2, ?, ?, ?)`,
        )
        .run(id, author, now, now);
    }
    old
      .prepare(
        `INSERT INTO label_findings (study_id, finding_id) SELECT 1, id FROM findings WHERE name = 'mass'`,
      )
      .run();
    old.close();

    const db = openDatabase(path);
    try {
      expect(
        db.prepare('SELECT study_id, source, verdict, findings FROM reference_labels').all(),
      ).toEqual([
        {
          study_id: 1,
          source: 'dataset:manifest.csv',
          verdict: 'pathological',
          findings: '["mass"]',
        },
      ]);
      expect(
        db.prepare('SELECT study_id, verdict, status, author FROM labels ORDER BY study_id').all(),
      ).toEqual([
        { study_id: 1, verdict: null, status: 'not-reviewed', author: null },
        { study_id: 2, verdict: 'normal', status: 'done', author: 'dr.a' },
      ]);
      expect(db.prepare('SELECT COUNT(*) FROM label_findings').pluck().get()).toBe(0);
      expect(
        db.prepare('SELECT image_id, reference_source FROM annotations ORDER BY image_id').all(),
      ).toEqual([
        { image_id: 1, reference_source: 'dataset:manifest.csv' },
        { image_id: 2, reference_source: null },
      ]);
    } finally {
      db.close();
    }
  });
});
