import { InvalidArgumentError, type Command } from 'commander';
import { Library, pullStudies, type PullSummary, type StudySearch } from '../../library/index.ts';
import { cancelOnInterrupt, progressBar } from '../progressBar.ts';
import { dicomwebEndpoint } from '../dicomweb.ts';
import type { CommandStreams } from '../streams.ts';

export interface DicomwebImportOptions {
  library: string;
  dicomweb: string;
  study?: string[];
  patient?: string;
  modality?: string;
  since?: string;
  maxStudies?: number;
  user?: string;
  timeout?: number;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function parseSince(value: string): string {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value);
  const date = match ? new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`) : null;
  if (!match || !date || Number.isNaN(date.getTime()))
    throw new InvalidArgumentError(`"${value}" must be a date, YYYY-MM-DD`);
  return `${match[1]}${match[2]}${match[3]}`;
}

function parseModality(value: string): string {
  if (!/^[A-Z]{1,16}$/.test(value))
    throw new InvalidArgumentError(`"${value}" must be a modality code such as MR`);
  return value;
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 100_000)
    throw new InvalidArgumentError(`"${value}" must be a whole number from 1 to 100000`);
  return count;
}

/** The options `anomap import` takes for a pull; the action checks they go with --dicomweb. */
export function addDicomwebImportOptions(command: Command): Command {
  return command
    .option(
      '--dicomweb <url>',
      'pull from a PACS: its DICOMweb root, e.g. http://host:8042/dicom-web',
    )
    .option('--study <uid>', 'with --dicomweb: a StudyInstanceUID to pull (repeatable)', collect)
    .option('--patient <id>', 'with --dicomweb: only studies of this PatientID')
    .option(
      '--modality <code>',
      'with --dicomweb: only studies (and series) of this modality, e.g. MR',
      parseModality,
    )
    .option('--since <date>', 'with --dicomweb: only studies on or after YYYY-MM-DD', parseSince)
    .option(
      '--max-studies <n>',
      'with --dicomweb: refuse a search matching more studies (100)',
      parseCount,
    );
}

export function formatPull(summary: PullSummary): string {
  const count = (status: string) => summary.studies.filter((s) => s.status === status).length;
  const images = summary.studies.reduce((sum, study) => sum + study.images, 0);
  const lines = [
    `${summary.cancelled ? 'cancelled (run the same command again to resume): ' : ''}found ${summary.found} studies: ` +
      `${count('imported')} imported (${images} slices), ${count('in-library')} already in the library, ${count('failed')} failed`,
  ];
  const failures = summary.studies.flatMap((study) => study.failed);
  if (failures.length > 0) {
    lines.push('failed:');
    for (const failure of failures) lines.push(`  ${failure.path}: ${failure.reason}`);
  }
  return lines.join('\n') + '\n';
}

/** `anomap import --dicomweb URL [--study UID]... [--patient ID] [--modality MR] [--since DATE]`. */
export async function importFromDicomweb(
  options: DicomwebImportOptions,
  streams: CommandStreams,
): Promise<void> {
  const endpoint = await dicomwebEndpoint(options.dicomweb, options);
  const search: StudySearch = {
    studyUids: options.study,
    patientId: options.patient,
    modality: options.modality,
    since: options.since,
  };
  const library = Library.open(options.library);
  const controller = cancelOnInterrupt();
  const showProgress = progressBar(streams.stderr);
  try {
    streams.stderr.write(`library: ${library.dir}\npulling from ${endpoint.url}\n`);
    const summary = await pullStudies(library, endpoint, search, {
      signal: controller.signal,
      maxStudies: options.maxStudies,
      onProgress: (progress) =>
        showProgress(progress, progress.study ? `study ${progress.study}` : ''),
    });
    streams.stdout.write(formatPull(summary));
    const failed = summary.studies.some((study) => study.failed.length > 0);
    process.exitCode = summary.cancelled ? 130 : failed ? 2 : 0;
  } finally {
    library.close();
  }
}
