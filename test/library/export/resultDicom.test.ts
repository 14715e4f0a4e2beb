import { afterEach, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import * as nifti from 'nifti-reader-js';
import type { Library } from '../../../src-main/library/index.ts';
import {
  decimalString,
  exportResultDicom,
  secondaryCaptureSopClass,
} from '../../../src-main/library/export/exportResultDicom.ts';
import { newUid } from '../../../src-main/library/export/writeDicom.ts';
import {
  frameOfReference,
  height,
  libraryWithDicomResult,
  mapValues,
  studyUid,
  width,
} from '../fixtures/dicomResult.ts';
import { tempDir } from '../fixtures/rasters.ts';

let library: Library | undefined;
afterEach(() => library?.close());

function parse(file: string) {
  return dicomParser.parseDicom(new Uint8Array(readFileSync(file)));
}

function isValidUid(uid: string | undefined): boolean {
  return uid !== undefined && uid.length <= 64 && /^[0-9]+(\.[0-9]+)*$/.test(uid);
}

it('writes the map and reconstruction as Secondary Capture in the source study', async () => {
  const dir = tempDir();
  const { runId, studyId, ...made } = await libraryWithDicomResult(dir, true);
  library = made.library;
  const exported = await exportResultDicom(library!, runId, studyId, join(dir, 'out'));
  expect(exported.studyUidGenerated).toBe(false);
  const [mapFile, reconstructionFile, maskFile] = exported.files;
  expect(exported.files).toHaveLength(3);
  const map = parse(mapFile);
  const reconstruction = parse(reconstructionFile);
  for (const dataSet of [map, reconstruction]) {
    expect(dataSet.string('x00020010')).toBe('1.2.840.10008.1.2.1');
    expect(dataSet.string('x00080016')).toBe(secondaryCaptureSopClass);
    expect(dataSet.string('x00020002')).toBe(secondaryCaptureSopClass);
    expect(dataSet.string('x00020003')).toBe(dataSet.string('x00080018'));
    expect(dataSet.string('x0020000d')).toBe(studyUid);
    expect(dataSet.string('x00200052')).toBe(frameOfReference);
    expect(dataSet.string('x00100020')).toBe('PAT-042');
    expect(dataSet.string('x00100010')).toBe('Doe^Jane');
    expect(isValidUid(dataSet.string('x0020000e'))).toBe(true);
    expect(isValidUid(dataSet.string('x00080018'))).toBe(true);
    expect(dataSet.uint16('x00280010')).toBe(height);
    expect(dataSet.uint16('x00280011')).toBe(width);
    expect(dataSet.uint16('x00280100')).toBe(16);
    expect(dataSet.uint16('x00280101')).toBe(16);
    expect(dataSet.uint16('x00280103')).toBe(0);
    const comment = dataSet.string('x00204000') ?? '';
    expect(comment).toContain('L=500 k=25 s=100');
    expect(comment).toContain('map method=ensemble');
    expect(comment).toContain('NOT FOR DIAGNOSTIC USE');
  }
  expect(map.string('x0008103e')).toBe('Anomap anomaly map');
  expect(reconstruction.string('x0008103e')).toBe('Anomap pseudo-healthy reconstruction');
  expect(map.string('x0020000e')).not.toBe(reconstruction.string('x0020000e'));
  expect(map.string('x00080018')).not.toBe(reconstruction.string('x00080018'));

  // Pixels: stored = round((value - min) / (max - min) * 65535), read back through the rescale.
  const element = map.elements.x7fe00010;
  expect(element.length).toBe(width * height * 2);
  const stored = new Uint16Array(width * height);
  const bytes = map.byteArray;
  for (let i = 0; i < stored.length; i++)
    stored[i] = bytes[element.dataOffset + 2 * i] | (bytes[element.dataOffset + 2 * i + 1] << 8);
  expect(stored[5 * width + 7]).toBe(65535);
  expect(stored[0]).toBe(0);
  mapValues.forEach((value, i) => expect(stored[i]).toBe(Math.round((value / 2.5) * 65535)));
  const slope = map.floatString('x00281053') ?? NaN;
  const intercept = map.floatString('x00281052') ?? NaN;
  expect(intercept).toBe(0);
  expect(map.floatString('x00281050')).toBe(1.25);
  expect(map.floatString('x00281051')).toBe(2.5);
  // Within the 16-bit quantisation's half step, (max - min) / 131070.
  mapValues.forEach((value, i) =>
    expect(Math.abs(intercept + slope * stored[i] - value)).toBeLessThanOrEqual(
      2.5 / 131070 + 1e-7,
    ),
  );

  // The mask: map > 0.5, as a NIfTI slice written bottom-up.
  const maskBytes = gunzipSync(readFileSync(maskFile));
  const header = nifti.readHeader(maskBytes.buffer.slice(maskBytes.byteOffset) as ArrayBuffer);
  expect(header?.dims.slice(0, 4)).toEqual([3, width, height, 1]);
  const voxels = new Uint8Array(maskBytes.buffer, maskBytes.byteOffset + 352, width * height);
  mapValues.forEach((value, i) => {
    const row = Math.floor(i / width);
    const flipped = (height - 1 - row) * width + (i % width);
    expect(voxels[flipped]).toBe(value > 0.5 ? 1 : 0);
  });
});

it('passes dcmtk: dcmdump reads the tags back', async () => {
  const dir = tempDir();
  const { runId, studyId, ...made } = await libraryWithDicomResult(dir, true);
  library = made.library;
  const [mapFile] = (await exportResultDicom(library!, runId, studyId, join(dir, 'out'))).files;
  // CI installs dcmtk: a missing dcmdump fails the test instead of skipping it.
  const dump = execFileSync('dcmdump', ['+E', mapFile], { encoding: 'utf8' });
  expect(dump).toContain('=SecondaryCaptureImageStorage');
  expect(dump).toContain(`[${studyUid}]`);
  expect(dump).toContain('[Anomap anomaly map]');
  expect(dump).toMatch(/\(0028,0010\) US 20\b/);
  expect(dump).toMatch(/\(0028,0011\) US 24\b/);
  expect(dump).not.toMatch(/^[EW]:/m);
  // dcmtk's own reading of the pixels, in hex: the map quantised to 16 bits over its range.
  const pixels = execFileSync('dcmdump', ['+L', '+P', '7fe0,0010', mapFile], { encoding: 'utf8' });
  const hex = /OW ([0-9a-f\\]+)/.exec(pixels)?.[1].split('\\') ?? [];
  expect(hex.map((value) => parseInt(value, 16))).toEqual(
    Array.from(mapValues, (value) => Math.round((value / 2.5) * 65535)),
  );
});

it('makes a new study UID, and says so, when the source was not DICOM', async () => {
  const dir = tempDir();
  const { runId, studyId, ...made } = await libraryWithDicomResult(dir, false);
  library = made.library;
  const exported = await exportResultDicom(library!, runId, studyId, join(dir, 'out'));
  expect(exported.studyUidGenerated).toBe(true);
  const map = parse(exported.files[0]);
  const uid = map.string('x0020000d');
  expect(isValidUid(uid)).toBe(true);
  expect(uid).not.toBe(studyUid);
  expect(uid?.startsWith('2.25.')).toBe(true);
  expect(map.string('x00100020')).toBe('PAT-042');
  expect(map.string('x00200052')).toBeUndefined();
});

it('puts the slices of a study in one series per kind, numbered in order', async () => {
  const dir = tempDir();
  const { runId, studyId, ...made } = await libraryWithDicomResult(dir, true, 3);
  library = made.library;
  const { files } = await exportResultDicom(library, runId, studyId, join(dir, 'out'));
  const maps = files.filter((file) => file.endsWith('anomaly-map.dcm')).map(parse);
  expect(maps).toHaveLength(3);
  expect(new Set(maps.map((map) => map.string('x0020000e'))).size).toBe(1);
  expect(new Set(maps.map((map) => map.string('x00080018'))).size).toBe(3);
  expect(maps.map((map) => map.intString('x00200013'))).toEqual([1, 2, 3]);
  expect(files.filter((file) => file.endsWith('.nii.gz'))).toHaveLength(3);
});

it('makes UUID-derived UIDs and 16-character decimal strings', () => {
  const uids = Array.from({ length: 50 }, newUid);
  expect(new Set(uids).size).toBe(50);
  uids.forEach((uid) => expect(isValidUid(uid)).toBe(true));
  for (const value of [0, 1, -1, 1 / 3, 1.234567890123e-7, 123456789.123456, -2.5e-12])
    expect(decimalString(value).length).toBeLessThanOrEqual(16);
  expect(Number(decimalString(1 / 3))).toBeCloseTo(1 / 3, 9);
});
