/**
 * The handlers behind the contract: each takes validated params, calls the library or the job
 * runner, and returns the contract's result. Every door calls these and nothing else.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { ApiError, EvaluationSchema, RECONSTRUCTION_PRESETS } from '../contract/index.ts';
import type {
  Evaluation,
  EventName,
  EventOf,
  MethodName,
  ParsedParamsOf,
  ResultOf,
  StudyDetail,
} from '../contract/index.ts';
import { evaluationFile, evaluationsDir } from '../jobs/index.ts';
import { exportChainGif, exportResultDicom, exportRun } from '../library/index.ts';
import { listDirectory } from './directory.ts';
import { createPacsHandlers } from './pacs/pacsHandlers.ts';
import { exportsDir } from './files.ts';
import { readInstalledModels } from './installed-models.ts';
import { manifestSplits } from './splits.ts';
import type { ApiDeps } from './deps.ts';

export type Handlers = {
  [M in MethodName]: (params: ParsedParamsOf<M>) => ResultOf<M> | Promise<ResultOf<M>>;
};

type Emit = <E extends EventName>(event: E, payload: EventOf<E>) => void;

export function createHandlers(deps: ApiDeps, emit: Emit): Handlers {
  const { library, runner } = deps;

  /** The run whose results a view shows by default: the latest that finished, else the latest. */
  function defaultRunId(): number | undefined {
    const runs = library.listRuns();
    return (runs.filter((run) => run.status === 'done').at(-1) ?? runs.at(-1))?.id;
  }

  return {
    health: () => ({ ok: true, version: deps.version }),
    backendInfo: async () => {
      const report = await deps.probeBackend();
      return {
        backend: report.name,
        package: report.package,
        reason: report.reason,
        threads: report.threads,
        libraryVersion: report.libraryVersion,
        packageVersion: packageVersion(report.package),
      };
    },
    getSettings: () => ({
      libraryDir: library.dir,
      modelsDir: deps.modelsDir,
      version: deps.version,
      door: deps.door,
      presets: { ...RECONSTRUCTION_PRESETS },
    }),
    listModels: () => library.listModels(),
    installedModels: () => readInstalledModels(deps.modelsDir),
    listRuns: () => library.listRuns(),
    listFindings: () => library.listFindings().map(({ name, source }) => ({ name, source })),

    listStudies: ({ verdict, ...query }) => library.listStudies({ ...query, label: verdict }),
    getStudy: ({ studyId, runId }) => {
      const run = runId ?? defaultRunId();
      const study = library.getStudy(studyId, run);
      const results = run === undefined ? [] : library.listResults(run, studyId);
      const detail: StudyDetail = { ...study, results };
      return detail;
    },
    readerAgreement: ({ split }) => library.readerAgreement(split),
    listSplits: ({ manifestPath }) =>
      manifestPath === undefined ? library.listSplits() : manifestSplits(manifestPath),
    imageUrl: ({ hash }) => ({ url: deps.urls.image(hash), pixelsUrl: deps.urls.pixels(hash) }),

    setLabel: ({ studyId, label, author }) => {
      const saved = library.setLabel(studyId, label, author);
      emit('library.changed', { reason: 'label', studyIds: [studyId] });
      return saved;
    },
    addAnnotation: async ({ imageId, finding, box, author }) => {
      const annotation = await library.addAnnotation({ imageId, finding, box }, author);
      emit('library.changed', {
        reason: 'annotation',
        studyIds: [library.getImage(imageId).studyId],
      });
      return annotation;
    },
    updateAnnotation: ({ annotationId, finding, box, author }) => {
      const annotation = library.updateAnnotation(annotationId, { finding, box }, author);
      emit('library.changed', {
        reason: 'annotation',
        studyIds: [library.getImage(annotation.imageId).studyId],
      });
      return annotation;
    },
    deleteAnnotation: ({ annotationId, author }) => {
      library.deleteAnnotation(annotationId, author);
      emit('library.changed', { reason: 'annotation' });
      return { deleted: true };
    },

    listDirectory: ({ path, showHidden }) => listDirectory(path, { showHidden }),
    startImport: ({ paths }) => runner.start({ kind: 'import', paths }, 'high'),
    startJob: ({ spec, priority }) => runner.start(spec, priority),
    cancelJob: ({ jobId }) => runner.cancel(jobId),
    listJobs: ({ status, kind }) => runner.list(status, kind),

    getResult: ({ runId, studyId }) => library.listResults(runId, studyId),
    listEvaluations: () => readEvaluations(library.dir),
    getEvaluation: ({ evaluationId }) => {
      const file = evaluationFile(library.dir, evaluationId);
      return existsSync(file)
        ? EvaluationSchema.parse(JSON.parse(readFileSync(file, 'utf8')))
        : null;
    },
    exportReport: ({ runId }) => {
      const folder = `run-${runId}`;
      const written = exportRun(library, runId, join(exportsDir(library), folder));
      const files = [written.csv, written.json].map((path) => ({
        path,
        url: deps.urls.exportFile(`${folder}/${basename(path)}`),
      }));
      return { files };
    },
    exportResultDicom: async ({ runId, studyId }) => {
      if (library.listResults(runId, studyId).length === 0)
        throw new ApiError('not-found', `run ${runId} has no result for study ${studyId}`);
      const folder = `run-${runId}/dicom-study-${studyId}`;
      const written = await exportResultDicom(
        library,
        runId,
        studyId,
        join(exportsDir(library), folder),
      );
      const files = written.files.map((path) => ({
        path,
        url: deps.urls.exportFile(`${folder}/${basename(path)}`),
      }));
      return { files, studyUidGenerated: written.studyUidGenerated };
    },
    exportChainGif: async ({ resultId }) => {
      const folder = 'chains';
      const written = await exportChainGif(library, resultId, join(exportsDir(library), folder));
      const files = [written.gif, written.json].map((path) => ({
        path,
        url: deps.urls.exportFile(`${folder}/${basename(path)}`),
      }));
      return { files, frames: written.frames, width: written.width, height: written.height };
    },
    ...createPacsHandlers(deps),
  };
}

/** The installed version of an npm package, or null when it cannot be read. */
function packageVersion(name: string): string | null {
  try {
    const manifest = createRequire(import.meta.url)(`${name}/package.json`) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : null;
  } catch {
    return null; // packages that do not export their package.json, or not installed
  }
}

/** Every readable evaluation, newest first; an unreadable file is left out, not fatal. */
function readEvaluations(libraryDir: string): Evaluation[] {
  const dir = evaluationsDir(libraryDir);
  if (!existsSync(dir)) return [];
  const evaluations: Evaluation[] = [];
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.json'))) {
    try {
      evaluations.push(EvaluationSchema.parse(JSON.parse(readFileSync(join(dir, name), 'utf8'))));
    } catch {
      process.stderr.write(`api: skipping unreadable evaluation ${name}\n`);
    }
  }
  return evaluations.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
