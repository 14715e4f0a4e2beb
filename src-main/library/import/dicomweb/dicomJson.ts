import { DicomwebError } from './endpoint.ts';

/** One data set in the DICOM JSON model (PS3.18 F.2): tag (8 hex digits) to {vr, Value}. */
export type DicomJson = Record<string, { vr?: string; Value?: unknown[] } | undefined>;

/**
 * A QIDO-RS answer: an array of DICOM JSON data sets, or no content at all. Anything else (an
 * HTML error page with status 200, truncated JSON) is refused with the server's first words.
 */
export function dicomJsonList(body: Buffer, what: string): DicomJson[] {
  if (body.length === 0) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    const start = body.subarray(0, 80).toString('utf8').replace(/\s+/g, ' ');
    throw new DicomwebError(`${what}: the answer is not DICOM JSON (it starts "${start}")`);
  }
  if (!Array.isArray(parsed) || parsed.some((item) => !item || typeof item !== 'object'))
    throw new DicomwebError(`${what}: the answer is not a list of DICOM JSON data sets`);
  return parsed as DicomJson[];
}

/** The first value of an attribute as text ("" when absent); a person name's alphabetic form. */
export function jsonString(dataSet: DicomJson, tag: string): string {
  const value = dataSet[tag]?.Value?.[0];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value && typeof value === 'object' && 'Alphabetic' in value)
    return String((value as { Alphabetic: unknown }).Alphabetic ?? '');
  return '';
}

/** Every value of an attribute as text. */
export function jsonStrings(dataSet: DicomJson, tag: string): string[] {
  return (dataSet[tag]?.Value ?? []).map((value) =>
    typeof value === 'string' ? value : String(value),
  );
}

/** A UID as DICOM allows it: digits and dots, at most 64 characters. */
export function isUid(text: string): boolean {
  return text.length > 0 && text.length <= 64 && /^[0-9]+(\.[0-9]+)*$/.test(text);
}
