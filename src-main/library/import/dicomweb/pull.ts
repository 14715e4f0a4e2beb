import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import type { Library } from '../../library.ts';
import { knownSopInstances } from '../../dicomIdentity.ts';
import { ImportCancelled, reasonOf, throwIfCancelled } from '../../../files/importError.ts';
import { importLimits } from '../../../files/limits.ts';
import { importPaths, type FailedImport } from '../importPaths.ts';
import { DicomwebError, type DicomwebEndpoint } from './endpoint.ts';
import { dicomwebRequest } from './http.ts';
import { multipartParts } from './multipart.ts';
import { isUid, jsonString } from './dicomJson.ts';
import { pagedSearch, searchStudies, type FoundStudy, type StudySearch } from './search.ts';

export interface PullProgress {
  phase: 'search' | 'retrieve' | 'import';
  done: number;
  total: number;
  etaSeconds: number | null;
  /** Which study, as "2/5". */
  study?: string;
}

export interface PullOptions {
  signal?: AbortSignal;
  onProgress?: (progress: PullProgress) => void;
  /** More matching studies than this is refused before anything is retrieved (100). */
  maxStudies?: number;
  /** Instances retrieved at once (4). */
  parallel?: number;
  pageSize?: number;
  actor?: string;
}

export type PulledStatus = 'imported' | 'in-library' | 'failed' | 'cancelled';

export interface PulledStudy {
  studyUid: string;
  status: PulledStatus;
  /** Instances retrieved now (not counting those staged by an earlier, interrupted pull). */
  retrieved: number;
  /** Instances the library held already. */
  known: number;
  images: number;
  failed: FailedImport[];
}

export interface PullSummary {
  found: number;
  studies: PulledStudy[];
  cancelled: boolean;
}

/** Largest single instance retrieved (WADO-RS answers are read whole before they are parsed). */
export const maxInstanceBytes = Math.min(importLimits.maxFileBytes, 256 * 1024 * 1024);
const wadoAccept = 'multipart/related; type="application/dicom"; transfer-syntax=*';

interface RemoteInstance {
  seriesUid: string;
  sopUid: string;
}

/**
 * The folder a study's instances are staged in while it is retrieved: inside the library, so
 * an interrupted pull resumes from what it has (named by the server and the study, never by
 * anything the server sends but checked UIDs).
 */
function stagingDir(library: Library, endpoint: DicomwebEndpoint, studyUid: string): string {
  const key = createHash('sha256').update(`${endpoint.url}\n${studyUid}`).digest('hex');
  return join(library.dir, 'dicomweb-pull', key.slice(0, 24));
}

/** The study's instances on the server, in the series of the asked modality. */
async function listInstances(
  endpoint: DicomwebEndpoint,
  studyUid: string,
  search: StudySearch,
  options: PullOptions,
): Promise<RemoteInstance[]> {
  const paging = { signal: options.signal, pageSize: options.pageSize ?? 500 };
  const series = await pagedSearch(endpoint, `/studies/${studyUid}/series`, paging);
  const instances: RemoteInstance[] = [];
  for (const one of series) {
    const seriesUid = jsonString(one, '0020000E');
    if (!isUid(seriesUid)) continue;
    const modality = jsonString(one, '00080060');
    if (search.modality && modality && modality !== search.modality) continue;
    const path = `/studies/${studyUid}/series/${seriesUid}/instances`;
    for (const instance of await pagedSearch(endpoint, path, paging)) {
      const sopUid = jsonString(instance, '00080018');
      if (isUid(sopUid)) instances.push({ seriesUid, sopUid });
    }
  }
  return instances;
}

/** Retrieves one instance (WADO-RS) into the staging folder, written whole or not at all. */
async function retrieveInstance(
  endpoint: DicomwebEndpoint,
  studyUid: string,
  instance: RemoteInstance,
  folder: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const path = `/studies/${studyUid}/series/${instance.seriesUid}/instances/${instance.sopUid}`;
  const response = await dicomwebRequest(endpoint, {
    path,
    accept: wadoAccept,
    maxBytes: maxInstanceBytes,
    signal,
  });
  const what = `GET ${endpoint.url}${path}`;
  let part: Buffer;
  try {
    const parts = multipartParts(response.body, response.contentType, what);
    if (parts.length !== 1)
      throw new DicomwebError(`${what}: ${parts.length} parts for one instance`);
    part = parts[0];
    checkInstance(part, studyUid, instance, what);
  } catch (error) {
    // The server answered, wrongly: this study fails, the pull goes on with the next one.
    if (error instanceof DicomwebError && error.status === null)
      throw new DicomwebError(error.message, response.status);
    throw error;
  }
  const file = join(folder, `${instance.sopUid}.dcm`);
  await writeFile(`${file}.part`, part);
  await rename(`${file}.part`, file);
}

/**
 * The part is the instance asked for: a Part-10 file of this study with this SOP Instance UID
 * (a server that answers with another study's object must not put it into this one).
 */
function checkInstance(bytes: Buffer, studyUid: string, instance: RemoteInstance, what: string) {
  if (bytes.length < 132 || bytes.toString('latin1', 128, 132) !== 'DICM')
    throw new DicomwebError(`${what}: the answer is not a DICOM Part-10 file`);
  let header: dicomParser.DataSet;
  try {
    header = dicomParser.parseDicom(bytes, { untilTag: 'x0020000e' });
  } catch (error) {
    throw new DicomwebError(`${what}: unreadable DICOM header: ${reasonOf(error)}`);
  }
  const sent = { study: header.string('x0020000d'), sop: header.string('x00080018') };
  if (sent.study !== studyUid || sent.sop !== instance.sopUid)
    throw new DicomwebError(
      `${what}: the server sent instance ${sent.sop ?? '?'} of study ${sent.study ?? '?'}, not the one asked for`,
    );
}

/** Runs tasks a few at a time; the first failure stops the rest and is thrown. */
async function pool<T>(items: T[], parallel: number, task: (item: T) => Promise<void>) {
  let next = 0;
  let failure: unknown = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const item = items[next++];
      try {
        await task(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  if (failure !== null) throw failure;
}

async function pullStudy(
  library: Library,
  endpoint: DicomwebEndpoint,
  study: FoundStudy,
  search: StudySearch,
  options: PullOptions,
  report: (progress: Omit<PullProgress, 'etaSeconds'>) => void,
): Promise<PulledStudy> {
  const pulled: PulledStudy = {
    studyUid: study.studyUid,
    status: 'failed',
    retrieved: 0,
    known: 0,
    images: 0,
    failed: [],
  };
  const instances = await listInstances(endpoint, study.studyUid, search, options);
  const known = knownSopInstances(
    library.db,
    instances.map((instance) => instance.sopUid),
  );
  pulled.known = known.size;
  const wanted = instances.filter((instance) => !known.has(instance.sopUid));
  if (wanted.length === 0) {
    pulled.status = 'in-library';
    return pulled;
  }
  const folder = stagingDir(library, endpoint, study.studyUid);
  await mkdir(folder, { recursive: true });
  const staged = new Set(
    (await readdir(folder))
      .filter((name) => name.endsWith('.dcm'))
      .map((name) => name.slice(0, -4)),
  );
  const missing = wanted.filter((instance) => !staged.has(instance.sopUid));
  let done = wanted.length - missing.length;
  report({ phase: 'retrieve', done, total: wanted.length });
  await pool(missing, options.parallel ?? 4, async (instance) => {
    throwIfCancelled(options.signal);
    await retrieveInstance(endpoint, study.studyUid, instance, folder, options.signal);
    pulled.retrieved++;
    report({ phase: 'retrieve', done: ++done, total: wanted.length });
  });
  // Every instance is here: the study goes into the library in one transaction, through the
  // file import with its limits; each image keeps the URL it came from, not the staged copy.
  const origins = new Map(
    wanted.map((instance) => [
      join(folder, `${instance.sopUid}.dcm`),
      `${endpoint.url}/studies/${study.studyUid}/series/${instance.seriesUid}/instances/${instance.sopUid}`,
    ]),
  );
  const summary = await importPaths(library, [...origins.keys()], {
    signal: options.signal,
    actor: options.actor,
    originOf: (path) => origins.get(path),
    onProgress: (progress) =>
      progress.phase === 'import' &&
      report({ phase: 'import', done: progress.done, total: progress.total }),
  });
  if (summary.cancelled) throw new ImportCancelled();
  pulled.images = summary.images;
  pulled.failed = summary.failed.map((failure) => ({
    path: origins.get(failure.path) ?? failure.path,
    reason: failure.reason,
  }));
  pulled.status = summary.failed.length === 0 || summary.images > 0 ? 'imported' : 'failed';
  // Imported or judged unreadable: either way the staged copies have served.
  await rm(folder, { recursive: true, force: true });
  return pulled;
}

/**
 * `anomap import --dicomweb`: searches the server (QIDO-RS), refuses a search that matches
 * more studies than asked for, then retrieves each study (WADO-RS, instance by instance, into
 * a staging folder in the library) and imports it through the file import, one transaction per
 * study. A cancel or a failure leaves whole studies only; the staged instances stay, so the same
 * pull run again resumes, and instances the library holds are never retrieved again.
 */
export async function pullStudies(
  library: Library,
  endpoint: DicomwebEndpoint,
  search: StudySearch,
  options: PullOptions = {},
): Promise<PullSummary> {
  const started = new Map<string, number>();
  const report = (progress: Omit<PullProgress, 'etaSeconds'>) => {
    const key = `${progress.phase} ${progress.study ?? ''}`;
    if (!started.has(key)) started.set(key, performance.now());
    const elapsed = (performance.now() - (started.get(key) ?? 0)) / 1000;
    const etaSeconds =
      progress.done > 0 ? (elapsed / progress.done) * (progress.total - progress.done) : null;
    options.onProgress?.({ ...progress, etaSeconds });
  };
  report({ phase: 'search', done: 0, total: 1 });
  const maxStudies = options.maxStudies ?? 100;
  const found = await searchStudies(endpoint, search, {
    signal: options.signal,
    pageSize: options.pageSize,
  });
  report({ phase: 'search', done: 1, total: 1 });
  if (found.length > maxStudies)
    throw new DicomwebError(
      `the search matches ${found.length} studies, more than the ${maxStudies} a pull takes at once: narrow it (--study, --patient, --modality, --since) or raise --max-studies`,
    );
  const summary: PullSummary = { found: found.length, studies: [], cancelled: false };
  for (const [index, study] of found.entries()) {
    const label = `${index + 1}/${found.length}`;
    try {
      throwIfCancelled(options.signal);
      summary.studies.push(
        await pullStudy(library, endpoint, study, search, options, (progress) =>
          report({ ...progress, study: label }),
        ),
      );
    } catch (error) {
      if (error instanceof ImportCancelled || options.signal?.aborted) {
        summary.cancelled = true;
        summary.studies.push(failedStudy(study.studyUid, 'cancelled', 'cancelled'));
        break;
      }
      // An unreachable server or refused credentials stop the pull; a study's own error not.
      if (
        error instanceof DicomwebError &&
        (error.status === null || error.status === 401 || error.status === 403)
      )
        throw error;
      summary.studies.push(failedStudy(study.studyUid, 'failed', reasonOf(error)));
    }
  }
  return summary;
}

function failedStudy(studyUid: string, status: PulledStatus, reason: string): PulledStudy {
  return {
    studyUid,
    status,
    retrieved: 0,
    known: 0,
    images: 0,
    failed: status === 'failed' ? [{ path: `study ${studyUid}`, reason }] : [],
  };
}
