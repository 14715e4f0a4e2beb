import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import {
  DicomwebError,
  exportResultDicom,
  stowToStudy,
  type Library,
} from '../../library/index.ts';
import { dicomwebEndpoint } from '../dicomweb.ts';

/**
 * `anomap export --run ID --dicom --stow URL`: each study's results, as Secondary Capture,
 * Segmentation and Parametric Map, stored into the source study on the server. Every study's
 * objects are written (and checked) before its one STOW request; a study that was not DICOM is
 * refused, since there is no source study to store into. With --out the objects stay there too.
 */
export async function stowRun(
  library: Library,
  runId: number,
  url: string,
  options: { out?: string; user?: string; timeout?: number },
  stdout: NodeJS.WritableStream,
): Promise<{ stored: number; failed: string[] }> {
  const endpoint = await dicomwebEndpoint(url, options);
  const studyIds = [...new Set(library.listResults(runId).map((result) => result.studyId))];
  if (studyIds.length === 0) throw new Error(`run ${runId} has no results`);
  const scratch = options.out ? null : mkdtempSync(join(tmpdir(), 'anomap-stow-'));
  const failed: string[] = [];
  let stored = 0;
  try {
    for (const studyId of studyIds) {
      const dir = join(options.out ?? scratch!, 'dicom', `study-${studyId}`);
      const written = await exportResultDicom(library, runId, studyId, dir, { derived: true });
      if (written.studyUidGenerated) {
        failed.push(
          `study ${studyId}: not imported from DICOM, so there is no source study to store into`,
        );
        continue;
      }
      if (written.derivedRefusal)
        stdout.write(
          `study ${studyId}: Secondary Capture only (no SEG or PMAP: ${written.derivedRefusal})\n`,
        );
      const objects = written.files
        .filter((file) => file.endsWith('.dcm'))
        .map((file) => {
          const bytes = readFileSync(file);
          const header = dicomParser.parseDicom(new Uint8Array(bytes), { untilTag: 'x00080018' });
          return { sopInstanceUid: header.string('x00080018') ?? '', bytes };
        });
      try {
        const result = await stowToStudy(endpoint, written.studyUid, objects);
        stored += result.stored.length;
        stdout.write(
          `study ${studyId}: stored ${result.stored.length} objects into study ${written.studyUid}\n`,
        );
      } catch (error) {
        // Credentials refused or the server down: every other study would fail the same way.
        if (
          error instanceof DicomwebError &&
          (error.status === null || error.status === 401 || error.status === 403)
        )
          throw error;
        failed.push(`study ${studyId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
  return { stored, failed };
}
