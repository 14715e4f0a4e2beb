import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { openDatabase, schemaVersion, type SqliteDatabase } from './database.ts';
import { ImageStore } from './store.ts';
import { pruneStore, type PruneReport } from './prune.ts';
import type { LibraryContext } from './context.ts';
import { readAudit } from './audit.ts';
import { findingId, listFindings, type Finding } from './findings.ts';
import { readImage, hasImageHash, imageIdsByHash } from './images.ts';
import { readerReferencePairs, setLabel, studiesByVerdict } from './labels.ts';
import { cohensKappa, type Agreement } from '../contract/agreement.ts';
import type { SkippedSlice } from '../contract/index.ts';
import { addStudy, getStudy, type AddedStudy } from './studies.ts';
import { readDicomIdentity, type StoredDicomIdentity } from './dicomIdentity.ts';
import { listStudies } from './studyList.ts';
import {
  addAnnotation,
  deleteAnnotation,
  readAnnotationsOfImage,
  updateAnnotation,
  type NewAnnotation,
} from './annotations.ts';
import {
  createRun,
  discardRun,
  failRun,
  finishRun,
  listModels,
  listRuns,
  readRun,
  registerModel,
} from './runs.ts';
import { listResults, readResult, readResultImage, saveResult } from './results.ts';
import { saveSkippedSlices } from './skippedSlices.ts';
import { writeAudit } from './audit.ts';
import type {
  Annotation,
  AuditEntry,
  AuditQuery,
  Box,
  FloatImage,
  ImageInfo,
  ImagePixels,
  Label,
  Model,
  ModelInput,
  NewLabel,
  NewResult,
  NewStudy,
  Result,
  Run,
  RunSettings,
  StudyDetail,
  StudyPage,
  StudyQuery,
  Verdict,
} from './types.ts';
import { verdicts } from './types.ts';

export interface OpenOptions {
  /** Who the audit log names for changes made through this handle; defaults to the OS user. */
  actor?: string;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * A study library: one folder holding `library.sqlite` and the content-addressed image store.
 * Every change is one transaction with its audit entry. Methods that touch image files are async.
 */
export class Library {
  readonly dir: string;
  readonly store: ImageStore;
  private readonly context: LibraryContext;

  private constructor(dir: string, db: SqliteDatabase, store: ImageStore, actor: string) {
    this.dir = dir;
    this.store = store;
    this.context = { db, store, actor };
  }

  static open(dir: string, options: OpenOptions = {}): Library {
    const absolute = resolve(dir);
    mkdirSync(absolute, { recursive: true });
    const db = openDatabase(join(absolute, 'library.sqlite'));
    return new Library(
      absolute,
      db,
      new ImageStore(join(absolute, 'images')),
      options.actor ?? osUser(),
    );
  }

  /** The raw database, for the importer, exports and benchmarks inside this folder. */
  get db(): SqliteDatabase {
    return this.context.db;
  }

  get actor(): string {
    return this.context.actor;
  }

  get schemaVersion(): number {
    return schemaVersion(this.context.db);
  }

  close(): void {
    const { db } = this.context;
    if (!db.open) return;
    // Keeps the query planner's statistics fresh, as SQLite recommends on closing.
    db.pragma('optimize');
    db.close();
  }

  listStudies(query: StudyQuery): StudyPage {
    return listStudies(this.context.db, query);
  }

  getStudy(studyId: number, runId?: number): StudyDetail {
    return getStudy(this.context, studyId, runId);
  }

  /** The splits of the library's studies, each with its number of studies, by name. */
  listSplits(): { split: string; count: number }[] {
    return this.context.db
      .prepare(
        'SELECT split, COUNT(*) AS count FROM studies WHERE split IS NOT NULL GROUP BY split ORDER BY split',
      )
      .all() as { split: string; count: number }[];
  }

  /** Reader-vs-reference agreement (Cohen's kappa) on the studies both labelled. */
  readerAgreement(split?: string): Agreement<Verdict> {
    return cohensKappa(readerReferencePairs(this.context.db, split), verdicts);
  }

  /** Studies that stand for `verdict` in training and evaluation (the reader's, else the reference's). */
  studiesByVerdict(verdict: Verdict): number[] {
    return studiesByVerdict(this.context.db, verdict);
  }

  getImage(imageId: number): ImageInfo {
    return readImage(this.context.db, imageId);
  }

  hasImageHash(hash: string): boolean {
    return hasImageHash(this.context.db, hash);
  }

  imageIdsByHash(hash: string): number[] {
    return imageIdsByHash(this.context.db, hash);
  }

  async getImagePixels(imageId: number): Promise<ImagePixels> {
    const image = readImage(this.context.db, imageId);
    const pixels = await this.store.get(image.hash);
    return { ...pixels, valueSlope: image.valueSlope, valueIntercept: image.valueIntercept };
  }

  addStudy(study: NewStudy, actor?: string): AddedStudy {
    return addStudy(this.context, study, actor);
  }

  /** The DICOM identity and source instances kept at import (exports never re-read files). */
  getDicomIdentity(studyId: number): StoredDicomIdentity {
    return readDicomIdentity(this.context.db, studyId);
  }

  listFindings(): Finding[] {
    return listFindings(this.context.db);
  }

  /** Adds a finding name to the vocabulary (a no-op when it is there). */
  addFinding(name: string, actor = this.context.actor): Finding {
    const { db } = this.context;
    return db
      .transaction(() => {
        const before = db.prepare('SELECT COUNT(*) FROM findings').pluck().get() as number;
        const id = findingId(db, name, 'user');
        const finding = db
          .prepare('SELECT id, name, source FROM findings WHERE id = ?')
          .get(id) as Finding;
        if ((db.prepare('SELECT COUNT(*) FROM findings').pluck().get() as number) > before) {
          writeAudit(db, {
            actor,
            action: 'add-finding',
            entity: 'finding',
            entityId: id,
            after: finding,
          });
        }
        return finding;
      })
      .immediate();
  }

  setLabel(studyId: number, change: NewLabel, actor?: string): Label {
    return setLabel(this.context, studyId, change, actor);
  }

  addAnnotation(input: NewAnnotation, actor?: string): Promise<Annotation> {
    return addAnnotation(this.context, input, actor);
  }

  updateAnnotation(
    id: number,
    change: { finding?: string | null; box?: Box },
    actor?: string,
  ): Annotation {
    return updateAnnotation(this.context, id, change, actor);
  }

  deleteAnnotation(id: number, actor?: string): void {
    deleteAnnotation(this.context, id, actor);
  }

  listAnnotations(imageId: number): Annotation[] {
    return readAnnotationsOfImage(this.context.db, imageId);
  }

  registerModel(model: ModelInput, actor?: string): Model {
    return registerModel(this.context, model, actor);
  }

  listModels(): Model[] {
    return listModels(this.context.db);
  }

  createRun(
    input: { name?: string; settings: RunSettings; modelIds: number[] },
    actor?: string,
  ): Run {
    return createRun(this.context, input, actor);
  }

  finishRun(runId: number, timings?: Record<string, number>, actor?: string): Run {
    return finishRun(this.context, runId, timings, actor);
  }

  failRun(runId: number, error: string, actor?: string): Run {
    return failRun(this.context, runId, error, actor);
  }

  /** Removes store files no row refers to (older than `minAgeMs`, one hour by default). */
  pruneStore(options: { minAgeMs?: number; now?: number } = {}): PruneReport {
    return pruneStore(this.context, options);
  }

  discardRun(runId: number, reason: string, actor?: string): void {
    discardRun(this.context, runId, reason, actor);
  }

  getRun(runId: number): Run {
    return readRun(this.context.db, runId);
  }

  listRuns(): Run[] {
    return listRuns(this.context.db);
  }

  saveResult(result: NewResult, actor?: string): Promise<Result> {
    return saveResult(this.context, result, actor);
  }

  /** Keeps the slices a running run left out, with their reasons (skippedSlices.ts). */
  saveSkippedSlices(runId: number, skipped: readonly SkippedSlice[], actor?: string): void {
    saveSkippedSlices(this.context, runId, skipped, actor);
  }

  listResults(runId: number, studyId?: number): Result[] {
    return listResults(this.context.db, runId, studyId);
  }

  /** One result by id; throws naming the id when there is none. */
  getResult(resultId: number): Result {
    return readResult(this.context.db, resultId);
  }

  getResultImage(resultId: number, which: 'reconstruction' | 'map'): Promise<FloatImage> {
    return readResultImage(this.context, resultId, which);
  }

  auditLog(query?: AuditQuery): AuditEntry[] {
    return readAudit(this.context.db, query);
  }

  /** `PRAGMA integrity_check`: 'ok' for a sound database. */
  integrityCheck(): string {
    const rows = this.context.db.pragma('integrity_check', { simple: false }) as {
      integrity_check: string;
    }[];
    return rows.map((row) => row.integrity_check).join('\n');
  }
}
