import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Library } from '../../src-main/library/library.ts';
import { addSliceStudy } from './fixtures/seed.ts';
import { tempDir } from './fixtures/rasters.ts';

let library: Library;
beforeEach(() => {
  library = Library.open(join(tempDir(), 'library'), { actor: 'dr.a' });
});
afterEach(() => library.close());

describe('labels', () => {
  it('sets a verdict, findings, difficulty, comment and status, and audits before and after', async () => {
    const { studyId } = await addSliceStudy(library, { uid: 's1' });
    expect(library.getStudy(studyId).label).toMatchObject({
      verdict: null,
      status: 'not-reviewed',
      findings: [],
    });
    library.setLabel(studyId, {
      verdict: 'pathological',
      findings: ['mass', 'Edema'],
      difficulty: 3,
      comment: 'left',
      status: 'in-progress',
    });
    const label = library.setLabel(studyId, { status: 'done' }, 'dr.b');
    expect(label).toMatchObject({
      verdict: 'pathological',
      findings: ['edema', 'mass'],
      difficulty: 3,
      comment: 'left',
      status: 'done',
      author: 'dr.b',
    });
    const entries = library
      .auditLog({ entity: 'study', entityId: studyId })
      .filter((e) => e.action === 'set-label');
    expect(entries.map((e) => e.actor)).toEqual(['dr.a', 'dr.b']);
    expect(entries[1].before).toMatchObject({ status: 'in-progress' });
    expect(entries[1].after).toMatchObject({ status: 'done' });
  });

  it('refuses bad values and unknown findings, leaving label and audit untouched', async () => {
    const { studyId } = await addSliceStudy(library, { uid: 's1' });
    const audit = library.auditLog().length;
    expect(() => library.setLabel(studyId, { verdict: 'sick' as 'normal' })).toThrow(
      /verdict must be one of/,
    );
    expect(() => library.setLabel(studyId, { difficulty: 9 })).toThrow(/difficulty/);
    expect(() => library.setLabel(studyId, { verdict: 'normal', findings: ['unicorn'] })).toThrow(
      /unknown finding "unicorn"/,
    );
    expect(library.getStudy(studyId).label.verdict).toBeNull();
    expect(library.auditLog()).toHaveLength(audit);
    library.addFinding('Unicorn Sign');
    expect(library.setLabel(studyId, { findings: ['unicorn sign'] }).findings).toEqual([
      'unicorn_sign',
    ]);
  });
});

describe('annotations', () => {
  it('adds, moves, renames and deletes boxes with their author, each audited', async () => {
    const { studyId, imageId } = await addSliceStudy(library, { uid: 's1' });
    const box = await library.addAnnotation({
      imageId,
      finding: 'mass',
      box: { x: 1, y: 2, width: 3, height: 4 },
    });
    expect(box).toMatchObject({ kind: 'box', finding: 'mass', author: 'dr.a' });
    const moved = library.updateAnnotation(
      box.id,
      { box: { x: 5, y: 5, width: 2, height: 2 }, finding: 'edema' },
      'dr.b',
    );
    expect(moved).toMatchObject({
      box: { x: 5, y: 5, width: 2, height: 2 },
      finding: 'edema',
      author: 'dr.b',
    });
    expect(library.getStudy(studyId).annotations).toHaveLength(1);
    library.deleteAnnotation(box.id);
    expect(library.getStudy(studyId).annotations).toEqual([]);
    expect(
      library.auditLog({ entity: 'annotation', entityId: box.id }).map((e) => e.action),
    ).toEqual(['add-annotation', 'update-annotation', 'delete-annotation']);
  });

  it('stores a mask annotation in the image store and refuses boxes outside the image', async () => {
    const { imageId } = await addSliceStudy(library, { uid: 's1' });
    const pixels = new Uint8Array(256);
    pixels.fill(1, 20, 40);
    const mask = await library.addAnnotation({
      imageId,
      finding: null,
      mask: { width: 16, height: 16, bitDepth: 8, pixels },
    });
    expect(library.store.has(mask.maskHash!)).toBe(true);
    await expect(
      library.addAnnotation({
        imageId,
        finding: 'mass',
        box: { x: 10, y: 10, width: 10, height: 2 },
      }),
    ).rejects.toThrow(/outside image/);
    await expect(
      library.addAnnotation({
        imageId,
        finding: 'mass',
        mask: { width: 8, height: 8, bitDepth: 8, pixels: new Uint8Array(64) },
      }),
    ).rejects.toThrow(/mask is 8 x 8/);
  });
});

describe('models, runs and results', () => {
  it('keeps results apart from labels and scores studies by their highest image score', async () => {
    const { studyId, imageId } = await addSliceStudy(library, { uid: 's1' });
    const model = library.registerModel({
      name: 'ddim',
      version: '1',
      kind: 'diffusion',
      checksum: 'abc',
      manifest: { imageSize: 16 },
    });
    expect(
      library.registerModel({
        name: 'ddim',
        version: '1',
        kind: 'diffusion',
        checksum: 'abc',
        manifest: {},
      }).id,
    ).toBe(model.id);
    expect(() =>
      library.registerModel({
        name: 'ddim',
        version: '1',
        kind: 'diffusion',
        checksum: 'zzz',
        manifest: {},
      }),
    ).toThrow(/already registered/);
    const run = library.createRun({
      settings: { imageSize: 16, noiseLevel: 500, stride: 50, guidanceScale: 100 },
      modelIds: [model.id],
    });
    const values = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i) * 3);
    const result = await library.saveResult({
      runId: run.id,
      imageId,
      reconstruction: { width: 16, height: 16, values },
      map: { width: 16, height: 16, values: values.map(Math.abs) },
      score: 0.8,
      pixelThreshold: 0.5,
    });
    expect(result).toMatchObject({
      studyId,
      score: 0.8,
      pixelThreshold: 0.5,
      imageScoreThreshold: null,
      reconstructionScale: { min: expect.any(Number), max: expect.any(Number) },
    });
    const back = await library.getResultImage(result.id, 'reconstruction');
    const step = (result.reconstructionScale.max - result.reconstructionScale.min) / 65535;
    for (let i = 0; i < 256; i++)
      expect(Math.abs(back.values[i] - values[i])).toBeLessThanOrEqual(step);
    const png = await library.store.get(result.mapHash);
    expect(png.bitDepth).toBe(16);
    // The result never becomes a label.
    expect(library.getStudy(studyId).label).toMatchObject({
      verdict: null,
      status: 'not-reviewed',
    });
    expect(library.getStudy(studyId, run.id).score).toBe(0.8);
    library.finishRun(run.id, { seconds: 12 });
    expect(library.getRun(run.id)).toMatchObject({
      status: 'done',
      timings: { seconds: 12 },
      modelIds: [model.id],
      settings: { noiseLevel: 500 },
    });
    await expect(
      library.saveResult({
        runId: run.id,
        imageId,
        reconstruction: { width: 16, height: 16, values },
        map: { width: 16, height: 16, values },
        score: 1,
      }),
    ).rejects.toThrow(/has ended/);
    expect(library.listResults(run.id)).toHaveLength(1);
  });

  it('records a failed run with its error', () => {
    const run = library.createRun({ settings: {}, modelIds: [] });
    expect(library.failRun(run.id, 'out of memory')).toMatchObject({
      status: 'failed',
      error: 'out of memory',
    });
    expect(() => library.finishRun(run.id)).toThrow(/already ended/);
  });
});
