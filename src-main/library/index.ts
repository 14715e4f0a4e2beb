/** The study library: everything other layers may use. */
export { Library, type OpenOptions } from './library.ts';
export { defaultLibraryDir } from './paths.ts';
export { openDatabase, schemaVersion, type SqliteDatabase } from './database.ts';
export { migrations, type Migration } from './migrations/index.ts';
export { ImageStore, encodeGrayPng, decodeGrayPng } from './store.ts';
export type { PruneReport } from './prune.ts';
export { hashPixels, type Pixels, type ValueScale } from './pixels.ts';
export { fastMriPlusFindings, normaliseFindingName } from './vocabulary.ts';
export type { Finding, FindingSource } from './findings.ts';
export type { AddedStudy } from './studies.ts';
export type { NewAnnotation } from './annotations.ts';
export { maxPageSize } from './studyList.ts';
export { quantiseFloatImage, dequantise } from './quantise.ts';
export * from './types.ts';
export {
  importPaths,
  type ImportControl,
  type ImportSummary,
  type FailedImport,
} from './import/importPaths.ts';
export type { ImportProgress } from './import/progress.ts';
export { ImportError } from '../files/importError.ts';
export { importLimits } from '../files/limits.ts';
export { decodeFile } from './import/decodeFile.ts';
export type { NiftiOptions } from './import/nifti/decodeNifti.ts';
export type { Plane } from './import/nifti/orientation.ts';
export type { CsvMapping } from './import/manifest/genericCsv.ts';
export { maskBoxes } from './import/manifest/maskBoxes.ts';
export { exportRun, type RunExport } from './export/exportRun.ts';
export { exportMasks } from './export/exportMasks.ts';
export {
  exportDataset,
  type DatasetExport,
  type DatasetExportOptions,
} from './export/exportDataset.ts';
export { exportAudit } from './export/exportAudit.ts';
export {
  exportResultDicom,
  type ResultDicomExport,
  type ResultDicomOptions,
} from './export/exportResultDicom.ts';
export { stowToStudy, type StowResult } from './export/stow.ts';
export { stowRun, type StowRunOptions } from './export/stowRun.ts';
export {
  DicomwebError,
  serviceRoot,
  type DicomwebAuth,
  type DicomwebEndpoint,
} from './import/dicomweb/endpoint.ts';
export { pullStudies, type PullProgress, type PullSummary } from './import/dicomweb/pull.ts';
export { searchStudies, type FoundStudy, type StudySearch } from './import/dicomweb/search.ts';
export { checkConnection, type ConnectionCheck } from './import/dicomweb/checkConnection.ts';
export type { StoredDicomIdentity } from './dicomIdentity.ts';
export { exportChainGif, type ChainGifExport } from './export/exportChainGif.ts';
