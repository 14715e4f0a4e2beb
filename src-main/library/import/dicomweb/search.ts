import type { PacsStudy } from '../../../contract/index.ts';
import { throwIfCancelled } from '../../../files/importError.ts';
import { DicomwebError, type DicomwebEndpoint } from './endpoint.ts';
import { dicomwebRequest } from './http.ts';
import { dicomJsonList, isUid, jsonString, jsonStrings, type DicomJson } from './dicomJson.ts';

/** What a pull searches for; every field narrows the search. */
export interface StudySearch {
  studyUids?: string[];
  patientId?: string;
  /** Modality in the study, e.g. MR; also which series are retrieved. */
  modality?: string;
  /** Studies on or after this date, YYYYMMDD. */
  since?: string;
}

/** A study the server found (the contract's PacsStudy). */
export type FoundStudy = PacsStudy;

export interface SearchOptions {
  signal?: AbortSignal;
  /** Results asked for per request (limit/offset paging). */
  pageSize?: number;
  /** More matches than this is an error: the search must be narrowed. */
  maxResults?: number;
  onPage?: (found: number) => void;
}

/** Largest QIDO-RS answer read (one page). */
export const maxSearchBytes = 64 * 1024 * 1024;
const json = 'application/dicom+json';

function studyOf(dataSet: DicomJson): FoundStudy | null {
  const studyUid = jsonString(dataSet, '0020000D');
  if (!isUid(studyUid)) return null;
  const instances = Number(jsonString(dataSet, '00201208'));
  return {
    studyUid,
    patientId: jsonString(dataSet, '00100020'),
    patientName: jsonString(dataSet, '00100010'),
    studyDate: jsonString(dataSet, '00080020'),
    description: jsonString(dataSet, '00081030'),
    modalities: jsonStrings(dataSet, '00080061'),
    instances: Number.isFinite(instances) && jsonString(dataSet, '00201208') ? instances : null,
  };
}

/**
 * Every data set a QIDO-RS path matches, asked for a page at a time (limit and offset). A
 * server that ignores paging (answers more than a page, or the same page again) is read once;
 * more than maxResults matches is an error that says how to narrow the search.
 */
export async function pagedSearch(
  endpoint: DicomwebEndpoint,
  path: string,
  options: SearchOptions = {},
): Promise<DicomJson[]> {
  const pageSize = options.pageSize ?? 500;
  const maxResults = options.maxResults ?? 100_000;
  const results: DicomJson[] = [];
  const separator = path.includes('?') ? '&' : '?';
  let previousFirst: string | null = null;
  for (let offset = 0; ; offset += pageSize) {
    throwIfCancelled(options.signal);
    const pagePath = `${path}${separator}limit=${pageSize}&offset=${offset}`;
    const response = await dicomwebRequest(endpoint, {
      path: pagePath,
      accept: json,
      maxBytes: maxSearchBytes,
      signal: options.signal,
    });
    let page: DicomJson[];
    try {
      page = dicomJsonList(response.body, `GET ${endpoint.url}${pagePath}`);
    } catch (error) {
      // The server answered, with garbage: an error of this request, not an unreachable server.
      if (error instanceof DicomwebError) throw new DicomwebError(error.message, response.status);
      throw error;
    }
    const first = page.length > 0 ? JSON.stringify(page[0]) : null;
    if (offset > 0 && first !== null && first === previousFirst) break; // offset ignored
    previousFirst = first;
    results.push(...page);
    options.onPage?.(results.length);
    if (results.length > maxResults)
      throw new DicomwebError(
        `the search matches more than ${maxResults} results: narrow it (--study, --patient, --modality, --since)`,
      );
    if (page.length < pageSize || page.length > pageSize) break;
  }
  return results;
}

function searchPath(search: StudySearch, studyUid?: string): string {
  const params = new URLSearchParams();
  if (studyUid) params.set('StudyInstanceUID', studyUid);
  if (search.patientId) params.set('PatientID', search.patientId);
  if (search.modality) params.set('ModalitiesInStudy', search.modality);
  if (search.since) params.set('StudyDate', `${search.since}-`);
  for (const field of ['00100010', '00100020', '00080020', '00081030', '00080061', '00201208'])
    params.append('includefield', field);
  return `/studies?${params.toString()}`;
}

/** The studies a search matches (QIDO-RS), each once, by StudyInstanceUID. */
export async function searchStudies(
  endpoint: DicomwebEndpoint,
  search: StudySearch,
  options: SearchOptions = {},
): Promise<FoundStudy[]> {
  const dataSets: DicomJson[] = [];
  if (search.studyUids && search.studyUids.length > 0) {
    for (const uid of search.studyUids) {
      if (!isUid(uid)) throw new DicomwebError(`"${uid}" is not a StudyInstanceUID`);
      dataSets.push(...(await pagedSearch(endpoint, searchPath(search, uid), options)));
    }
  } else dataSets.push(...(await pagedSearch(endpoint, searchPath(search), options)));
  const studies = new Map<string, FoundStudy>();
  for (const dataSet of dataSets) {
    const study = studyOf(dataSet);
    if (study && !studies.has(study.studyUid)) studies.set(study.studyUid, study);
  }
  return [...studies.values()];
}
