import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  Library,
  defaultLibraryDir,
  exportAudit,
  exportMasks,
  exportResultDicom,
  exportRun,
} from '../../library/index.ts';
import { integer } from '../options.ts';
import type { CommandStreams } from '../streams.ts';
import { addDicomwebAuthOptions } from '../dicomweb.ts';
import { stowRun } from './exportStow.ts';

/**
 * `anomap export [--library DIR] --out DIR [--run ID [--dicom]] [--masks] [--audit]`: a run's CSV
 * and JSON report with its 16-bit reconstructions and anomaly maps (with --dicom also as DICOM
 * Secondary Capture in each source study, and the map's masks as NIfTI), annotation masks (PNG
 * and NIfTI) and the audit log.
 */
export function registerExportCommand(
  program: Command,
  streams: Pick<CommandStreams, 'stdout'> = { stdout: process.stdout },
): void {
  const command = program
    .command('export')
    .description('export a run report, annotation masks or the audit log from the library')
    .option('--out <dir>', 'folder to write into (needed but with --stow)')
    .option('--library <dir>', 'library folder', defaultLibraryDir())
    .option('--run <id>', 'run whose report, reconstructions and maps to export', integer)
    .option(
      '--dicom',
      "with --run: the run's anomaly maps and reconstructions as DICOM, masks as NIfTI",
    )
    .option('--masks', 'export a mask per finding of every annotated image')
    .option('--audit', 'export the audit log as audit.csv')
    .option(
      '--stow <url>',
      'with --run --dicom: store SC, SEG and PMAP into each source study on this DICOMweb server',
    );
  addDicomwebAuthOptions(command).action(
    async (options: {
      out?: string;
      stow?: string;
      user?: string;
      timeout?: number;
      library: string;
      run?: number;
      dicom?: boolean;
      masks?: boolean;
      audit?: boolean;
    }) => {
      if (options.run === undefined && !options.masks && !options.audit) {
        throw new Error('say what to export: --run ID, --masks and/or --audit');
      }
      if (options.dicom && options.run === undefined)
        throw new Error('--dicom exports a run: give --run ID');
      if (options.stow !== undefined && (!options.dicom || options.run === undefined))
        throw new Error('--stow sends a run as DICOM: give --run ID --dicom');
      const stow = async (library: Library, runId: number, url: string) => {
        const sent = await stowRun(library, runId, url, options, streams.stdout);
        streams.stdout.write(`stow: ${sent.stored} objects stored\n`);
        for (const failure of sent.failed) streams.stdout.write(`failed: ${failure}\n`);
        if (sent.failed.length > 0) process.exitCode = 2;
      };
      if (options.stow !== undefined && options.out === undefined) {
        if (options.masks || options.audit) throw new Error('--masks and --audit need --out');
        const library = Library.open(options.library);
        try {
          await stow(library, options.run!, options.stow);
        } finally {
          library.close();
        }
        return;
      }
      if (options.out === undefined) throw new Error('give --out DIR to write into');
      mkdirSync(options.out, { recursive: true });
      const library = Library.open(options.library);
      try {
        if (options.run !== undefined) {
          const report = exportRun(library, options.run, options.out);
          streams.stdout.write(
            `run ${options.run}: ${report.csv}, ${report.json}, ${report.images.length} images\n`,
          );
          if (options.stow !== undefined) await stow(library, options.run, options.stow);
          else if (options.dicom) await writeRunDicom(library, options.run, options.out, streams);
        }
        if (options.masks) {
          const imageIds = library.db
            .prepare('SELECT DISTINCT image_id FROM annotations ORDER BY image_id')
            .pluck()
            .all() as number[];
          let files = 0;
          for (const imageId of imageIds)
            files += (await exportMasks(library, imageId, join(options.out, 'masks'))).length;
          streams.stdout.write(
            `masks: ${files} files for ${imageIds.length} images in ${join(options.out, 'masks')}\n`,
          );
        }
        if (options.audit) {
          const file = join(options.out, 'audit.csv');
          streams.stdout.write(`audit: ${exportAudit(library, file)} entries in ${file}\n`);
        }
      } finally {
        library.close();
      }
    },
  );
}

/** Every study's results of a run as DICOM (and NIfTI masks) under OUT/dicom/study-ID. */
async function writeRunDicom(
  library: Library,
  runId: number,
  out: string,
  streams: Pick<CommandStreams, 'stdout'>,
): Promise<void> {
  const studyIds = [...new Set(library.listResults(runId).map((result) => result.studyId))];
  let files = 0;
  for (const studyId of studyIds) {
    const dir = join(out, 'dicom', `study-${studyId}`);
    const written = await exportResultDicom(library, runId, studyId, dir);
    files += written.files.length;
    if (written.studyUidGenerated)
      streams.stdout.write(`study ${studyId} was not DICOM: its objects have a new study UID\n`);
  }
  streams.stdout.write(
    `dicom: ${files} files for ${studyIds.length} studies in ${join(out, 'dicom')}\n`,
  );
}
