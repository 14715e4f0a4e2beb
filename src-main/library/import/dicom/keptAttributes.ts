import type dicomParser from 'dicom-parser';
import type { ImageDicomSource, StudyDicomIdentity } from '../../types.ts';

/**
 * The Patient, General Study and Frame of Reference attributes a derived object (Secondary
 * Capture, Segmentation, Parametric Map) copies from its source, kept at import with the VR
 * they are written back with. Values keep the source's bytes as latin1 code points, with the
 * character set they are in.
 */
export const keptStudyAttributes = [
  { tag: '00080005', vr: 'CS', keyword: 'SpecificCharacterSet' },
  { tag: '00080020', vr: 'DA', keyword: 'StudyDate' },
  { tag: '00080030', vr: 'TM', keyword: 'StudyTime' },
  { tag: '00080050', vr: 'SH', keyword: 'AccessionNumber' },
  { tag: '00080090', vr: 'PN', keyword: 'ReferringPhysicianName' },
  { tag: '00081030', vr: 'LO', keyword: 'StudyDescription' },
  { tag: '00100010', vr: 'PN', keyword: 'PatientName' },
  { tag: '00100020', vr: 'LO', keyword: 'PatientID' },
  { tag: '00100030', vr: 'DA', keyword: 'PatientBirthDate' },
  { tag: '00100040', vr: 'CS', keyword: 'PatientSex' },
  { tag: '00200010', vr: 'SH', keyword: 'StudyID' },
  { tag: '00201040', vr: 'LO', keyword: 'PositionReferenceIndicator' },
] as const;

/** The study identity a DICOM header gives, as the library keeps it. */
export function studyIdentityOf(dataSet: dicomParser.DataSet): StudyDicomIdentity {
  const attributes: Record<string, string> = {};
  for (const { tag } of keptStudyAttributes) {
    const value = dataSet.string(`x${tag}`);
    if (value !== undefined) attributes[tag] = value;
  }
  return { studyInstanceUid: dataSet.string('x0020000d') ?? '', attributes };
}

/** The source instance (and frame of a multi-frame one) of one decoded slice. */
export function imageSourceOf(
  dataSet: dicomParser.DataSet,
  frame: number,
  frameCount: number,
): ImageDicomSource {
  return {
    sopClassUid: dataSet.string('x00080016') ?? null,
    sopInstanceUid: dataSet.string('x00080018') ?? null,
    frameNumber: frameCount > 1 ? frame + 1 : null,
    frameOfReferenceUid: dataSet.string('x00200052') ?? null,
  };
}
