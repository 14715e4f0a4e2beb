import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, decodePixels } from '../../src-main/contract/index.ts';
import type { InstalledModels, Label } from '../../src-main/contract/index.ts';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { initBackend } from '../../src-main/engine/index.ts';
import { writeTinyModels } from '../fixtures/tinyModels.ts';
import {
  createApi,
  readExportFile,
  readImagePixels,
  readImagePng,
} from '../../src-main/api/index.ts';
import type { Api } from '../../src-main/api/index.ts';
import { JobRunner } from '../../src-main/jobs/index.ts';
import type { NewResult } from '../../src-main/library/index.ts';
import { context, fakeSpawner } from '../jobs/helpers.ts';
import { libraryWithOneStudy } from './fixtures.ts';
import type { LibraryFixture } from './fixtures.ts';

let fixture: LibraryFixture;
let runner: JobRunner;
let api: Api;

beforeEach(async () => {
  fixture = await libraryWithOneStudy();
  runner = new JobRunner({ spawnEngine: fakeSpawner().spawn, context });
  api = createApi({
    library: fixture.library,
    runner,
    door: 'browser',
    modelsDir: '/models',
    version: '9.9.9',
    urls: { image: (h) => `/i/${h}`, pixels: (h) => `/p/${h}`, exportFile: (f) => `/e/${f}` },
    probeBackend: async () => ({
      name: 'cpu',
      package: '@tensorflow/tfjs',
      reason: 'test',
      threads: 1,
      libraryVersion: 'tfjs-backend-cpu 4.22.0',
    }),
  });
});

afterEach(async () => {
  await runner.close();
  fixture.cleanup();
});

/** One result of the fixture's image in a run: 8 x 4 maps of the given values, score 0.7. */
function saveFixtureResult(runId: number, values: Float32Array, extra: Partial<NewResult> = {}) {
  return fixture.library.saveResult({
    runId,
    imageId: fixture.imageId,
    reconstruction: { width: 8, height: 4, values },
    map: { width: 8, height: 4, values },
    score: 0.7,
    ...extra,
  });
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('api handlers', () => {
  it('answers a request with a wrong type as a bad request naming the field', async () => {
    const error = await failure(api.call('getStudy', { studyId: 'one' }));
    expect(error.code).toBe('bad-request');
    expect(error.issues?.[0].path).toBe('studyId');
  });

  it('refuses unknown methods, including names inherited by every object', async () => {
    expect((await failure(api.call('dropDatabase', {}))).code).toBe('unknown-method');
    expect((await failure(api.call('toString', {}))).code).toBe('unknown-method');
  });

  it('answers a study that does not exist with not-found', async () => {
    expect((await failure(api.call('getStudy', { studyId: 999 }))).code).toBe('not-found');
  });

  it('lists and opens the study the library holds, in the contract shape', async () => {
    const page = (await api.call('listStudies', { split: 'test' })) as {
      total: number;
      studies: Array<{ id: number; patientAlias: string }>;
    };
    expect(page.total).toBe(1);
    expect(page.studies[0]).toMatchObject({ id: fixture.studyId, patientAlias: 'P1' });
    const study = (await api.call('getStudy', { studyId: fixture.studyId })) as {
      images: Array<{ hash: string }>;
      results: unknown[];
    };
    expect(study.images[0].hash).toBe(fixture.hash);
    expect(study.results).toEqual([]);
  });

  it("gives a reference region's mask with the study, and its pixels by hash", async () => {
    const { library } = fixture;
    // A 3 x 3 plus sign: the region's shape within its box, as the importer keeps it.
    const plus = new Uint8Array([0, 255, 0, 255, 255, 255, 0, 255, 0]);
    const maskHash = await library.store.put({ width: 3, height: 3, bitDepth: 8, pixels: plus });
    const added = library.addStudy({
      study: { uid: 'study-mask', patientAlias: 'P2', split: 'test', source: 'fixture' },
      images: [
        {
          hash: fixture.hash,
          width: 8,
          height: 4,
          bitDepth: 16,
          originalPath: '/scan/p2.png',
          valueSlope: 1,
          valueIntercept: 0,
          boxes: [
            { finding: 'mass', box: { x: 1, y: 0, width: 3, height: 3 }, maskHash },
            { finding: 'edema', box: { x: 5, y: 1, width: 2, height: 2 } },
          ],
        },
      ],
      label: { verdict: 'pathological', findings: ['mass', 'edema'] },
      labelAuthor: 'dataset:manifest.csv',
    });
    const study = (await api.call('getStudy', { studyId: added.studyId })) as {
      referenceAnnotations: Array<{ finding: string; box: unknown; maskHash: string | null }>;
    };
    expect(study.referenceAnnotations).toMatchObject([
      { finding: 'mass', box: { x: 1, y: 0, width: 3, height: 3 }, maskHash },
      { finding: 'edema', maskHash: null },
    ]);
    const { pixelsUrl } = (await api.call('imageUrl', { hash: maskHash })) as {
      pixelsUrl: string;
    };
    expect(pixelsUrl).toBe(`/p/${maskHash}`);
    const raw = decodePixels(await readImagePixels(library, maskHash));
    expect([raw.width, raw.height, [...raw.pixels]]).toEqual([3, 3, [...plus]]);
  });

  it('lists studies by classifier uncertainty with their probability, and needs a run for it', async () => {
    const { library } = fixture;
    const run = library.createRun({ settings: {}, modelIds: [] });
    const values = new Float32Array(32).fill(0.5);
    await saveFixtureResult(run.id, values, { classifierProbability: 0.3 });
    const page = (await api.call('listStudies', {
      runId: run.id,
      sort: 'uncertainty',
      order: 'desc',
    })) as { studies: Array<{ id: number; score: number; classifierProbability: number }> };
    expect(page.studies).toMatchObject([
      { id: fixture.studyId, score: 0.7, classifierProbability: 0.3 },
    ]);
    const study = (await api.call('getStudy', { studyId: fixture.studyId, runId: run.id })) as {
      classifierProbability: number;
      results: Array<{ classifierProbability: number }>;
    };
    expect(study.classifierProbability).toBe(0.3);
    expect(study.results).toMatchObject([{ classifierProbability: 0.3 }]);
    const error = await failure(api.call('listStudies', { sort: 'uncertainty' }));
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/needs a runId/);
  });

  it('saves a label, answers with it and tells the doors the library changed', async () => {
    const changes: unknown[] = [];
    api.on('library.changed', (event) => changes.push(event));
    const label = (await api.call('setLabel', {
      studyId: fixture.studyId,
      label: { verdict: 'pathological', status: 'done', difficulty: 2 },
    })) as Label;
    expect(label).toMatchObject({ verdict: 'pathological', status: 'done', difficulty: 2 });
    expect(changes).toEqual([{ reason: 'label', studyIds: [fixture.studyId] }]);
  });

  it('refuses a box outside the image with the library’s reason, as a conflict', async () => {
    const error = await failure(
      api.call('addAnnotation', {
        imageId: fixture.imageId,
        finding: null,
        box: { x: 6, y: 0, width: 5, height: 2 },
      }),
    );
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/outside image/);
  });

  it('starts a job through the runner and forwards its events', async () => {
    const queued: unknown[] = [];
    api.on('job.queued', (event) => queued.push(event.job.kind));
    const job = (await api.call('startJob', { spec: { kind: 'import', paths: ['/data'] } })) as {
      id: string;
      status: string;
    };
    expect(job.status).toBe('running'); // the fake engine takes it at once
    expect(queued).toEqual(['import']);
    const jobs = (await api.call('listJobs', {})) as Array<{ id: string }>;
    expect(jobs.map((j) => j.id)).toEqual([job.id]);
  });

  it('refuses a diagnostic job (one that can kill the engine) as a bad request naming its kind', async () => {
    const error = await failure(
      api.call('startJob', { spec: { kind: 'selftest', steps: 3, crashAt: 0 } }),
    );
    expect(error.code).toBe('bad-request');
    expect(error.message).toMatch(/job kind 'selftest' is a diagnostic job/);
    expect(await api.call('listJobs', {})).toEqual([]);
  });

  it('reports the backend the engine process chose', async () => {
    expect(await api.call('backendInfo', {})).toEqual({
      backend: 'cpu',
      package: '@tensorflow/tfjs',
      reason: 'test',
      threads: 1,
      libraryVersion: 'tfjs-backend-cpu 4.22.0',
      // Read from the package itself, so Settings can name the library's version.
      packageVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
  });
});

describe('models and reports', () => {
  it('describes the installed models from their manifests, with the preset and the card', async () => {
    await initBackend();
    const modelsDir = join(fixture.dir, 'models');
    await writeTinyModels(modelsDir);
    writeFileSync(join(modelsDir, 'README.md'), '# Model card');
    const withModels = createApi({ ...api.deps, modelsDir });
    const installed = (await withModels.call('installedModels', {})) as InstalledModels;
    expect(installed.models.map((model) => [model.kind, model.imageSize])).toEqual([
      ['diffusion', 32],
      ['classifier', 32],
    ]);
    expect(installed.models[0].checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(installed.card).toBe('# Model card');
    expect(installed.preset).toMatchObject({ name: 'tiny-test' });
    const none = (await api.call('installedModels', {})) as InstalledModels;
    expect(none).toMatchObject({ models: [], card: null, preset: null });
  });

  it('refuses a model card that is not a regular file, without reading it (issue 19 row 10)', async () => {
    await initBackend();
    const modelsDir = join(fixture.dir, 'models');
    await writeTinyModels(modelsDir);
    symlinkSync('/dev/zero', join(modelsDir, 'README.md'));
    const withModels = createApi({ ...api.deps, modelsDir });
    const before = process.memoryUsage().rss;
    const error = await withModels.call('installedModels', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'conflict' });
    expect((error as ApiError).message).toMatch(/README\.md: a device, not a regular file/);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('answers a non-integer image size in a model manifest with a conflict naming it, not a 500', async () => {
    await initBackend();
    const modelsDir = join(fixture.dir, 'models');
    await writeTinyModels(modelsDir);
    const path = join(modelsDir, 'diffusion', 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...manifest, architecture: { imageSize: 32.5 } }));
    const withModels = createApi({ ...api.deps, modelsDir });
    const error = await withModels.call('installedModels', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'conflict' });
    expect((error as ApiError).message).toContain(
      `${path}: not a model manifest (architecture.imageSize`,
    );
  });

  it('exports a run report as CSV and JSON served under the exports route', async () => {
    const { library } = fixture;
    const run = library.createRun({ settings: { noiseLevel: 20 }, modelIds: [] });
    const values = new Float32Array(32).fill(0.5);
    await saveFixtureResult(run.id, values);
    library.finishRun(run.id);
    const { files } = (await api.call('exportReport', { runId: run.id })) as {
      files: Array<{ path: string; url: string }>;
    };
    expect(files.map((file) => file.url)).toEqual([
      `/e/run-${run.id}/${basename(files[0].path)}`,
      `/e/run-${run.id}/${basename(files[1].path)}`,
    ]);
    const csv = readExportFile(library, `run-${run.id}/${basename(files[0].path)}`).toString();
    expect(csv).toContain('0.7');
    const study = (await api.call('getStudy', { studyId: fixture.studyId })) as {
      results: Array<{ runId: number; score: number }>;
    };
    expect(study.results).toMatchObject([{ runId: run.id, score: 0.7 }]);
  });

  it('exports a result as DICOM Secondary Capture and NIfTI mask served under the exports route', async () => {
    const { library } = fixture;
    const run = library.createRun({ settings: { noiseLevel: 20 }, modelIds: [] });
    const values = Float32Array.from({ length: 32 }, (_, i) => i / 32);
    await saveFixtureResult(run.id, values, { pixelThreshold: 0.5 });
    const exported = (await api.call('exportResultDicom', {
      runId: run.id,
      studyId: fixture.studyId,
    })) as { files: Array<{ path: string; url: string }>; studyUidGenerated: boolean };
    // The fixture's study came from a PNG, so the objects sit in a new study.
    expect(exported.studyUidGenerated).toBe(true);
    const names = exported.files.map((file) => basename(file.path));
    expect(names).toEqual([
      expect.stringMatching(/-anomaly-map\.dcm$/),
      expect.stringMatching(/-reconstruction\.dcm$/),
      expect.stringMatching(/-mask\.nii\.gz$/),
    ]);
    const folder = `run-${run.id}/dicom-study-${fixture.studyId}`;
    expect(exported.files[0].url).toBe(`/e/${folder}/${names[0]}`);
    const dicom = readExportFile(library, `${folder}/${names[0]}`);
    expect(dicom.toString('latin1', 128, 132)).toBe('DICM');
    expect(dicom.includes('1.2.840.10008.5.1.4.1.1.7')).toBe(true);
    await expect(
      api.call('exportResultDicom', { runId: run.id + 1, studyId: fixture.studyId }),
    ).rejects.toMatchObject({ code: 'not-found' });
  });

  it('exports a kept chain as a GIF served under the exports route, and refuses one without', async () => {
    const { library } = fixture;
    const run = library.createRun({ settings: {}, modelIds: [] });
    const values = new Float32Array(32).fill(0.5);
    const image = { width: 8, height: 4, bitDepth: 8 as const, pixels: new Uint8Array(32) };
    const saved = await saveFixtureResult(run.id, values, {
      chain: [{ phase: 'denoising', t: 10, image }],
    });
    const exported = (await api.call('exportChainGif', { resultId: saved.id })) as {
      files: Array<{ path: string; url: string }>;
      frames: number;
    };
    expect(exported).toMatchObject({ frames: 2, width: 16, height: 4 + 7 });
    expect(exported.files.map((file) => file.url)).toEqual([
      `/e/chains/chain-result-${saved.id}.gif`,
      `/e/chains/chain-result-${saved.id}.json`,
    ]);
    const gif = readExportFile(library, `chains/chain-result-${saved.id}.gif`);
    expect(gif.subarray(0, 6).toString('latin1')).toBe('GIF89a');

    await library.saveResult({
      ...saved,
      reconstruction: { width: 8, height: 4, values },
      map: { width: 8, height: 4, values },
      chain: undefined,
    });
    const error = await failure(api.call('exportChainGif', { resultId: saved.id }));
    expect(error.code).toBe('conflict');
    expect(error.message).toContain('kept no denoising chain');
    expect((await failure(api.call('exportChainGif', { resultId: 999 }))).code).toBe('not-found');
  });
});

describe('library files served by the doors', () => {
  it('serves a stored image as PNG and as raw 16-bit pixels', async () => {
    const png = readImagePng(fixture.library, fixture.hash);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const raw = decodePixels(await readImagePixels(fixture.library, fixture.hash));
    expect(raw).toMatchObject({ width: 8, height: 4 });
    expect(Array.from(raw.pixels)).toEqual(Array.from(fixture.pixels));
  });

  it('refuses a hash that is a path, and an export name that climbs out of its folder', () => {
    expect(() => readImagePng(fixture.library, '../library.sqlite')).toThrow(
      expect.objectContaining({ code: 'bad-request' }),
    );
    expect(() => readExportFile(fixture.library, '../library.sqlite')).toThrow(
      expect.objectContaining({ code: 'bad-request' }),
    );
    expect(() => readExportFile(fixture.library, 'missing.csv')).toThrow(
      expect.objectContaining({ code: 'not-found' }),
    );
  });
});
