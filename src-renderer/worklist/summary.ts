/**
 * What a worklist measured once read: how many cases, how long each took (median seconds from
 * the case on screen to the reader's verdict), and, against the reference label, the reader's
 * agreement (Cohen's kappa) and the reader's and the AI's sensitivity and specificity with Wilson
 * 95 % intervals. Pure, so the summary screen and its CSV say the same numbers.
 */
import { cohensKappa } from '../../src-main/contract/index.ts';
import type { Verdict } from '../api/types.ts';

export interface CaseRead {
  studyId: number;
  /** The reader's verdict when the list ended; null if the case was skipped. */
  reader: Verdict | null;
  /** The model's image-level verdict; null without a result or an operating point. */
  ai: Verdict | null;
  /** The reference label's verdict (the dataset's or another reader's); null without one. */
  reference: Verdict | null;
  /** Seconds from the case first on screen to the reader's first verdict; null if never given. */
  secondsToVerdict: number | null;
  /** Rulers and regions the reader kept on this case ("ruler 12.4 mm"), in order. */
  measurements?: readonly string[];
}

export interface Rate {
  /** Successes / n; null when n is 0. */
  value: number | null;
  low: number | null;
  high: number | null;
  successes: number;
  n: number;
}

export interface WorklistSummary {
  cases: number;
  read: number;
  medianSeconds: number | null;
  /** Cases with both a reader verdict and a reference verdict. */
  compared: number;
  kappa: number | null;
  readerSensitivity: Rate;
  readerSpecificity: Rate;
  aiSensitivity: Rate;
  aiSpecificity: Rate;
}

/** Wilson score interval (z = 1.96): stays inside [0, 1] and is honest at n = 10. */
export function wilsonRate(successes: number, n: number, z = 1.96): Rate {
  if (n === 0) return { value: null, low: null, high: null, successes, n };
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return {
    value: p,
    low: Math.max(0, centre - half),
    high: Math.min(1, centre + half),
    successes,
    n,
  };
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Sensitivity (pathological references called pathological) and specificity (normal references
 * called normal) of one set of calls. An "uncertain" call counts as not pathological for
 * sensitivity and not normal for specificity: a flag is not a finding.
 */
function rates(reads: readonly CaseRead[], call: (r: CaseRead) => Verdict | null) {
  const called = reads.filter((r) => call(r) !== null && r.reference !== null);
  const sick = called.filter((r) => r.reference === 'pathological');
  const well = called.filter((r) => r.reference === 'normal');
  return {
    sensitivity: wilsonRate(sick.filter((r) => call(r) === 'pathological').length, sick.length),
    specificity: wilsonRate(well.filter((r) => call(r) === 'normal').length, well.length),
  };
}

export function summariseWorklist(reads: readonly CaseRead[]): WorklistSummary {
  const read = reads.filter((r) => r.reader !== null);
  const pairs = read
    .filter((r) => r.reference !== null)
    .map((r) => [r.reader!, r.reference!] as const);
  const agreement = cohensKappa(pairs, ['normal', 'pathological', 'uncertain'] as Verdict[]);
  const reader = rates(reads, (r) => r.reader);
  const ai = rates(reads, (r) => r.ai);
  return {
    cases: reads.length,
    read: read.length,
    medianSeconds: median(
      read.map((r) => r.secondsToVerdict).filter((s): s is number => s !== null),
    ),
    compared: pairs.length,
    kappa: agreement.kappa,
    readerSensitivity: reader.sensitivity,
    readerSpecificity: reader.specificity,
    aiSensitivity: ai.sensitivity,
    aiSpecificity: ai.specificity,
  };
}

/** "0.80 (0.49–0.94), 4/5", or "—" when nothing was counted. */
export function describeWorklistRate(rate: Rate): string {
  if (rate.value === null) return '—';
  return `${rate.value.toFixed(2)} (${rate.low!.toFixed(2)}–${rate.high!.toFixed(2)}), ${rate.successes}/${rate.n}`;
}

const cell = (value: string | number | null) => {
  const text = value === null ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One row per case, then the summary's numbers as "# name,value" lines a spreadsheet keeps apart. */
export function worklistCsv(reads: readonly CaseRead[], seed: number | null): string {
  const summary = summariseWorklist(reads);
  const rows = [
    'position,study_id,reader_verdict,ai_verdict,reference_verdict,seconds_to_verdict,measurements',
    ...reads.map((r, i) =>
      [
        i + 1,
        r.studyId,
        r.reader,
        r.ai,
        r.reference,
        r.secondsToVerdict === null ? null : r.secondsToVerdict.toFixed(1),
        (r.measurements ?? []).join('; '),
      ]
        .map(cell)
        .join(','),
    ),
  ];
  const rate = (name: string, x: Rate) =>
    `# ${name},${x.value === null ? '' : x.value.toFixed(4)},${x.low?.toFixed(4) ?? ''},${x.high?.toFixed(4) ?? ''},${x.successes},${x.n}`;
  const footer = [
    `# order,${seed === null ? 'as listed' : `shuffled with seed ${seed}`}`,
    `# cases,${summary.cases}`,
    `# read,${summary.read}`,
    `# median_seconds_per_case,${summary.medianSeconds?.toFixed(1) ?? ''}`,
    `# kappa_reader_vs_reference,${summary.kappa?.toFixed(4) ?? ''},n=${summary.compared}`,
    '# rate,value,wilson_low_95,wilson_high_95,successes,n',
    rate('reader_sensitivity', summary.readerSensitivity),
    rate('reader_specificity', summary.readerSpecificity),
    rate('ai_sensitivity', summary.aiSensitivity),
    rate('ai_specificity', summary.aiSpecificity),
  ];
  return `${[...rows, ...footer].join('\n')}\n`;
}
