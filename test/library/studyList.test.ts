import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Library } from '../../src-main/library/library.ts';
import { addSliceStudy } from './fixtures/seed.ts';
import { tempDir } from './fixtures/rasters.ts';

let library: Library;
let runId: number;
const ids: number[] = [];
/** Classifier p(pathological) of the scored studies by index; study 8 has a score but no p. */
const probabilities: Record<number, number | null> = {
  0: 0.95,
  2: 0.45,
  4: 0.1,
  6: 0.62,
  8: null,
  10: 0.5,
};

beforeAll(async () => {
  library = Library.open(join(tempDir(), 'library'));
  for (let i = 0; i < 12; i++) {
    const { studyId, imageId } = await addSliceStudy(
      library,
      {
        uid: `u${i}`,
        patientAlias: `patient-${String(i).padStart(2, '0')}`,
        studyDate: `2024-01-${String(12 - i).padStart(2, '0')}`,
        source: i % 2 ? 'IXI' : 'fastMRI',
        description: i === 7 ? 'follow_up 100%' : null,
      },
      i,
    );
    ids.push(studyId);
    if (i % 3 === 0)
      library.setLabel(studyId, {
        verdict: 'pathological',
        findings: i === 3 ? ['mass'] : ['edema'],
        status: 'done',
      });
    if (i === 1) library.setLabel(studyId, { verdict: 'normal', status: 'flagged' });
    void imageId;
  }
  const run = library.createRun({ settings: {}, modelIds: [] });
  runId = run.id;
  for (let i = 0; i < 12; i += 2) {
    const image = library.getStudy(ids[i]).images[0];
    const values = new Float32Array(256);
    await library.saveResult({
      runId,
      imageId: image.id,
      reconstruction: { width: 16, height: 16, values },
      map: { width: 16, height: 16, values },
      score: i / 10,
      classifierProbability: probabilities[i],
    });
  }
});
afterAll(() => library.close());

const page = { offset: 0, limit: 100 };

describe('listing studies', () => {
  it('pages in a stable order and counts the total', () => {
    const first = library.listStudies({ offset: 0, limit: 5 });
    const second = library.listStudies({ offset: 5, limit: 5 });
    expect(first.total).toBe(12);
    expect([...first.studies, ...second.studies].map((s) => s.id)).toEqual(ids.slice(0, 10));
  });

  it('filters by label, finding, status, source and search text (LIKE characters taken literally)', () => {
    const names = (query: Parameters<Library['listStudies']>[0]) =>
      library.listStudies(query).studies.map((s) => s.patientAlias);
    expect(names({ ...page, label: 'pathological' })).toEqual([
      'patient-00',
      'patient-03',
      'patient-06',
      'patient-09',
    ]);
    expect(names({ ...page, label: 'unlabelled' })).toHaveLength(7);
    expect(names({ ...page, finding: 'mass' })).toEqual(['patient-03']);
    expect(names({ ...page, status: 'flagged' })).toEqual(['patient-01']);
    expect(names({ ...page, source: 'IXI', label: 'pathological' })).toEqual([
      'patient-03',
      'patient-09',
    ]);
    expect(names({ ...page, search: 'patient-1' })).toEqual(['patient-10', 'patient-11']);
    expect(names({ ...page, search: '100%' })).toEqual(['patient-07']);
    expect(names({ ...page, search: '_up' })).toEqual(['patient-07']);
    expect(names({ ...page, search: 'FOLLOW' })).toEqual(['patient-07']);
    expect(names({ ...page, search: '07' })).toEqual(['patient-07']);
    expect(names({ ...page, search: '%' })).toEqual(['patient-07']);
  });

  it('sorts by date, patient and score, and filters by a run score range', () => {
    const byDate = library.listStudies({ ...page, sort: 'date', order: 'asc' }).studies;
    expect(byDate[0].studyDate).toBe('2024-01-01');
    const byPatient = library.listStudies({
      ...page,
      sort: 'patient',
      order: 'desc',
      limit: 2,
    }).studies;
    expect(byPatient.map((s) => s.patientAlias)).toEqual(['patient-11', 'patient-10']);
    const scored = library.listStudies({
      ...page,
      runId,
      sort: 'score',
      order: 'desc',
      scoreMin: 0.3,
      scoreMax: 0.8,
    });
    expect(scored.studies.map((s) => s.score)).toEqual([0.8, 0.6, 0.4]);
    expect(scored.total).toBe(3);
    const unscored = library
      .listStudies({ ...page, runId })
      .studies.filter((s) => s.score === null);
    expect(unscored).toHaveLength(6);
  });

  it('sorts by score with unscored studies last in either order, across pages', () => {
    const scores = (query: Partial<Parameters<Library['listStudies']>[0]>) =>
      library.listStudies({ ...page, runId, sort: 'score', ...query }).studies.map((s) => s.score);
    const unscored = Array(6).fill(null);
    expect(scores({ order: 'desc' })).toEqual([1, 0.8, 0.6, 0.4, 0.2, 0, ...unscored]);
    expect(scores({ order: 'asc' })).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1, ...unscored]);
    expect(scores({ order: 'desc', offset: 4, limit: 4 })).toEqual([0.2, 0, null, null]);
    expect(scores({ order: 'asc', offset: 5, limit: 3 })).toEqual([1, null, null]);
    expect(
      library.listStudies({ ...page, runId, sort: 'score', order: 'desc', offset: 4, limit: 4 })
        .total,
    ).toBe(12);
    expect(scores({ order: 'desc', label: 'pathological' })).toEqual([0.6, 0, null, null]);
    expect(scores({ order: 'asc', sort: 'date', scoreMin: 0.5 })).toEqual([1, 0.8, 0.6]);
  });

  it('sorts by classifier uncertainty, |p - 0.5| ascending first, studies without p last, across pages', () => {
    const order = (query: Partial<Parameters<Library['listStudies']>[0]>) =>
      library
        .listStudies({ ...page, runId, sort: 'uncertainty', ...query })
        .studies.map((s) => ids.indexOf(s.id));
    const withoutP = [1, 3, 5, 7, 8, 9, 11];
    // |p - 0.5|: 10 -> 0, 2 -> 0.05, 6 -> 0.12, 0 -> 0.45, 4 -> 0.4
    expect(order({ order: 'desc' })).toEqual([10, 2, 6, 4, 0, ...withoutP]);
    expect(order({ order: 'asc' })).toEqual([0, 4, 6, 2, 10, ...withoutP]);
    expect(order({ order: 'desc', offset: 4, limit: 3 })).toEqual([0, 1, 3]);
    expect(order({ order: 'desc', offset: 6, limit: 100 })).toEqual(withoutP.slice(1));
    expect(order({ order: 'desc', label: 'pathological' })).toEqual([6, 0, 3, 9]);
    // With a score filter only scored studies match; the one without p still comes last.
    const filtered = library.listStudies({
      ...page,
      runId,
      sort: 'uncertainty',
      order: 'desc',
      scoreMin: 0.3,
    });
    expect(filtered.studies.map((s) => ids.indexOf(s.id))).toEqual([10, 6, 4, 8]);
    expect(filtered.total).toBe(4);
    expect(library.listStudies({ ...page, runId, sort: 'uncertainty', limit: 2 }).total).toBe(12);
    const listed = library.listStudies({ ...page, runId, sort: 'uncertainty', order: 'desc' });
    expect(listed.studies.map((s) => s.classifierProbability)).toEqual([
      0.5,
      0.45,
      0.62,
      0.1,
      0.95,
      ...Array(7).fill(null),
    ]);
    // Without a run there is no probability to show.
    expect(library.listStudies(page).studies.every((s) => s.classifierProbability === null)).toBe(
      true,
    );
  });

  it("keeps a study's highest classifier probability over its images, replaced when a result is", async () => {
    const other = Library.open(join(tempDir(), 'two-slices'));
    try {
      const hashes = await Promise.all(
        [1, 2].map((seed) => addSliceStudy(other, { uid: `tmp${seed}` }, seed)),
      );
      const images = hashes.map(({ imageId }) => other.getImage(imageId));
      const { studyId, imageIds } = other.addStudy({
        study: { uid: 'two' },
        images: images.map((image, i) => ({
          hash: image.hash,
          width: image.width,
          height: image.height,
          bitDepth: image.bitDepth,
          valueSlope: 1,
          valueIntercept: 0,
          originalPath: `/two/${i}.png`,
          sliceIndex: i,
        })),
      });
      const run = other.createRun({ settings: {}, modelIds: [] });
      const values = new Float32Array(256);
      const save = (imageId: number, classifierProbability: number | null | undefined) =>
        other.saveResult({
          runId: run.id,
          imageId,
          reconstruction: { width: 16, height: 16, values },
          map: { width: 16, height: 16, values },
          score: 0.5,
          classifierProbability,
        });
      const first = await save(imageIds[0], 0.2);
      expect(first.classifierProbability).toBeCloseTo(0.2);
      await save(imageIds[1], 0.7);
      const probability = () => other.getStudy(studyId, run.id).classifierProbability;
      expect(probability()).toBeCloseTo(0.7);
      await save(imageIds[1], 0.1);
      expect(probability()).toBeCloseTo(0.2);
      await save(imageIds[0], undefined);
      expect(probability()).toBeCloseTo(0.1);
      expect(other.listResults(run.id).map((r) => r.classifierProbability)).toEqual([null, 0.1]);
      await expect(save(imageIds[0], 1.5)).rejects.toThrow(/from 0 to 1/);
      await expect(save(imageIds[0], Number.NaN)).rejects.toThrow(/from 0 to 1/);
    } finally {
      other.close();
    }
  });

  it('pages a label filter with thousands of matches in the same order as a full sort', () => {
    const big = Library.open(join(tempDir(), 'big'));
    const reviewed: number[] = [];
    big.db.transaction(() => {
      for (let i = 0; i < 3000; i++) {
        const { studyId } = big.addStudy({
          study: {
            uid: `b${i}`,
            studyDate: `2020-01-${String(1 + ((i * 7) % 28)).padStart(2, '0')}`,
          },
          images: [
            {
              hash: i.toString(16).padStart(64, '0'),
              width: 4,
              height: 4,
              bitDepth: 8,
              valueSlope: 1,
              valueIntercept: 0,
              originalPath: `/b/${i}`,
            },
          ],
        });
        if (i % 4 === 0) reviewed.push(studyId);
      }
    })();
    // The reader's own status (a label that comes with an import is a reference instead).
    for (const id of reviewed) big.setLabel(id, { status: 'done' });
    const expected = big.db
      .prepare(
        `SELECT s.id FROM studies s JOIN labels l ON l.study_id = s.id WHERE l.status = 'not-reviewed' ORDER BY s.study_date DESC, s.id DESC`,
      )
      .pluck()
      .all() as number[];
    expect(expected).toHaveLength(2250);
    const query = {
      status: 'not-reviewed' as const,
      sort: 'date' as const,
      order: 'desc' as const,
      limit: 100,
    };
    for (const offset of [0, 1000, 2200]) {
      const listed = big.listStudies({ ...query, offset });
      expect(listed.total).toBe(2250);
      expect(listed.studies.map((s) => s.id)).toEqual(expected.slice(offset, offset + 100));
    }
    big.close();
  });

  it('refuses malformed queries', () => {
    expect(() => library.listStudies({ offset: -1, limit: 10 })).toThrow(/offset/);
    expect(() => library.listStudies({ offset: 0, limit: 5000 })).toThrow(/limit/);
    expect(() => library.listStudies({ ...page, sort: 'score' })).toThrow(/needs a runId/);
    expect(() => library.listStudies({ ...page, sort: 'uncertainty' })).toThrow(
      /sorting by uncertainty needs a runId/,
    );
    expect(() =>
      library.listStudies({ ...page, sort: 'id; DROP TABLE studies' as 'date' }),
    ).toThrow(/cannot sort/);
  });
});
