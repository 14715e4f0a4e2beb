import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import type { PacsSendResult } from '../../contract/index.ts';
import { reasonOf, throwIfCancelled } from '../../files/importError.ts';
import type { Library } from '../library.ts';
import { DicomwebError, type DicomwebEndpoint } from '../import/dicomweb/endpoint.ts';
import { exportResultDicom } from './exportResultDicom.ts';
import { stowToStudy } from './stow.ts';

export interface StowRunOptions {
  /** Keep the written objects under OUT/dicom/study-N too (else a temporary folder). */
  out?: string;
  /** Only these studies of the run (each must have results in it). */
  studyIds?: number[];
  signal?: AbortSignal;
  onProgress?: (progress: {
    phase: 'send';
    done: number;
    total: number;
    etaSeconds: number | null;
  }) => void;
  /** Told each study sent, or sent with less than asked, as it happens. */
  onNote?: (line: string) => void;
}

/** The Part-10 objects of a written export, each with its SOP Instance UID. */
function dicomObjects(files: string[]) {
  return files
    .filter((file) => file.endsWith('.dcm'))
    .map((file) => {
      const bytes = readFileSync(file);
      const header = dicomParser.parseDicom(new Uint8Array(bytes), { untilTag: 'x00080018' });
      return { sopInstanceUid: header.string('x00080018') ?? '', bytes };
    });
}

/** An unreachable server or refused credentials: every other study would fail the same way. */
function stopsTheSend(error: unknown): boolean {
  return (
    error instanceof DicomwebError &&
    (error.status === null || error.status === 401 || error.status === 403)
  );
}

/**
 * A run's results, as Secondary Capture, Segmentation and Parametric Map, stored into each
 * source study on the server (`anomap export --stow` and the app's Send to PACS). Every study's
 * objects are written (and checked) before its one STOW request; a study that was not DICOM is
 * refused, since there is no source study to store into. Cancel stops between studies.
 */
export async function stowRun(
  library: Library,
  runId: number,
  endpoint: DicomwebEndpoint,
  options: StowRunOptions = {},
): Promise<PacsSendResult> {
  const inRun = [...new Set(library.listResults(runId).map((result) => result.studyId))];
  if (inRun.length === 0) throw new Error(`run ${runId} has no results`);
  const missing = (options.studyIds ?? []).filter((id) => !inRun.includes(id));
  if (missing.length > 0)
    throw new Error(`run ${runId} has no results for study ${missing.join(', ')}`);
  const studyIds = options.studyIds ?? inRun;
  const scratch = options.out ? null : mkdtempSync(join(tmpdir(), 'anomap-stow-'));
  const sent: PacsSendResult = { stored: 0, studies: [], notes: [], failed: [] };
  const note = (line: string) => {
    sent.notes.push(line);
    options.onNote?.(line);
  };
  const started = performance.now();
  const report = (done: number) => {
    const elapsed = (performance.now() - started) / 1000;
    const etaSeconds = done > 0 ? (elapsed / done) * (studyIds.length - done) : null;
    options.onProgress?.({ phase: 'send', done, total: studyIds.length, etaSeconds });
  };
  try {
    report(0);
    for (const [index, studyId] of studyIds.entries()) {
      throwIfCancelled(options.signal);
      const dir = join(options.out ?? scratch!, 'dicom', `study-${studyId}`);
      const written = await exportResultDicom(library, runId, studyId, dir, { derived: true });
      if (written.studyUidGenerated) {
        sent.failed.push(
          `study ${studyId}: not imported from DICOM, so there is no source study to store into`,
        );
      } else {
        if (written.derivedRefusal)
          note(
            `study ${studyId}: Secondary Capture only (no SEG or PMAP: ${written.derivedRefusal})`,
          );
        try {
          const objects = dicomObjects(written.files);
          const result = await stowToStudy(endpoint, written.studyUid, objects, options.signal);
          sent.stored += result.stored.length;
          sent.studies.push({ studyId, studyUid: written.studyUid });
          options.onNote?.(
            `study ${studyId}: stored ${result.stored.length} objects into study ${written.studyUid}`,
          );
        } catch (error) {
          if (stopsTheSend(error) || options.signal?.aborted) throw error;
          sent.failed.push(`study ${studyId}: ${reasonOf(error)}`);
        }
      }
      report(index + 1);
    }
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
  return sent;
}
