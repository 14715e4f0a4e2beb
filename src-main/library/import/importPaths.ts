import type { Library } from '../library.ts';
import type { NewImage, NewLabel, StudyFields } from '../types.ts';
import {
  ImportCancelled,
  ImportError,
  printable,
  readFileForImport,
  reasonOf,
} from '../../files/importError.ts';
import { importLimits } from '../../files/limits.ts';
import { inSliceOrder } from './sliceOrder.ts';
import { decodeFile } from './decodeFile.ts';
import type { DecodedFile } from './decoded.ts';
import type { NiftiOptions } from './nifti/decodeNifti.ts';
import { isDuplicate, storeSlices } from './storeSlices.ts';
import { scanPaths } from './scan.ts';
import { progressReporter, type ImportProgress } from './progress.ts';
import { readCsvTable } from '../../files/csv.ts';
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
  /**
   * Where a file came from, kept as its original path instead of the file's own (a DICOMweb
   * pull imports staged copies that are removed afterwards); the file's path when absent.
   */
  originOf?: (path: string) => string | undefined;
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
 * its reason and the rest goes on. DICOM files are grouped by study, and a study is written as
 * soon as the files move on to another one (folders are walked in order, so a study's files
 * come together), its slices ordered by position; a cancel drops only the study not yet whole.
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
  summary.failed.push(...scanned.missing.map(({ path, reason }) => failure(path, reason)));
  const items: WorkItem[] = scanned.files.map((path) => ({ kind: 'file', path }));
  for (const csvPath of scanned.manifests) {
    try {
      items.push(...(await manifestItems(csvPath, control.csvMapping)));
    } catch (error) {
      summary.failed.push(failure(csvPath, reasonOf(error)));
    }
  }
  report('scan', paths.length, paths.length);

  const { write, flushDicom } = studyWriter(library, summary, actor);

  // Decoding and storing run a few items ahead (sharp works on its own threads); the database
  // writes stay in item order, one transaction per study.
  const ahead: Promise<Settled>[] = [];
  let launched = 0;
  const launch = () => {
    while (ahead.length < lookAhead && launched < items.length && !control.signal?.aborted) {
      ahead.push(settle(prepareItem(library, items[launched++], control)));
    }
  };
  report('import', 0, items.length);
  for (let index = 0; index < items.length; index++) {
    launch();
    const next = ahead.shift();
    if (control.signal?.aborted || !next) {
      await next;
      summary.cancelled = true;
      break;
    }
    const item = items[index];
    const settled = await next;
    if (!settled.ok && settled.error instanceof ImportCancelled) {
      summary.cancelled = true;
      break;
    }
    try {
      if (!settled.ok) throw settled.error;
      write(settled.value);
    } catch (error) {
      summary.failed.push(failureOf(item, error));
    }
    report('import', index + 1, items.length);
  }
  // Let work already started finish, so nothing touches the store after this returns.
  await Promise.all(ahead);
  if (summary.cancelled || control.signal?.aborted) summary.cancelled = true;
  else flushDicom();
  return summary;
}

/**
 * Writes prepared items in order: files and manifest rows at once, one study each; DICOM files
 * gathered by study, each study written (slices in order) as the next item belongs elsewhere
 * or when the import ends (flushDicom). A file whose every slice is known is a duplicate.
 */
function studyWriter(library: Library, summary: ImportSummary, actor: string) {
  const pendingHashes = new Set<string>();
  let dicomGroup: DicomGroup | null = null;
  const flushDicom = () => {
    if (dicomGroup) writeDicomGroup(library, dicomGroup, summary, actor);
    dicomGroup = null;
  };
  const write = (prepared: PreparedItem) => {
    if (isDuplicate(prepared.images, pendingHashes, (hash) => library.hasImageHash(hash))) {
      summary.duplicates++;
      return;
    }
    for (const image of prepared.images) pendingHashes.add(image.hash);
    const { decoded, images } = prepared;
    if (dicomGroup && (!prepared.groupByStudy || dicomGroup.study.uid !== decoded.study.uid))
      flushDicom();
    if (prepared.groupByStudy) {
      dicomGroup ??= { study: decoded.study, images: [], paths: [] };
      dicomGroup.images.push(...images);
      dicomGroup.paths.push(decoded.path);
      return;
    }
    const { label, labelAuthor } = prepared;
    const added = library.addStudy(
      { study: decoded.study, images: inSliceOrder(images), label, labelAuthor },
      actor,
    );
    summary.imported++;
    summary.images += images.length;
    if (added.created) summary.studies++;
  };
  return { write, flushDicom };
}

/** Items decoded and stored ahead of the one being written. */
const lookAhead = 4;

interface PreparedItem {
  decoded: DecodedFile;
  images: NewImage[];
  /** DICOM slices wait for the rest of their study, written once the import has seen every file. */
  groupByStudy: boolean;
  label?: NewLabel;
  labelAuthor?: string;
}

type Settled = { ok: true; value: PreparedItem } | { ok: false; error: unknown };

function settle(promise: Promise<PreparedItem>): Promise<Settled> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

async function prepareItem(
  library: Library,
  item: WorkItem,
  control: ImportControl,
): Promise<PreparedItem> {
  const nifti = control.nifti ?? {};
  if (item.kind === 'row') {
    const row = await readRow(item, nifti);
    const images = await storeSlices(library.store, row.decoded, row.extras, control.signal);
    return {
      decoded: row.decoded,
      images,
      groupByStudy: false,
      label: row.label,
      labelAuthor: `dataset:${basename(item.csvPath)}`,
    };
  }
  const decoded = await decodeFile(item.path, nifti, control.signal);
  const origin = control.originOf?.(item.path);
  if (origin !== undefined) {
    decoded.path = origin;
    decoded.study.originPath = origin;
  }
  const images = await storeSlices(library.store, decoded, {}, control.signal);
  return { decoded, images, groupByStudy: decoded.study.source === 'dicom' };
}

/**
 * A failure as it is shown (terminal, log, the app): control characters escaped. A manifest
 * row's failure names the CSV and its line, and the image file when that was the problem.
 */
function failureOf(item: WorkItem, error: unknown): FailedImport {
  if (item.kind === 'row') {
    const reason = reasonOf(error);
    const where =
      error instanceof ImportError && error.path !== item.csvPath ? `${error.path}: ` : '';
    const line = reason.startsWith(`line ${item.line}:`) ? '' : `line ${item.line}: `;
    return failure(item.csvPath, `${line}${where}${reason}`);
  }
  if (error instanceof ImportError) return failure(error.path, error.reason);
  return failure(item.path, reasonOf(error));
}

function failure(path: string, reason: string): FailedImport {
  return { path: printable(path), reason: printable(reason) };
}

async function manifestItems(
  csvPath: string,
  mapping: CsvMapping | undefined,
): Promise<WorkItem[]> {
  let table;
  try {
    const bytes = await readFileForImport(csvPath, { maxBytes: importLimits.maxManifestBytes });
    table = readCsvTable(bytes.toString('utf8'));
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

/** One DICOM study, its slices ordered by position within each series, in one transaction. */
function writeDicomGroup(
  library: Library,
  group: DicomGroup,
  summary: ImportSummary,
  actor: string,
): void {
  try {
    const added = library.addStudy(
      { study: group.study, images: inSliceOrder(group.images) },
      actor,
    );
    summary.imported += group.paths.length;
    summary.images += group.images.length;
    if (added.created) summary.studies++;
  } catch (error) {
    for (const path of group.paths)
      summary.failed.push(failure(path, `cannot write its study: ${reasonOf(error)}`));
  }
}
