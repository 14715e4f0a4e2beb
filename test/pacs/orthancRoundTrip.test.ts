/**
 * The PACS round trip against a real Orthanc (issue 22): upload MR studies with its REST API,
 * pull one with `anomap import --dicomweb`, reconstruct it with tiny untrained models, send the
 * results with `anomap export --stow`, and read them back over DICOMweb.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobSpecSchema } from '../../src-main/contract/index.ts';
import { runReconstruct } from '../../src-main/jobs/kinds/reconstruct.ts';
import { Library } from '../../src-main/library/index.ts';
import { binaryMask } from '../../src-main/library/export/exportResultDicom.ts';
import { tempDir } from '../library/fixtures/rasters.ts';
import { mrStudy, type MrStudy } from '../fixtures/mrStudy.ts';
import {
  orthancUser,
  secretsIn,
  startOrthanc,
  uploadToOrthanc,
  type RunningOrthanc,
} from '../fixtures/orthanc.ts';
import { writeTinyModels } from '../fixtures/tinyModels.ts';
import { anomapInProcess } from './pacsCli.ts';

// Orthanc comes from Debian (README, .ci/run); without it these tests fail with the
// install command (startOrthanc), like the browser tests without chromium: never skipped.

/** A DICOMweb GET with the test's credentials. */
async function dicomweb(orthanc: RunningOrthanc, path: string, accept = 'application/dicom+json') {
  const response = await fetch(`${orthanc.dicomweb}${path}`, {
    headers: { authorization: orthanc.authorization, accept },
  });
  expect(response.status, path).toBe(200);
  return response;
}

/** The DICOM objects of a multipart/related answer, naturalized by dcmjs. */
async function retrieveObjects(orthanc: RunningOrthanc, path: string) {
  const response = await dicomweb(orthanc, path, 'multipart/related; type="application/dicom"');
  const body = Buffer.from(await response.arrayBuffer());
  const boundary = /boundary=("?)([^";]+)\1/.exec(response.headers.get('content-type') ?? '')![2];
  const parts: Buffer[] = [];
  for (const chunk of body.toString('latin1').split(`--${boundary}`).slice(1, -1)) {
    const start = chunk.indexOf('\r\n\r\n') + 4;
    parts.push(Buffer.from(chunk.slice(start, chunk.length - 2), 'latin1'));
  }
  return parts.map((part) => {
    const copy = part.buffer.slice(part.byteOffset, part.byteOffset + part.byteLength);
    const file = dcmjs.data.DicomMessage.readFile(copy as ArrayBuffer);
    return { bytes: part, dataset: dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict) };
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- dcmjs's naturalized data sets are untyped
type Natural = any;

let orthanc: RunningOrthanc;
let mr: MrStudy;
let ct: MrStudy;
let other: MrStudy;
const savedEnv = { ...process.env };

describe('a PACS round trip with Orthanc', () => {
  beforeAll(async () => {
    orthanc = await startOrthanc();
    mr = mrStudy({ patientId: 'PAT-PACS-1', patientName: 'Roe^Rita' });
    ct = mrStudy({ patientId: 'PAT-PACS-1', patientName: 'Roe^Rita', modality: 'CT' });
    other = mrStudy({ patientId: 'PAT-OTHER', patientName: 'Other^Olga', studyDate: '20190101' });
    for (const study of [mr, ct, other])
      for (const file of study.files) await uploadToOrthanc(orthanc, file);
    process.env.ANOMAP_DICOMWEB_USER = orthancUser.user;
    process.env.ANOMAP_DICOMWEB_PASSWORD = orthancUser.password;
  });

  afterAll(async () => {
    process.env = savedEnv;
    await orthanc?.stop();
  });

  it('pulls, reconstructs and stows back SC, SEG and PMAP into the source study', async () => {
    const dir = tempDir();
    const libraryDir = join(dir, 'library');
    // Pull: only the MR study of this patient since 2024 (the CT and the 2019 study stay).
    const pulled = await anomapInProcess(
      'import',
      '--library',
      libraryDir,
      '--dicomweb',
      orthanc.dicomweb,
      '--patient',
      'PAT-PACS-1',
      '--modality',
      'MR',
      '--since',
      '2024-01-01',
    );
    expect(pulled.error).toBe('');
    expect(pulled.stdout).toContain('found 1 studies: 1 imported (3 slices)');
    expect(pulled.code).toBe(0);
    const library = Library.open(libraryDir);
    const [study] = library.listStudies({ offset: 0, limit: 10 }).studies;
    expect(library.listStudies({ offset: 0, limit: 10 }).total).toBe(1);
    expect(study.uid).toBe(`dicom:${mr.studyUid}`);
    expect(study.patientAlias).toBe('PAT-PACS-1');
    const detail = library.getStudy(study.id);
    expect(detail.images).toHaveLength(3);
    expect(detail.images[0].originalPath).toMatch(
      new RegExp(`^${orthanc.dicomweb}/studies/${mr.studyUid}/series/${mr.seriesUid}/instances/`),
    );
    // The staging folder is gone; nothing of the credentials is in the library.
    expect(
      existsSync(join(libraryDir, 'dicomweb-pull')) &&
        readdirSync(join(libraryDir, 'dicomweb-pull')).length,
    ).toBeFalsy();
    library.close();
    expect(secretsIn(libraryDir)).toEqual([]);

    // Pulling again retrieves nothing: every instance is in the library.
    const again = await anomapInProcess(
      'import',
      '--library',
      libraryDir,
      '--dicomweb',
      orthanc.dicomweb,
      '--study',
      mr.studyUid,
    );
    expect(again.stdout).toContain(
      'found 1 studies: 0 imported (0 slices), 1 already in the library',
    );

    // Reconstruct with tiny untrained models.
    const models = join(dir, 'models');
    await writeTinyModels(models, { preset: { pixelThreshold: 0.008 } });
    const reconstructed = await runReconstruct({
      jobId: 'pacs-1',
      spec: JobSpecSchema.parse({ kind: 'reconstruct', studyIds: [study.id] }) as never,
      context: { libraryDir, modelsDir: models, checkpointsDir: join(dir, 'checkpoints') },
      control: { signal: new AbortController().signal, onProgress: () => {} },
      libraryChanged: () => {},
    });
    const runId = (reconstructed as { runId: number }).runId;

    // Send, keeping a copy of the objects under --out.
    const out = join(dir, 'out');
    const sent = await anomapInProcess(
      'export',
      '--library',
      libraryDir,
      '--run',
      String(runId),
      '--dicom',
      '--stow',
      orthanc.dicomweb,
      '--out',
      out,
    );
    expect(sent.error).toBe('');
    expect(sent.stdout).toContain(`stored 8 objects into study ${mr.studyUid}`);
    expect(sent.code).toBe(0);

    // Read back: the new series are in the source study, under the imported patient.
    const series = (await (
      await dicomweb(orthanc, `/studies/${mr.studyUid}/series`)
    ).json()) as Record<string, { Value?: string[] }>[];
    const modalities = series.map((one) => one['00080060']?.Value?.[0]).sort();
    expect(modalities).toEqual(['MR', 'MR', 'OT', 'OT', 'SEG']);
    const studies = (await (
      await dicomweb(orthanc, `/studies?PatientID=PAT-PACS-1&ModalitiesInStudy=SEG`)
    ).json()) as unknown[];
    expect(studies).toHaveLength(1);

    const reopened = Library.open(libraryDir);
    const results = reopened
      .listResults(runId, study.id)
      .sort(
        (a, b) => reopened.getImage(a.imageId).sliceIndex - reopened.getImage(b.imageId).sliceIndex,
      );
    const maps = await Promise.all(results.map((result) => reopened.store.get(result.mapHash)));
    const stored = reopened.getDicomIdentity(study.id);
    const sourceUids = results.map((result) => stored.images.get(result.imageId)!.sopInstanceUid);
    reopened.close();

    const segSeries = series.find((one) => one['00080060']?.Value?.[0] === 'SEG')!;
    const [seg] = await retrieveObjects(
      orthanc,
      `/studies/${mr.studyUid}/series/${segSeries['0020000E']!.Value![0]}`,
    );
    const segData = seg.dataset as Natural;
    expect(segData.StudyInstanceUID).toBe(mr.studyUid);
    expect(segData.PatientID).toBe('PAT-PACS-1');
    expect(segData.PatientName).toEqual([{ Alphabetic: 'Roe^Rita' }]);
    expect(segData.FrameOfReferenceUID).toBe(mr.frameOfReferenceUid);
    expect(segData.NumberOfFrames).toBe(3);
    expect(segData.SegmentSequence.SegmentLabel ?? segData.SegmentSequence[0].SegmentLabel).toBe(
      'Anomaly',
    );
    const frames = [segData.PerFrameFunctionalGroupsSequence].flat();
    expect(
      frames.map(
        (frame: Natural) =>
          [frame.DerivationImageSequence.SourceImageSequence].flat()[0].ReferencedSOPInstanceUID,
      ),
    ).toEqual(sourceUids);
    // SEG frames: the exported masks, pixel for pixel (the NIfTI masks written beside them agree).
    // 1-bit pixels, packed little-endian across frames (PS3.5 8.1.1), read back here by hand.
    const packed = new Uint8Array([segData.PixelData].flat()[0]);
    const bits = Uint8Array.from(
      { length: packed.length * 8 },
      (_, i) => (packed[i >> 3] >> (i & 7)) & 1,
    );
    results.forEach((result, i) => {
      const mask = binaryMask(maps[i], result.mapScale, result.pixelThreshold!);
      const size = mask.width * mask.height;
      expect(Array.from(bits.subarray(i * size, (i + 1) * size))).toEqual(Array.from(mask.pixels));
    });
    // Both values occur: a mask of all zeros (or ones) would match too easily.
    const ones = results.reduce(
      (sum, result, i) =>
        sum +
        binaryMask(maps[i], result.mapScale, result.pixelThreshold!).pixels.filter((v) => v === 1)
          .length,
      0,
    );
    console.log(
      'ones',
      ones,
      results.map((r) => r.mapScale),
    );
    expect(ones).toBeGreaterThan(0);
    expect(ones).toBeLessThan(maps.length * maps[0].width * maps[0].height);

    // PMAP: the map's float values, frame by frame.
    const pmapSeries = series.find((one) =>
      (one['0008103E'] as { Value?: string[] } | undefined)?.Value?.[0]?.includes('parametric'),
    )!;
    const [pmap] = await retrieveObjects(
      orthanc,
      `/studies/${mr.studyUid}/series/${pmapSeries['0020000E']!.Value![0]}`,
    );
    const pmapData = pmap.dataset as Natural;
    expect(pmapData.SOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.30');
    expect(pmapData.PatientID).toBe('PAT-PACS-1');
    const floats = new Float32Array([pmapData.FloatPixelData].flat()[0]);
    results.forEach((result, i) => {
      const step = (result.mapScale.max - result.mapScale.min) / 65535;
      const size = maps[i].width * maps[i].height;
      for (let p = 0; p < size; p++)
        expect(floats[i * size + p]).toBeCloseTo(result.mapScale.min + maps[i].pixels[p] * step, 5);
    });

    // dciodvfy (dicom3tools) finds no error in the objects as the server gives them back.
    for (const [name, object] of [
      ['seg', seg],
      ['pmap', pmap],
    ] as const) {
      const file = join(dir, `${name}.dcm`);
      writeFileSync(file, object.bytes);
      const checked = spawnSync('dciodvfy', ['-new', file], { encoding: 'utf8' });
      expect(checked.error).toBeUndefined(); // CI installs dicom3tools: missing fails
      const report = `${checked.stdout}${checked.stderr}`;
      expect(report).toMatch(name === 'seg' ? /Segmentation/ : /ParametricMap/);
      expect(report.split('\n').filter((line) => line.startsWith('Error'))).toEqual([]);
    }
  });
});
