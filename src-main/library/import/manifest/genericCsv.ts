import { dirname, resolve } from 'node:path';
import { ImportError } from '../../../files/importError.ts';
import { decodeFile } from '../decodeFile.ts';
import type { NiftiOptions } from '../nifti/decodeNifti.ts';
import type { ManifestStudy } from './brainMid.ts';
import { verdicts, type Verdict } from '../../types.ts';

/** Which CSV column holds which study field; only `image` is required. */
export interface CsvMapping {
  image: string;
  patient?: string;
  date?: string;
  label?: string;
  findings?: string;
  split?: string;
  source?: string;
  description?: string;
  /** Separator between findings in one cell; ';' by default. */
  findingsSeparator?: string;
}

const imageColumnNames = ['image', 'path', 'file', 'filename'];

/** The mapping used when none is given: columns named like the fields. */
export function guessMapping(header: string[]): CsvMapping | null {
  const image = imageColumnNames.find((name) => header.includes(name));
  if (!image) return null;
  const pick = (...names: string[]) => names.find((name) => header.includes(name));
  return {
    image,
    patient: pick('patient', 'patient_alias', 'patient_id'),
    date: pick('date', 'study_date'),
    label: pick('label', 'verdict'),
    findings: pick('findings', 'finding'),
    split: pick('split'),
    source: pick('source'),
    description: pick('description'),
  };
}

export function checkMapping(csvPath: string, header: string[], mapping: CsvMapping): void {
  const missing = Object.entries(mapping)
    .filter(
      ([field, column]) =>
        field !== 'findingsSeparator' && column !== undefined && !header.includes(column),
    )
    .map(([field, column]) => `${field} -> "${column}"`);
  if (missing.length > 0) {
    throw new ImportError(
      csvPath,
      `the column mapping names columns the CSV lacks: ${missing.join(', ')}`,
    );
  }
}

export async function readGenericRow(
  csvPath: string,
  line: number,
  cells: Record<string, string>,
  mapping: CsvMapping,
  nifti: NiftiOptions,
): Promise<ManifestStudy> {
  const cell = (column: string | undefined) => (column === undefined ? '' : (cells[column] ?? ''));
  const image = cell(mapping.image);
  if (!image)
    throw new ImportError(csvPath, `line ${line}: the image column "${mapping.image}" is empty`);
  const verdict = cell(mapping.label).toLowerCase();
  if (verdict && !verdicts.includes(verdict as Verdict)) {
    throw new ImportError(
      csvPath,
      `line ${line}: label "${verdict}" is not one of ${verdicts.join(', ')}`,
    );
  }
  const decoded = await decodeFile(resolve(dirname(csvPath), image), nifti);
  const override = (value: string, fallback: string | null | undefined) =>
    value || fallback || null;
  decoded.study = {
    ...decoded.study,
    patientAlias: override(cell(mapping.patient), decoded.study.patientAlias),
    studyDate: override(cell(mapping.date), decoded.study.studyDate),
    split: override(cell(mapping.split), decoded.study.split),
    source: override(cell(mapping.source), decoded.study.source),
    description: override(cell(mapping.description), decoded.study.description),
  };
  const findings = cell(mapping.findings)
    .split(mapping.findingsSeparator ?? ';')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return {
    decoded,
    extras: {},
    label:
      verdict || findings.length
        ? { verdict: (verdict || null) as Verdict | null, findings, status: 'done' }
        : {},
  };
}
