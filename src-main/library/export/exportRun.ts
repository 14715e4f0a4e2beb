import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Library } from '../library.ts';
import { aboveThreshold } from '../../contract/index.ts';
import { csvLine } from './csvText.ts';

export interface RunExport {
  csv: string;
  json: string;
  images: string[];
}

/**
 * A run's report: one CSV row and one JSON entry per result (score, the run's pixel cut-off and
 * image operating point, the verdict of the score against the latter, the human label
 * and findings beside it, kept in separate columns), the run's settings and model versions, and
 * its reconstructions and anomaly maps as the 16-bit PNGs they are stored as.
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
  writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  return { csv, json, images };
}
