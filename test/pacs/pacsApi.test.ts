/**
 * The app's PACS methods against a real Orthanc (issue 22 in the app): saved endpoints without
 * secrets, Check connection in plain words, a search, a pull job and a send job through the api
 * and the engine process, and no password in the library folder afterwards.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  PacsPullResultSchema,
  PacsSendResultSchema,
  ReconstructResultSchema,
  type Job,
  type PacsEndpointStatus,
} from '../../src-main/contract/index.ts';
import { createApi, type Api } from '../../src-main/api/index.ts';
import { JobRunner, forkEngine, jobStateFile } from '../../src-main/jobs/index.ts';
import { Library } from '../../src-main/library/index.ts';
import { tempDir } from '../library/fixtures/rasters.ts';
import { jobEnd } from '../jobs/helpers.ts';
import { mrStudy, type MrStudy } from '../fixtures/mrStudy.ts';
import {
  freePort,
  orthancUser,
  secretsIn,
  startOrthanc,
  uploadToOrthanc,
  type RunningOrthanc,
} from '../fixtures/orthanc.ts';
import { writeTinyModels } from '../fixtures/tinyModels.ts';

// Orthanc comes from Debian (README, .ci/run); without it these tests fail with the
// install command (startOrthanc), like the browser tests without chromium: never skipped.

let orthanc: RunningOrthanc;
let mr: MrStudy;
let other: MrStudy;
let dir: string;
let libraryDir: string;
let library: Library;
let runner: JobRunner;
let api: Api;

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

const call = <T>(method: string, params: unknown) => api.call(method, params) as Promise<T>;

async function finished(job: Job): Promise<Job> {
  const ended = await jobEnd(runner, job.id);
  expect(ended.status, ended.error ?? '').toBe('finished');
  return ended;
}

describe('PACS endpoints, search, pull and send through the api', () => {
  beforeAll(async () => {
    orthanc = await startOrthanc();
    mr = mrStudy({ patientId: 'PAT-APP-1', patientName: 'Doe^Dana' });
    other = mrStudy({ patientId: 'PAT-APP-2', patientName: 'Poe^Pia', studyDate: '20190101' });
    for (const study of [mr, other])
      for (const file of study.files) await uploadToOrthanc(orthanc, file);
    dir = tempDir('anomap-pacs-api-');
    libraryDir = join(dir, 'library');
    library = Library.open(libraryDir);
    const modelsDir = join(dir, 'models');
    await writeTinyModels(modelsDir, { preset: { pixelThreshold: 0.008 } });
    runner = new JobRunner({
      spawnEngine: forkEngine(),
      context: { libraryDir, modelsDir, checkpointsDir: join(dir, 'checkpoints') },
      stateFile: jobStateFile(libraryDir),
    });
    api = createApi({
      library,
      runner,
      door: 'browser',
      modelsDir,
      version: '0.0.0',
      urls: { image: (h) => `/i/${h}`, pixels: (h) => `/p/${h}`, exportFile: (f) => `/e/${f}` },
      probeBackend: async () => ({
        name: 'cpu',
        package: 'test',
        reason: 'test',
        threads: 1,
        libraryVersion: 'test',
      }),
    });
  });

  afterAll(async () => {
    await runner?.close();
    library?.close();
    await orthanc?.stop();
  });

  it('saves, lists and deletes endpoints, refusing malformed ones with a bad request', async () => {
    const saved = await call<PacsEndpointStatus>('savePacsEndpoint', {
      name: 'Spare',
      url: `${orthanc.dicomweb}/`,
      authKind: 'bearer',
    });
    expect(saved).toMatchObject({ url: orthanc.dicomweb, hasSessionSecret: false });
    const { hasSessionSecret: _, ...fields } = saved;
    const renamed = await call<PacsEndpointStatus>('savePacsEndpoint', {
      ...fields,
      name: 'Spare PACS',
    });
    expect(renamed).toMatchObject({ id: saved.id, name: 'Spare PACS' });
    expect(await call('listPacsEndpoints', {})).toEqual([renamed]);

    const bad = [
      { name: 'x', url: 'http://anomap:secret@127.0.0.1:1/dicom-web', authKind: 'none' },
      { name: 'x', url: 'ftp://127.0.0.1/dicom-web', authKind: 'none' },
      { name: 'x', url: orthanc.dicomweb, authKind: 'basic' },
      { name: 'x', url: orthanc.dicomweb, authKind: 'none', user: 'anomap' },
      { name: 'x', url: orthanc.dicomweb, authKind: 'none', password: 'p' },
      // no AE title: DICOMweb has no use for one (a server that needs one has it in its URL)
      { name: 'x', url: orthanc.dicomweb, authKind: 'none', aeTitle: 'ORTHANC' },
      { name: '', url: orthanc.dicomweb, authKind: 'none' },
    ];
    for (const params of bad)
      expect((await failure(api.call('savePacsEndpoint', params))).code, params.url).toBe(
        'bad-request',
      );
    expect(
      (await failure(api.call('setPacsSecret', { endpointId: 'Not An Id', secret: 'x' }))).code,
    ).toBe('bad-request');
    expect((await failure(api.call('deletePacsEndpoint', { endpointId: 'nope' }))).code).toBe(
      'not-found',
    );

    await call('deletePacsEndpoint', { endpointId: saved.id });
    expect(await call('listPacsEndpoints', {})).toEqual([]);
  });

  it('checks a connection in plain words: no password yet, a wrong one, the right one, a server that is down', async () => {
    const endpoint = await call<PacsEndpointStatus>('savePacsEndpoint', {
      name: 'Orthanc',
      url: orthanc.dicomweb,
      authKind: 'basic',
      user: orthancUser.user,
    });
    const check = (endpointId = endpoint.id) =>
      call<{ ok: boolean; message: string }>('checkPacsConnection', { endpointId });
    expect(await check()).toEqual({
      ok: false,
      message: 'no password given in this session: enter it first',
    });
    await call('setPacsSecret', { endpointId: endpoint.id, secret: 'wrong-password' });
    const refused = await check();
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain('refused the credentials');
    const withSecret = await call<PacsEndpointStatus>('setPacsSecret', {
      endpointId: endpoint.id,
      secret: orthancUser.password,
    });
    expect(withSecret.hasSessionSecret).toBe(true);
    expect(await check()).toEqual({
      ok: true,
      message: `connected to ${orthanc.dicomweb} with basic credentials: it answers study searches`,
    });

    const down = await call<PacsEndpointStatus>('savePacsEndpoint', {
      name: 'Down',
      url: `http://127.0.0.1:${await freePort()}/dicom-web`,
      authKind: 'none',
    });
    const unreachable = await check(down.id);
    expect(unreachable.ok).toBe(false);
    expect(unreachable.message).toContain('connection refused');
    await call('deletePacsEndpoint', { endpointId: down.id });

    // The saved settings hold the user but never the password.
    const settings = readFileSync(join(libraryDir, 'pacs-endpoints.json'), 'utf8');
    expect(settings).toContain(orthancUser.user);
    expect(secretsIn(libraryDir)).toEqual([]);
    // The scan finds a password where there is one.
    writeFileSync(join(dir, 'planted.txt'), `x${orthancUser.password}x`);
    expect(secretsIn(dir)).toEqual([join(dir, 'planted.txt')]);
  });

  it('searches, pulls the picked study as a job, reconstructs and sends SC + SEG + PMAP back, leaving no secret behind', async () => {
    const [endpoint] = await call<PacsEndpointStatus[]>('listPacsEndpoints', {});
    expect(endpoint.hasSessionSecret).toBe(true);
    const found = await call<{ studyUid: string; patientId: string }[]>('searchPacs', {
      endpointId: endpoint.id,
      search: { modality: 'MR', since: '2024-01-01' },
    });
    expect(found.map((study) => study.studyUid)).toEqual([mr.studyUid]);
    expect(found[0]).toMatchObject({ patientId: 'PAT-APP-1', patientName: 'Doe^Dana' });
    expect(
      (
        await failure(
          api.call('searchPacs', { endpointId: endpoint.id, search: { since: '1 May' } }),
        )
      ).code,
    ).toBe('bad-request');

    const pull = await call<Job>('startPacsPull', {
      endpointId: endpoint.id,
      studyUids: [mr.studyUid],
    });
    expect(pull.spec).toEqual({
      kind: 'pacs-pull',
      endpointId: endpoint.id,
      endpointName: 'Orthanc',
      studyUids: [mr.studyUid],
    });
    const pulled = PacsPullResultSchema.parse((await finished(pull)).result);
    expect(pulled).toEqual({ found: 1, imported: 1, inLibrary: 0, images: 3, failed: [] });
    const { studies } = library.listStudies({ offset: 0, limit: 10 });
    expect(studies.map((study) => study.uid)).toEqual([`dicom:${mr.studyUid}`]);

    const reconstruct = await call<Job>('startJob', {
      spec: { kind: 'reconstruct', studyIds: [studies[0].id] },
    });
    const { runId } = ReconstructResultSchema.parse((await finished(reconstruct)).result);
    const send = await call<Job>('startPacsSend', { endpointId: endpoint.id, runId });
    const sent = PacsSendResultSchema.parse((await finished(send)).result);
    expect(sent).toEqual({
      stored: 8,
      studies: [{ studyId: studies[0].id, studyUid: mr.studyUid }],
      notes: [],
      failed: [],
    });
    const series = (await (
      await fetch(`${orthanc.dicomweb}/studies/${mr.studyUid}/series`, {
        headers: { authorization: orthanc.authorization, accept: 'application/dicom+json' },
      })
    ).json()) as Record<string, { Value?: string[] }>[];
    // The source series, the parametric map (MR), two Secondary Capture series and the SEG.
    expect(series.map((one) => one['00080060']?.Value?.[0]).sort()).toEqual([
      'MR',
      'MR',
      'OT',
      'OT',
      'SEG',
    ]);

    // Neither the job list, the library nor anything else in its folder holds the password.
    expect(existsSync(jobStateFile(libraryDir))).toBe(true);
    expect(readFileSync(jobStateFile(libraryDir), 'utf8')).toContain('pacs-send');
    expect(secretsIn(libraryDir)).toEqual([]);
  });

  it('refuses a pull or a send while the session has no password, and after the endpoint is deleted', async () => {
    const [endpoint] = await call<PacsEndpointStatus[]>('listPacsEndpoints', {});
    await call('setPacsSecret', { endpointId: endpoint.id, secret: null });
    const refused = await failure(
      api.call('startPacsPull', { endpointId: endpoint.id, studyUids: [other.studyUid] }),
    );
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain('enter the password of "Orthanc" in Settings first');
    expect(
      (await failure(api.call('startPacsSend', { endpointId: endpoint.id, runId: 999 }))).code,
    ).toBe('conflict');
    await call('deletePacsEndpoint', { endpointId: endpoint.id });
    expect(
      (
        await failure(
          api.call('startPacsPull', { endpointId: endpoint.id, studyUids: [other.studyUid] }),
        )
      ).code,
    ).toBe('not-found');
  });
});
