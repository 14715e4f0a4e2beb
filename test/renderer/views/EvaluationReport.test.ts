import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { Evaluation, VariantMetrics } from '../../../src-main/contract/index.ts';
import EvaluationReport from '../../../src-renderer/views/EvaluationReport.svelte';

function variant(guidanceScale: number, f1: number): VariantMetrics {
  return {
    settings: { noiseLevel: 400, stride: 10, guidanceScale, encoding: 'ddim' },
    imageAuroc: 0.91,
    imageAuprc: 0.88,
    pixelAuprc: 0.42,
    bestDice: 0.37,
    bestDiceThreshold: 0.3,
    threshold: 0.25,
    thresholdMethod: 'healthy percentile',
    courseF1: f1,
    courseTp: 3,
    courseFp: 1,
    perFinding: { edema: { tp: 3, fp: 1, n: 4, precision: 0.75, recall: 0.75, f1 } },
    labF1: f1 / 2,
    labPerFinding: { edema: { n: 4, tp: 3, fp: 2, f1: f1 / 2 } },
    mapUnits: '|x - x_hat|, values in [0, 2]',
    roc: [{ fpr: 0, tpr: 0 }],
    pr: [{ recall: 0, precision: 1 }],
    secondsPerSlice: 2,
  };
}

const evaluation = (unguided: VariantMetrics | null): Evaluation => ({
  id: 'job-1',
  createdAt: '2026-11-25T10:00:00Z',
  manifestPath: '/m.csv',
  fromLibrary: false,
  split: 'test',
  cases: 10,
  healthy: 6,
  pathological: 4,
  guided: variant(100, 0.75),
  unguided,
  classifierAuroc: null,
});

describe('evaluation report', () => {
  it('shows guided and unguided side by side and the per-finding row', () => {
    render(EvaluationReport, { evaluation: evaluation(variant(0, 0.5)) });
    expect(screen.getByText('L=400 k=10 s=100 · ddim')).toBeTruthy();
    expect(screen.getByText('L=400 k=10 s=0 · ddim')).toBeTruthy();
    const row = screen.getByText('edema').closest('tr');
    expect(row?.textContent).toContain('0.750');
    expect(row?.textContent).toContain('0.500');
    // The lab F1 per finding, guided then unguided.
    expect(row?.textContent).toContain('0.3750.250');
  });

  it('shows the lab F1 beside the course F1, and the units of the map', () => {
    render(EvaluationReport, { evaluation: evaluation(variant(0, 0.5)) });
    const lab = screen.getByText('Lab F1 (per image, per finding)').closest('tr');
    expect(lab?.textContent).toBe('Lab F1 (per image, per finding)0.3750.250');
    expect(screen.getByText('Map values: |x - x_hat|, values in [0, 2].')).toBeTruthy();
  });

  it('leaves the unguided column empty when the ablation was not run', () => {
    render(EvaluationReport, { evaluation: evaluation(null) });
    const auroc = screen.getByText('Image AUROC (n = 10)', { selector: 'td' }).closest('tr');
    expect(auroc?.textContent).toBe('Image AUROC (n = 10)0.910—');
  });

  it('never shows the AUROC without the number of images it was counted on', () => {
    render(EvaluationReport, { evaluation: evaluation(null) });
    expect(screen.getByTestId('auroc-n').textContent).toBe('n = 10: 6 healthy, 4 pathological');
  });

  it('shows a metric with its 95 % interval when the report carries one beside it', () => {
    const guided = { ...variant(100, 0.75), intervals: { imageAuroc: { low: 0.8, high: 0.97 } } };
    render(EvaluationReport, { evaluation: { ...evaluation(null), guided } });
    const auroc = screen.getByText('Image AUROC (n = 10)', { selector: 'td' }).closest('tr');
    expect(auroc?.textContent).toContain('0.910 (95 % CI 0.800–0.970)');
  });
});
