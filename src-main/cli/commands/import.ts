import { InvalidArgumentError, type Command } from 'commander';
import {
  Library,
  defaultLibraryDir,
  importPaths,
  type CsvMapping,
  type ImportSummary,
  type NiftiOptions,
  type Plane,
} from '../../library/index.ts';
import { cancelOnInterrupt, progressBar } from '../progressBar.ts';
import { addDicomwebAuthOptions } from '../dicomweb.ts';
import {
  addDicomwebImportOptions,
  importFromDicomweb,
  type DicomwebImportOptions,
} from './importDicomweb.ts';
import type { CommandStreams } from '../streams.ts';

function parseSlices(value: string): NiftiOptions['slices'] {
  if (value === 'all' || value === 'middle') return value;
  const indices = value.split(',').map((part) => Number(part.trim()));
  if (indices.some((index) => !Number.isInteger(index) || index < 0)) {
    throw new InvalidArgumentError(`"${value}" must be all, middle or a list of slice numbers`);
  }
  return indices;
}

function parsePlane(value: string): Plane {
  if (value !== 'axial' && value !== 'coronal' && value !== 'sagittal') {
    throw new InvalidArgumentError(`"${value}" must be axial, coronal or sagittal`);
  }
  return value;
}

const mappingFields = [
  'image',
  'patient',
  'date',
  'label',
  'findings',
  'split',
  'source',
  'description',
  'findingsSeparator',
];

function parseMapping(value: string): CsvMapping {
  const pairs = value.split(',').map((pair) => pair.split('=').map((part) => part.trim()));
  const mapping: Record<string, string> = {};
  for (const [field, column] of pairs) {
    if (!mappingFields.includes(field) || !column) {
      throw new InvalidArgumentError(
        `"${value}" must be field=column pairs with fields from ${mappingFields.join(', ')}`,
      );
    }
    mapping[field] = column;
  }
  if (!mapping.image) throw new InvalidArgumentError('the mapping needs image=<column>');
  return mapping as unknown as CsvMapping;
}

export function formatSummary(summary: ImportSummary): string {
  const lines = [
    `${summary.cancelled ? 'cancelled: ' : ''}imported ${summary.imported} (${summary.studies} new studies, ${summary.images} slices), ` +
      `${summary.duplicates} duplicates, ${summary.skipped} skipped, ${summary.failed.length} failed`,
  ];
  if (summary.failed.length > 0) {
    lines.push('failed:');
    for (const failure of summary.failed) lines.push(`  ${failure.path}: ${failure.reason}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * `anomap import [--library DIR] PATH...`: files, folders or manifest CSVs. Progress goes to
 * stderr, the summary (with each failed file and its reason) to stdout. Exit status 0 when
 * nothing failed, 2 when some files failed, 130 when cancelled with Ctrl-C.
 */
export function registerImportCommand(
  program: Command,
  streams: CommandStreams = { stdout: process.stdout, stderr: process.stderr },
): void {
  const command = program
    .command('import')
    .description(
      'import images (PNG, JPEG, TIFF, DICOM, NIfTI), folders or a manifest CSV into the library',
    )
    .argument('[paths...]', 'files, folders or manifest CSVs (none with --dicomweb)')
    .option('--library <dir>', 'library folder', defaultLibraryDir())
    .option(
      '--plane <plane>',
      'NIfTI slicing plane: axial, coronal or sagittal',
      parsePlane,
      'axial' as Plane,
    )
    .option(
      '--slices <which>',
      'NIfTI slices: all, middle or a list like 40,41,42',
      parseSlices,
      'all' as const,
    )
    .option(
      '--mapping <pairs>',
      'generic CSV columns, e.g. image=file,patient=subject,label=diagnosis',
      parseMapping,
    );
  addDicomwebAuthOptions(addDicomwebImportOptions(command)).action(
    async (
      paths: string[],
      options: {
        library: string;
        plane: Plane;
        slices: NiftiOptions['slices'];
        mapping?: CsvMapping;
      } & Partial<DicomwebImportOptions>,
    ) => {
      if (options.dicomweb !== undefined) {
        if (paths.length > 0) throw new Error('give paths or --dicomweb, not both');
        await importFromDicomweb({ ...options, dicomweb: options.dicomweb }, streams);
        return;
      }
      if (paths.length === 0)
        throw new Error('give files, folders or CSVs to import, or --dicomweb URL');
      for (const name of ['study', 'patient', 'modality', 'since', 'maxStudies', 'user'] as const)
        if (options[name] !== undefined)
          throw new Error(
            `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} goes with --dicomweb`,
          );
      const library = Library.open(options.library);
      const controller = cancelOnInterrupt();
      const showProgress = progressBar(streams.stderr);
      try {
        streams.stderr.write(`library: ${library.dir}\n`);
        const summary = await importPaths(library, paths, {
          signal: controller.signal,
          onProgress: (progress) => showProgress(progress),
          nifti: { plane: options.plane, slices: options.slices },
          csvMapping: options.mapping,
        });
        streams.stdout.write(formatSummary(summary));
        process.exitCode = summary.cancelled ? 130 : summary.failed.length > 0 ? 2 : 0;
      } finally {
        library.close();
      }
    },
  );
}
