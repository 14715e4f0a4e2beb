import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Library } from '../library.ts';
import { aboveThreshold } from '../../contract/index.ts';
import { csvLine } from './csvText.ts';

export interface RunExport {
  csv: string;
  /** One row per study: its score (the hottest mapped slice's), verdict and left-out slices. */
  studiesCsv: string;
  json: string;
  images: string[];
}

/**
 * A run's report: one CSV row and one JSON entry per result (score, the run's pixel cut-off and
 * image operating point, the verdict of the score against the latter, the human label
 * and findings beside it, kept in separate columns), the run's settings and model versions, and
 * its reconstructions and anomaly maps as the 16-bit PNGs they are stored as. Beside it, one
 * row per study (run-N-studies.csv, `studies` in the JSON): the study score, which is the highest
 * image score of its mapped slices, its verdict against the image operating point, the hottest
 * slice, and how many slices the run left out as outside the models' domain or blank.
 */
export function exportRun(library: Library, runId: number, outDir: string): RunExport {
  const run = library.getRun(runId);
  const models = library.listModels().filter((model) => run.modelIds.includes(model.id));
  const results = library.listResults(runId);
  mkdirSync(join(outDir, 'images'), { recursive: true });
  const rows = results.map((result) => {
    const study = library.getStudy(result.studyId);
    return { result, study };
  });
  const header = csvLine([
    'study_id',
    'patient_alias',
    'image_id',
    'score',
    'pixel_threshold',
    'image_score_threshold',
    'above_threshold',
    'label_verdict',
    'label_findings',
    'label_status',
    'reconstruction_png',
    'anomaly_map_png',
  ]);
  const images: string[] = [];
  const lines = rows.map(({ result, study }) => {
    const reconstruction = join('images', `result-${result.id}-reconstruction.png`);
    const mapFile = join('images', `result-${result.id}-anomaly-map.png`);
    writeFileSync(join(outDir, reconstruction), library.store.readPng(result.reconstructionHash));
    writeFileSync(join(outDir, mapFile), library.store.readPng(result.mapHash));
    images.push(join(outDir, reconstruction), join(outDir, mapFile));
    return csvLine([
      study.id,
      study.patientAlias,
      result.imageId,
      result.score,
      result.pixelThreshold,
      result.imageScoreThreshold,
      String(aboveThreshold(result.score, result.imageScoreThreshold) ?? ''),
      study.label.verdict,
      study.label.findings.join(';'),
      study.label.status,
      reconstruction,
      mapFile,
    ]);
  });
  const csv = join(outDir, `run-${runId}.csv`);
  writeFileSync(csv, [header, ...lines].join('\n') + '\n');
  const studies = studiesOfRun(library, runId, [...new Set(results.map((r) => r.studyId))]);
  const studiesCsv = join(outDir, `run-${runId}-studies.csv`);
  writeFileSync(
    studiesCsv,
    [
      csvLine(Object.keys(studyColumns(studies[0] ?? null))),
      ...studies.map((study) => csvLine(Object.values(studyColumns(study)))),
    ].join('\n') + '\n',
  );
  const json = join(outDir, `run-${runId}.json`);
  const report = {
    run,
    models: models.map(({ id, name, version, kind, checksum }) => ({
      id,
      name,
      version,
      kind,
      checksum,
    })),
    results: rows.map(({ result, study }) => ({
      ...result,
      patientAlias: study.patientAlias,
      humanLabel: {
        verdict: study.label.verdict,
        findings: study.label.findings,
        status: study.label.status,
        author: study.label.author,
      },
    })),
  };
  writeFileSync(json, JSON.stringify({ ...report, studies }, null, 2) + '\n');
  return { csv, studiesCsv, json, images };
}

interface StudyOfRun {
  studyId: number;
  patientAlias: string | null;
  slices: number;
  mappedSlices: number;
  outsideDomainSlices: number;
  blankSlices: number;
  studyScore: number | null;
  hottestImageId: number | null;
  hottestSliceIndex: number | null;
  imageScoreThreshold: number | null;
  aboveThreshold: boolean | null;
  labelVerdict: string | null;
}

function studiesOfRun(library: Library, runId: number, studyIds: number[]): StudyOfRun[] {
  return studyIds.map((studyId) => {
    const study = library.getStudy(studyId, runId);
    const left = (kind: string) => study.skippedSlices.filter((s) => s.kind === kind).length;
    return {
      studyId,
      patientAlias: study.patientAlias,
      slices: study.imageCount,
      mappedSlices: study.imageCount - study.skippedSlices.length,
      outsideDomainSlices: left('outside-domain'),
      blankSlices: left('blank'),
      studyScore: study.score,
      hottestImageId: study.hottestImageId,
      hottestSliceIndex: study.hottestSliceIndex,
      imageScoreThreshold: study.imageScoreThreshold,
      aboveThreshold: study.aboveThreshold,
      labelVerdict: study.label.verdict,
    };
  });
}

/** The studies CSV's columns, in order; a header from null. */
function studyColumns(study: StudyOfRun | null): Record<string, string | number | null> {
  return {
    study_id: study?.studyId ?? null,
    patient_alias: study?.patientAlias ?? null,
    slices: study?.slices ?? null,
    mapped_slices: study?.mappedSlices ?? null,
    outside_domain_slices: study?.outsideDomainSlices ?? null,
    blank_slices: study?.blankSlices ?? null,
    study_score: study?.studyScore ?? null,
    hottest_image_id: study?.hottestImageId ?? null,
    hottest_slice_index: study?.hottestSliceIndex ?? null,
    image_score_threshold: study?.imageScoreThreshold ?? null,
    above_threshold: study ? String(study.aboveThreshold ?? '') : null,
    label_verdict: study?.labelVerdict ?? null,
  };
}
