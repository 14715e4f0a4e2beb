import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Library } from '../../src-main/library/library.ts';
import { addSliceStudy } from './fixtures/seed.ts';
import { tempDir } from './fixtures/rasters.ts';

let library: Library;
let runId: number;
const ids: number[] = [];

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
      anomalyMap: { width: 16, height: 16, values },
      score: i / 10,
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

  it('refuses malformed queries', () => {
    expect(() => library.listStudies({ offset: -1, limit: 10 })).toThrow(/offset/);
    expect(() => library.listStudies({ offset: 0, limit: 5000 })).toThrow(/limit/);
    expect(() => library.listStudies({ ...page, sort: 'score' })).toThrow(/needs a runId/);
    expect(() =>
      library.listStudies({ ...page, sort: 'id; DROP TABLE studies' as 'date' }),
    ).toThrow(/cannot sort/);
  });
});
