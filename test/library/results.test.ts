import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Library } from '../../src-main/library/library.ts';
import { ResultSchema } from '../../src-main/contract/index.ts';
import { chainFramesOf } from '../../src-main/jobs/kinds/chainFrames.ts';
import { addSliceStudy } from './fixtures/seed.ts';
import { tempDir } from './fixtures/rasters.ts';

let library: Library;
beforeEach(() => {
  library = Library.open(join(tempDir(), 'library'), { actor: 'dr.a' });
});
afterEach(() => library.close());

const flat = (value: number) => ({
  width: 16,
  height: 16,
  values: new Float32Array(256).fill(value),
});
const frame = (value: number) => ({
  width: 4,
  height: 4,
  bitDepth: 8 as const,
  pixels: new Uint8Array(16).fill(value),
});

async function runWithResult() {
  const { imageId } = await addSliceStudy(library, { uid: 's1' });
  const model = library.registerModel({
    name: 'ddim',
    version: '1',
    kind: 'diffusion',
    checksum: 'abc',
    manifest: {},
  });
  const run = library.createRun({ settings: { imageSize: 4 }, modelIds: [model.id] });
  return { imageId, runId: run.id };
}

describe('denoising chains of results', () => {
  it('keeps the frames in playing order in the store, and a result saved again replaces them', async () => {
    const { imageId, runId } = await runWithResult();
    const saved = await library.saveResult({
      runId,
      imageId,
      reconstruction: flat(0.5),
      map: flat(0.1),
      score: 0.3,
      chain: [
        { phase: 'noising', t: 50, image: frame(10) },
        { phase: 'denoising', t: 50, image: frame(20) },
        { phase: 'gradient', t: 50, image: frame(128) },
        { phase: 'denoising', t: 0, image: frame(30) },
      ],
    });
    expect(saved.chain.map((f) => [f.phase, f.t])).toEqual([
      ['noising', 50],
      ['denoising', 50],
      ['gradient', 50],
      ['denoising', 0],
    ]);
    const stored = await Promise.all(saved.chain.map((f) => library.store.get(f.hash)));
    expect(stored.map((p) => p.pixels[0])).toEqual([10, 20, 128, 30]);
    expect(ResultSchema.parse(saved).chain).toHaveLength(4);
    expect(library.listResults(runId)[0].chain).toEqual(saved.chain);

    const again = await library.saveResult({
      runId,
      imageId,
      reconstruction: flat(0.5),
      map: flat(0.1),
      score: 0.3,
    });
    expect(again.id).toBe(saved.id);
    expect(again.chain).toEqual([]);
    expect(library.listResults(runId)[0].chain).toEqual([]);
  });
});

describe('display frames of the engine chain', () => {
  it('maps x_t from [-1, 1] to 0..255 (clipped) and the gradient symmetrically around mid-grey', () => {
    const x = Float32Array.from([-1, 0, 1, 2]);
    const other = Float32Array.from([0, 0, 0, 0]);
    const gradient = Float32Array.from([-4, 0, 2, 4]);
    const frames = chainFramesOf(
      [
        { phase: 'encode', t: 10, x: [other, x], gradient: null },
        { phase: 'decode', t: 10, x: [other, x], gradient: [other, gradient] },
      ],
      1,
      2,
    );
    expect(frames.map((f) => f.phase)).toEqual(['noising', 'denoising', 'gradient']);
    expect([...frames[0].image.pixels]).toEqual([0, 128, 255, 255]);
    expect([...frames[2].image.pixels]).toEqual([0, 128, 191, 255]);
    expect(frames[2].image).toMatchObject({ width: 2, height: 2, bitDepth: 8 });
  });
});

describe('results of one study', () => {
  it("lists only that study's results of the run, through its images", async () => {
    const { imageId, runId } = await runWithResult();
    const other = await addSliceStudy(library, { uid: 's2' });
    for (const [image, score] of [
      [imageId, 0.1],
      [other.imageId, 0.9],
    ] as const)
      await library.saveResult({
        runId,
        imageId: image,
        reconstruction: flat(0),
        map: flat(0),
        score,
      });
    expect(library.listResults(runId)).toHaveLength(2);
    expect(library.listResults(runId, other.studyId).map((r) => r.score)).toEqual([0.9]);
    expect(library.listResults(runId, other.studyId + 100)).toEqual([]);
  });
});

describe('a cancelled run', () => {
  it('is removed with its results and chains in one step, and the audit log keeps what it was', async () => {
    const { imageId, runId } = await runWithResult();
    await library.saveResult({
      runId,
      imageId,
      reconstruction: flat(0),
      map: flat(0),
      score: 0.5,
      chain: [{ phase: 'denoising', t: 0, image: frame(9) }],
    });
    library.discardRun(runId, 'cancelled');
    expect(library.listRuns()).toEqual([]);
    expect(() => library.listResults(runId)).toThrow(/does not exist/);
    expect(library.integrityCheck()).toBe('ok');
    const [entry] = library
      .auditLog({ entity: 'run', entityId: runId })
      .filter((e) => e.action === 'discard-run');
    expect(entry.before).toMatchObject({ id: runId, results: 1 });
    expect(entry.after).toEqual({ reason: 'cancelled' });
  });

  it('cannot discard a run that has finished', async () => {
    const { runId } = await runWithResult();
    library.finishRun(runId);
    expect(() => library.discardRun(runId, 'cancelled')).toThrow(/already ended \(done\)/);
    expect(library.getRun(runId).status).toBe('done');
  });
});
