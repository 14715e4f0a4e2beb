import { DicomwebError, type DicomwebEndpoint } from '../import/dicomweb/endpoint.ts';
import { dicomwebRequest } from '../import/dicomweb/http.ts';
import { multipartBody } from '../import/dicomweb/multipart.ts';
import { isUid, jsonString, type DicomJson } from '../import/dicomweb/dicomJson.ts';

export interface StowResult {
  /** SOP Instance UIDs the server says it stored. */
  stored: string[];
}

/** Largest STOW-RS answer read: a list of references, kilobytes per object. */
const maxStowAnswerBytes = 16 * 1024 * 1024;

function sequence(answer: DicomJson, tag: string): DicomJson[] {
  const value = answer[tag]?.Value;
  return Array.isArray(value) ? (value as DicomJson[]) : [];
}

/**
 * Stores DICOM Part-10 objects into a study on a DICOMweb server (STOW-RS), in one request.
 * The server's answer is checked: every object must be in its Referenced SOP Sequence, none in
 * its Failed SOP Sequence; otherwise the error says which failed and why (the Failure Reason).
 */
export async function stowToStudy(
  endpoint: DicomwebEndpoint,
  studyUid: string,
  objects: { sopInstanceUid: string; bytes: Buffer }[],
  signal?: AbortSignal,
): Promise<StowResult> {
  if (!isUid(studyUid)) throw new DicomwebError(`"${studyUid}" is not a StudyInstanceUID`);
  const { body, contentType } = multipartBody(objects.map((object) => object.bytes));
  const path = `/studies/${studyUid}`;
  const response = await dicomwebRequest(endpoint, {
    path,
    method: 'POST',
    accept: 'application/dicom+json',
    contentType,
    body,
    maxBytes: maxStowAnswerBytes,
    signal,
  });
  const what = `POST ${endpoint.url}${path}`;
  let answer: DicomJson = {};
  if (response.body.length > 0) {
    try {
      const parsed: unknown = JSON.parse(response.body.toString('utf8'));
      answer = (Array.isArray(parsed) ? parsed[0] : parsed) as DicomJson;
    } catch {
      throw new DicomwebError(`${what}: the answer is not DICOM JSON`);
    }
    if (!answer || typeof answer !== 'object')
      throw new DicomwebError(`${what}: the answer is not a DICOM JSON data set`);
  }
  const failed = sequence(answer, '00081198').map(
    (item) =>
      `${jsonString(item, '00081155') || '?'} (failure reason ${jsonString(item, '00081197') || '?'})`,
  );
  if (failed.length > 0)
    throw new DicomwebError(
      `${what}: the server refused ${failed.length} of ${objects.length} objects: ${failed.join(', ')}`,
      response.status,
    );
  const stored = sequence(answer, '00081199').map((item) => jsonString(item, '00081155'));
  const missing = objects.filter((object) => !stored.includes(object.sopInstanceUid));
  if (missing.length > 0)
    throw new DicomwebError(
      `${what}: the server does not confirm ${missing.length} of ${objects.length} objects (HTTP ${response.status})`,
      response.status,
    );
  return { stored };
}
