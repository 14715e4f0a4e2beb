import { readFile } from 'node:fs/promises';
import type { Library } from '../library.ts';
import type { NewImage, NewLabel, StudyFields } from '../types.ts';
import { ImportError, reasonOf } from './importError.ts';
import { decodeFile } from './decodeFile.ts';
import type { DecodedFile } from './decoded.ts';
import type { NiftiOptions } from './nifti/decodeNifti.ts';
import { storeSlices, type SliceExtras } from './storeSlices.ts';
import { scanPaths } from './scan.ts';
import { progressReporter, type ImportProgress } from './progress.ts';
import { readCsvTable } from './manifest/csv.ts';
import { isBrainMidHeader, readBrainMidRow, type ManifestStudy } from './manifest/brainMid.ts';
import {
  checkMapping,
  guessMapping,
  readGenericRow,
  type CsvMapping,
} from './manifest/genericCsv.ts';
import { basename } from 'node:path';

export interface ImportControl {
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
  /** Slicing of NIfTI volumes; axial, every slice, by default. */
  nifti?: NiftiOptions;
  /** Column mapping for CSVs that are not a brain-mid manifest; guessed from the header if absent. */
  csvMapping?: CsvMapping;
  /** Who the audit log names; the library's actor by default. */
  actor?: string;
}

export interface FailedImport {
  path: string;
  reason: string;
}

export interface ImportSummary {
  /** Files (or manifest rows) whose study was written. */
  imported: number;
  /** Files whose every slice was already in the library. */
  duplicates: number;
  /** Entries in folders passed over as not images (hidden files, text, CSV). */
  skipped: number;
  failed: FailedImport[];
  studies: number;
  images: number;
  cancelled: boolean;
}

type WorkItem =
  | { kind: 'file'; path: string }
  | {
      kind: 'row';
      csvPath: string;
      line: number;
      cells: Record<string, string>;
      mapping: CsvMapping | 'brain-mid';
    };

interface DicomGroup {
  study: StudyFields;
  images: NewImage[];
  paths: string[];
}

/**
 * Imports files, folders and manifest CSVs. Each study is written in one transaction, so a
 * cancel (signal) or a killed process leaves whole studies only; a bad file is reported with
 * its reason and the rest goes on. DICOM files are grouped by study and written at the end.
 */
export async function importPaths(
  library: Library,
  paths: readonly string[],
  control: ImportControl = {},
): Promise<ImportSummary> {
  const summary: ImportSummary = {
    imported: 0,
    duplicates: 0,
    skipped: 0,
    failed: [],
    studies: 0,
    images: 0,
    cancelled: false,
  };
  const report = progressReporter(control.onProgress);
  const actor = control.actor ?? library.actor;
  report('scan', 0, paths.length);
  const scanned = await scanPaths(paths, { signal: control.signal, exclude: library.dir });
  summary.skipped = scanned.skipped.length;
  summary.failed.push(...scanned.missing);
  const items: WorkItem[] = scanned.files.map((path) => ({ kind: 'file', path }));
  for (const csvPath of scanned.manifests) {
    try {
      items.push(...(await manifestItems(csvPath, control.csvMapping)));
    } catch (error) {
      summary.failed.push({ path: csvPath, reason: reasonOf(error) });
    }
  }
  report('scan', paths.length, paths.length);

  const dicomGroups = new Map<string, DicomGroup>();
  const pendingHashes = new Set<string>();
  const writeStudy = async (
    decoded: DecodedFile,
    extras: SliceExtras,
    label?: NewLabel,
    labelAuthor?: string,
  ) => {
    const images = await storeSlices(library, decoded, extras, pendingHashes);
    if (images === null) {
      summary.duplicates++;
      return;
    }
    const added = library.addStudy({ study: decoded.study, images, label, labelAuthor }, actor);
    summary.imported++;
    summary.images += images.length;
    if (added.created) summary.studies++;
  };

  report('import', 0, items.length);
  for (const [index, item] of items.entries()) {
    if (control.signal?.aborted) {
      summary.cancelled = true;
      break;
    }
    try {
      if (item.kind === 'row') {
        const row = await readRow(item, control.nifti ?? {});
        await writeStudy(row.decoded, row.extras, row.label, `dataset:${basename(item.csvPath)}`);
      } else {
        const decoded = await decodeFile(item.path, control.nifti);
        if (decoded.study.source === 'dicom')
          await addToGroup(library, decoded, dicomGroups, pendingHashes, summary);
        else await writeStudy(decoded, {});
      }
    } catch (error) {
      const path =
        error instanceof ImportError ? error.path : item.kind === 'row' ? item.csvPath : item.path;
      const where =
        item.kind === 'row' && !(error instanceof ImportError) ? `line ${item.line}: ` : '';
      summary.failed.push({ path, reason: where + reasonOf(error) });
    }
    report('import', index + 1, items.length);
  }
  if (!summary.cancelled) writeDicomGroups(library, dicomGroups, summary, actor, control, report);
  return summary;
}

async function manifestItems(
  csvPath: string,
  mapping: CsvMapping | undefined,
): Promise<WorkItem[]> {
  let table;
  try {
    table = readCsvTable(await readFile(csvPath, 'utf8'));
  } catch (error) {
    throw new ImportError(csvPath, `cannot read the CSV: ${reasonOf(error)}`);
  }
  let chosen: CsvMapping | 'brain-mid';
  if (mapping) {
    checkMapping(csvPath, table.header, mapping);
    chosen = mapping;
  } else if (isBrainMidHeader(table.header)) chosen = 'brain-mid';
  else {
    const guessed = guessMapping(table.header);
    if (!guessed) {
      throw new ImportError(
        csvPath,
        `the CSV has no image column (image, path, file or filename) and no column mapping was given`,
      );
    }
    chosen = guessed;
  }
  return table.rows.map((row) => ({
    kind: 'row',
    csvPath,
    line: row.line,
    cells: row.cells,
    mapping: chosen,
  }));
}

function readRow(
  item: Extract<WorkItem, { kind: 'row' }>,
  nifti: NiftiOptions,
): Promise<ManifestStudy> {
  return item.mapping === 'brain-mid'
    ? readBrainMidRow(item.csvPath, item.line, item.cells)
    : readGenericRow(item.csvPath, item.line, item.cells, item.mapping, nifti);
}

async function addToGroup(
  library: Library,
  decoded: DecodedFile,
  groups: Map<string, DicomGroup>,
  pendingHashes: Set<string>,
  summary: ImportSummary,
): Promise<void> {
  const images = await storeSlices(library, decoded, {}, pendingHashes);
  if (images === null) {
    summary.duplicates++;
    return;
  }
  const group = groups.get(decoded.study.uid) ?? { study: decoded.study, images: [], paths: [] };
  group.images.push(...images);
  group.paths.push(decoded.path);
  groups.set(decoded.study.uid, group);
}

function writeDicomGroups(
  library: Library,
  groups: Map<string, DicomGroup>,
  summary: ImportSummary,
  actor: string,
  control: ImportControl,
  report: ReturnType<typeof progressReporter>,
): void {
  if (groups.size === 0) return;
  let done = 0;
  report('write', 0, groups.size);
  for (const group of groups.values()) {
    if (control.signal?.aborted) {
      summary.cancelled = true;
      return;
    }
    try {
      const added = library.addStudy({ study: group.study, images: group.images }, actor);
      summary.imported += group.paths.length;
      summary.images += group.images.length;
      if (added.created) summary.studies++;
    } catch (error) {
      for (const path of group.paths)
        summary.failed.push({ path, reason: `cannot write its study: ${reasonOf(error)}` });
    }
    report('write', ++done, groups.size);
  }
}
