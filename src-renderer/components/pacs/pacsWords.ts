/** PACS things said in the reader's words: dates, names, what a pull or a send did. */
import type { PacsPullResult, PacsSendResult } from '../../../src-main/contract/index.ts';
import type { PacsEndpointStatus, PacsStudy } from '../../api/types.ts';

/** A DICOM date (YYYYMMDD) as YYYY-MM-DD; anything else as it came. */
export function studyDateWords(date: string): string {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : date || 'no date';
}

/** A DICOM person name (Family^Given^...) as "Family, Given". */
export function patientNameWords(name: string): string {
  const [family = '', given = ''] = name.split('=')[0].split('^');
  return [family, given].filter(Boolean).join(', ') || 'no name';
}

export function studyWords(study: PacsStudy): string {
  const what = study.description || study.modalities.join('/') || 'study';
  return `${patientNameWords(study.patientName)} (${study.patientId || 'no ID'}), ${studyDateWords(study.studyDate)}, ${what}`;
}

/** What an endpoint needs before it can be used in this session, or null when it is ready. */
export function missingSecret(endpoint: PacsEndpointStatus): string | null {
  if (endpoint.authKind === 'none' || endpoint.hasSessionSecret) return null;
  return `Enter the ${endpoint.authKind === 'bearer' ? 'token' : 'password'} of ${endpoint.name} in Settings first (asked once per session, never saved).`;
}

export function pullWords(result: PacsPullResult): string {
  const parts = [
    `${result.imported} ${result.imported === 1 ? 'study' : 'studies'} imported (${result.images} slices)`,
  ];
  if (result.inLibrary > 0) parts.push(`${result.inLibrary} already in the library`);
  if (result.failed.length > 0) parts.push(`${result.failed.length} failed`);
  return `${parts.join(', ')}.`;
}

export function sendWords(result: PacsSendResult): string {
  const into = result.studies.map((study) => study.studyUid).join(', ');
  const stored = `Stored ${result.stored} objects (Secondary Capture, Segmentation, Parametric Map)`;
  return result.studies.length > 0 ? `${stored} into study ${into}.` : `${stored}.`;
}

/** When a send ended, in the reader's local time: "2025-01-02 14:05". */
export function sentAtWords(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}`;
}
