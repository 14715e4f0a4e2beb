import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Library } from '../library.ts';
import type { StoredDicomIdentity } from '../dicomIdentity.ts';
import type { Pixels } from '../pixels.ts';
import type { QuantisationScale, Result, Run, StudyDetail } from '../types.ts';
import { keptStudyAttributes } from '../import/dicom/keptAttributes.ts';
import { decimalString, encodeDicomFile, newUid, type DicomElement } from './writeDicom.ts';

export { decimalString } from './writeDicom.ts';
import { niftiOfSlice } from './writeNifti.ts';
import {
  derivedObjectsRefusal,
  parametricMapObject,
  segmentationObject,
  type DerivedSlice,
} from './derivedObjects.ts';

export const secondaryCaptureSopClass = '1.2.840.10008.5.1.4.1.1.7';

/** What the exported objects carry over from the source study. */
export interface SourceIdentity {
  studyUid: string;
  /** True when the source gave no StudyInstanceUID and a new one was made. */
  studyUidGenerated: boolean;
  frameOfReferenceUid: string | null;
  /** Patient and study attributes kept at import (or the library's fallbacks). */
  copied: DicomElement[];
}

/**
 * Patient and General Study attributes (type 1 and 2 of the SC IOD) written into every
 * exported object; the fallback fills them for a study whose source header was not kept
 * (not DICOM, or imported before the library kept it).
 */
const copiedTags: { tag: number; vr: DicomElement['vr']; fallback: 'alias' | 'date' | '' }[] = [
  { tag: 0x00080005, vr: 'CS', fallback: '' },
  { tag: 0x00080020, vr: 'DA', fallback: 'date' },
  { tag: 0x00080030, vr: 'TM', fallback: '' },
  { tag: 0x00080050, vr: 'SH', fallback: '' },
  { tag: 0x00080090, vr: 'PN', fallback: '' },
  { tag: 0x00100010, vr: 'PN', fallback: 'alias' },
  { tag: 0x00100020, vr: 'LO', fallback: 'alias' },
  { tag: 0x00100030, vr: 'DA', fallback: '' },
  { tag: 0x00100040, vr: 'CS', fallback: '' },
  { tag: 0x00200010, vr: 'SH', fallback: '' },
];

export interface ResultDicomExport {
  files: string[];
  studyUidGenerated: boolean;
  /** The study's StudyInstanceUID the objects carry. */
  studyUid: string;
  /** With derived objects asked for: why the study has none (null when written). */
  derivedRefusal?: string | null;
}

export interface ResultDicomOptions {
  /** Also a DICOM Segmentation and a Parametric Map of the study's maps (one object each). */
  derived?: boolean;
}

/** keptStudyAttributes covers every copied tag: checked once, when the module loads. */
for (const { tag } of copiedTags)
  if (!keptStudyAttributes.some((kept) => parseInt(kept.tag, 16) === tag))
    throw new Error(`copied tag ${tag.toString(16)} is not kept at import`);

/**
 * The source's study identity, from what the library stored at import and nothing else: the
 * source file is never opened again (it may have been replaced since, or be a FIFO now).
 * StudyInstanceUID, patient and study attributes and the frame of reference as the source
 * header had them; for a study without a kept header, the study UID the library holds
 * ("dicom:UID"), the patient alias and the study date; a new study UID when there is none.
 */
export function sourceIdentity(
  study: StudyDetail,
  stored: StoredDicomIdentity,
  imageId?: number,
): SourceIdentity {
  const kept = stored.study;
  const libraryUid = study.uid.startsWith('dicom:') ? study.uid.slice('dicom:'.length) : null;
  const studyUid = (kept?.studyInstanceUid || null) ?? libraryUid;
  const fallbacks = {
    alias: study.patientAlias ?? '',
    date: (study.studyDate ?? '').replace(/-/g, ''),
    '': '',
  };
  const copied = copiedTags
    .map(({ tag, vr, fallback }) => {
      const key = tag.toString(16).padStart(8, '0');
      const value = kept ? (kept.attributes[key] ?? '') : fallbacks[fallback];
      return { tag, vr, value };
    })
    .filter((element) => element.tag !== 0x00080005 || element.value !== '');
  const image = imageId === undefined ? undefined : stored.images.get(imageId);
  const anyFrame = [...stored.images.values()].find((source) => source.frameOfReferenceUid);
  return {
    studyUid: studyUid ?? newUid(),
    studyUidGenerated: studyUid === null,
    frameOfReferenceUid: image?.frameOfReferenceUid ?? anyFrame?.frameOfReferenceUid ?? null,
    copied,
  };
}

/** The run's settings and the disclaimer, for ImageComments. */
export function settingsComment(run: Run, result: Result): string {
  const s = run.settings;
  const mapMethod = typeof s.mapMethod === 'string' ? s.mapMethod : 'default';
  return [
    `Anomap run ${run.id}, result ${result.id}`,
    `L=${s.noiseLevel ?? '?'} k=${s.stride ?? '?'} s=${s.guidanceScale ?? '?'}`,
    `map method=${mapMethod}`,
    `pixel threshold=${result.pixelThreshold ?? 'none'}`,
    'NOT FOR DIAGNOSTIC USE',
  ].join('; ');
}

interface ObjectSpec {
  source: SourceIdentity;
  seriesUid: string;
  seriesNumber: number;
  instanceNumber: number;
  description: string;
  comment: string;
  pixels: Pixels;
  /** The 16-bit stored value v means scale.min + v / 65535 * (scale.max - scale.min). */
  scale: QuantisationScale;
}

function identityElements(source: SourceIdentity): DicomElement[] {
  const elements: DicomElement[] = [
    ...source.copied,
    { tag: 0x0020000d, vr: 'UI', value: source.studyUid },
  ];
  if (source.frameOfReferenceUid)
    elements.push({ tag: 0x00200052, vr: 'UI', value: source.frameOfReferenceUid });
  return elements;
}

/** One single-frame Secondary Capture object, 16-bit MONOCHROME2 with the float scale as rescale. */
export function secondaryCapture(spec: ObjectSpec): DicomElement[] {
  const { pixels, scale } = spec;
  if (pixels.bitDepth !== 16) throw new Error('a result image is stored as 16-bit');
  const slope = (scale.max - scale.min) / 65535;
  const today = new Date().toISOString();
  const elements: DicomElement[] = [
    { tag: 0x00080008, vr: 'CS', value: 'DERIVED\\SECONDARY' },
    { tag: 0x00080016, vr: 'UI', value: secondaryCaptureSopClass },
    { tag: 0x00080018, vr: 'UI', value: newUid() },
    { tag: 0x00080023, vr: 'DA', value: today.slice(0, 10).replace(/-/g, '') },
    { tag: 0x00080060, vr: 'CS', value: 'OT' },
    { tag: 0x00080064, vr: 'CS', value: 'WSD' },
    { tag: 0x00080070, vr: 'LO', value: 'Anomap' },
    { tag: 0x0008103e, vr: 'LO', value: spec.description },
    { tag: 0x0020000e, vr: 'UI', value: spec.seriesUid },
    { tag: 0x00200011, vr: 'IS', value: spec.seriesNumber },
    { tag: 0x00200013, vr: 'IS', value: spec.instanceNumber },
    { tag: 0x00200020, vr: 'CS', value: '' },
    { tag: 0x00204000, vr: 'LT', value: spec.comment },
    { tag: 0x00280002, vr: 'US', value: 1 },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: pixels.height },
    { tag: 0x00280011, vr: 'US', value: pixels.width },
    { tag: 0x00280100, vr: 'US', value: 16 },
    { tag: 0x00280101, vr: 'US', value: 16 },
    { tag: 0x00280102, vr: 'US', value: 15 },
    { tag: 0x00280103, vr: 'US', value: 0 },
    // The VOI window spans the float range, so a viewer shows the whole map at first.
    { tag: 0x00281050, vr: 'DS', value: decimalString((scale.min + scale.max) / 2) },
    { tag: 0x00281051, vr: 'DS', value: decimalString(Math.max(scale.max - scale.min, 1e-6)) },
    { tag: 0x00281052, vr: 'DS', value: decimalString(scale.min) },
    { tag: 0x00281053, vr: 'DS', value: decimalString(slope === 0 ? 1 : slope) },
    { tag: 0x00281054, vr: 'LO', value: 'US' },
    { tag: 0x7fe00010, vr: 'OW', value: Uint16Array.from(pixels.pixels) },
  ];
  return [...elements, ...identityElements(spec.source)];
}

/** The binary map (map value > the result's pixel cut-off) as an 8-bit 0/1 slice. */
export function binaryMask(map: Pixels, scale: QuantisationScale, threshold: number): Pixels {
  const step = (scale.max - scale.min) / 65535;
  const mask = new Uint8Array(map.pixels.length);
  map.pixels.forEach((value, i) => {
    mask[i] = scale.min + value * step > threshold ? 1 : 0;
  });
  return { width: map.width, height: map.height, bitDepth: 8, pixels: mask };
}

/**
 * A result's anomaly map and pseudo-healthy reconstruction as DICOM Secondary Capture (one new
 * series each, in the source study), and its binary mask as a gzipped NIfTI when the result has
 * a pixel cut-off. Returns the files written.
 */
export async function exportResultDicom(
  library: Library,
  runId: number,
  studyId: number,
  outDir: string,
  options: ResultDicomOptions = {},
): Promise<ResultDicomExport> {
  const run = library.getRun(runId);
  const study = library.getStudy(studyId);
  const sliceIndex = (imageId: number) => library.getImage(imageId).sliceIndex;
  const results = library
    .listResults(runId, studyId)
    .sort((a, b) => sliceIndex(a.imageId) - sliceIndex(b.imageId));
  if (results.length === 0) throw new Error(`run ${runId} has no result for study ${studyId}`);
  const stored = library.getDicomIdentity(studyId);
  const source = sourceIdentity(study, stored, results[0].imageId);
  const series = {
    map: { uid: newUid(), number: 9001, description: 'Anomap anomaly map' },
    reconstruction: {
      uid: newUid(),
      number: 9002,
      description: 'Anomap pseudo-healthy reconstruction',
    },
  };
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  for (const [index, result] of results.entries()) {
    const comment = settingsComment(run, result);
    const images = [
      { kind: 'anomaly-map', hash: result.mapHash, scale: result.mapScale, ...series.map },
      {
        kind: 'reconstruction',
        hash: result.reconstructionHash,
        scale: result.reconstructionScale,
        ...series.reconstruction,
      },
    ];
    for (const image of images) {
      const pixels = await library.store.get(image.hash);
      const dataSet = secondaryCapture({
        source,
        seriesUid: image.uid,
        seriesNumber: image.number,
        instanceNumber: index + 1,
        description: image.description,
        comment,
        pixels,
        scale: image.scale,
      });
      const file = join(outDir, `result-${result.id}-${image.kind}.dcm`);
      writeFileSync(file, encodeDicomFile(dataSet));
      files.push(file);
    }
    if (result.pixelThreshold !== null) {
      const map = await library.store.get(result.mapHash);
      const mask = binaryMask(map, result.mapScale, result.pixelThreshold);
      const file = join(outDir, `result-${result.id}-mask.nii.gz`);
      writeFileSync(file, gzipSync(niftiOfSlice(mask)));
      files.push(file);
    }
  }
  const exported: ResultDicomExport = {
    files,
    studyUidGenerated: source.studyUidGenerated,
    studyUid: source.studyUid,
  };
  if (options.derived) {
    const written = await writeDerivedObjects(library, run, study, stored, results, outDir);
    files.push(...written.files);
    exported.derivedRefusal = written.refusal;
  }
  return exported;
}

/** The study's Segmentation and Parametric Map, when its source geometry and instances are kept. */
async function writeDerivedObjects(
  library: Library,
  run: Run,
  study: StudyDetail,
  stored: StoredDicomIdentity,
  results: Result[],
  outDir: string,
): Promise<{ files: string[]; refusal: string | null }> {
  const images = results.map((result) => library.getImage(result.imageId));
  const refusal = derivedObjectsRefusal(stored, images);
  if (refusal) return { files: [], refusal };
  const thresholds = new Set(results.map((result) => result.pixelThreshold));
  const threshold = thresholds.size === 1 ? results[0].pixelThreshold : null;
  const slices: DerivedSlice[] = [];
  for (const [i, result] of results.entries()) {
    const pixels = await library.store.get(result.mapHash);
    const image = images[i];
    if (pixels.width !== image.width || pixels.height !== image.height)
      return {
        files: [],
        refusal: `no SEG or PMAP: the map of slice ${image.sliceIndex} is not at its size`,
      };
    const step = (result.mapScale.max - result.mapScale.min) / 65535;
    slices.push({
      image,
      source: stored.images.get(image.id)!,
      map: Float32Array.from(pixels.pixels, (value) => result.mapScale.min + value * step),
      mask:
        threshold === null
          ? new Uint8Array(0)
          : (binaryMask(pixels, result.mapScale, threshold).pixels as Uint8Array),
    });
  }
  const comment = settingsComment(run, results[0]);
  const files: string[] = [];
  const pmap = join(outDir, `study-${study.id}-pmap.dcm`);
  writeFileSync(
    pmap,
    parametricMapObject(study, stored, slices, {
      seriesUid: newUid(),
      seriesNumber: 9004,
      description: 'Anomap anomaly map (parametric)',
      comment,
    }),
  );
  files.push(pmap);
  // The Segmentation is the map above the pixel operating point: none without one.
  if (threshold === null)
    return { files, refusal: 'no Segmentation: the results have no single pixel operating point' };
  const seg = join(outDir, `study-${study.id}-seg.dcm`);
  writeFileSync(
    seg,
    segmentationObject(
      study,
      stored,
      slices,
      {
        seriesUid: newUid(),
        seriesNumber: 9003,
        description: 'Anomap anomaly segmentation',
        comment,
      },
      threshold,
    ),
  );
  files.unshift(seg);
  return { files, refusal: null };
}
