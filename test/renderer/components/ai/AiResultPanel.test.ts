import { fireEvent, render, screen } from '@testing-library/svelte';
import { expect, it, vi } from 'vitest';
import AiResultPanel from '../../../../src-renderer/components/ai/AiResultPanel.svelte';
import type { Result } from '../../../../src-renderer/api/types.ts';

const result = {
  id: 3,
  runId: 2,
  imageId: 1,
  studyId: 1,
  reconstructionHash: 'a'.repeat(64),
  reconstructionScale: { min: 0, max: 1 },
  mapHash: 'b'.repeat(64),
  mapScale: { min: 0, max: 1 },
  score: 0.4,
  pixelThreshold: 0.2,
  imageScoreThreshold: 0.3,
  threshold: 0.2,
  classifierProbability: null,
  chain: [],
  createdAt: '2026-01-01T00:00:00Z',
} as unknown as Result;

const common = { run: null, humanVerdict: null, onaccept: () => {}, onreject: () => {} };

it('exports the result as DICOM from its button and links the files written', async () => {
  const onexportdicom = vi.fn();
  const view = render(AiResultPanel, { ...common, result, onexportdicom });
  await fireEvent.click(screen.getByRole('button', { name: 'Export DICOM' }));
  expect(onexportdicom).toHaveBeenCalledTimes(1);
  expect(screen.queryByRole('list', { name: 'Exported files' })).toBeNull();
  await view.rerender({
    ...common,
    result,
    onexportdicom,
    exported: [{ path: '/lib/exports/run-2/dicom-study-1/result-3-anomaly-map.dcm', href: '/e/x' }],
  });
  const link = screen.getByRole('link', { name: 'result-3-anomaly-map.dcm' });
  expect(link.getAttribute('href')).toBe('/e/x');
});

it('has no export button without a result or without the handler', () => {
  render(AiResultPanel, { ...common, result });
  expect(screen.queryByRole('button', { name: 'Export DICOM' })).toBeNull();
  render(AiResultPanel, { ...common, result: null, onexportdicom: () => {} });
  expect(screen.queryByRole('button', { name: 'Export DICOM' })).toBeNull();
});

// A made-up measurement, in the shape the lead adds to models/preset.json.
const measured = {
  sensitivity: { value: 0.5, low: 0.33, high: 0.67, n: 32, set: 'test split pathological' },
  specificity: { value: 0.95, low: 0.85, high: 0.99, n: 41, set: 'val + held-out healthy' },
};
const classifierPreset = {
  noiseLevel: 100,
  stride: 10,
  guidanceScale: 60,
  encoding: 'noise',
  imageScore: 'classifier',
  imageScoreThreshold: 0.3,
};

it('shows beside the verdict how often it is right, with intervals and n, from the preset', () => {
  render(AiResultPanel, {
    ...common,
    result,
    preset: { ...classifierPreset, verdictPerformance: measured },
  });
  expect(screen.getByTestId('ai-verdict').textContent).toBe('pathological');
  const line = screen.getByTestId('verdict-performance').textContent ?? '';
  expect(line).toContain('sensitivity 0.50 (95 % CI 0.33–0.67; n = 32, test split pathological)');
  expect(line).toContain('specificity 0.95 (95 % CI 0.85–0.99; n = 41, val + held-out healthy)');
  // The score is named as what the preset uses: the classifier's probability.
  expect(screen.getByText(/Classifier p\(pathological\)/)).toBeTruthy();
});

it('says the verdict has not been measured when the preset has no performance', () => {
  render(AiResultPanel, { ...common, result, preset: classifierPreset });
  expect(screen.getByTestId('verdict-performance').textContent).toMatch(/not been measured/);
});

it('accepts the AI verdict from its button', async () => {
  const onaccept = vi.fn();
  render(AiResultPanel, { ...common, result, onaccept });
  await fireEvent.click(screen.getByRole('button', { name: /Accept: pathological/ }));
  expect(onaccept).toHaveBeenCalledWith('pathological');
});

it('says why a slice of a reconstructed study has no result, instead of "no reconstruction yet"', async () => {
  const reason = 'outside the mid-axial slab the models know: it lies at 20% of the head';
  const view = render(AiResultPanel, {
    ...common,
    result: null,
    skipped: { kind: 'outside-domain', reason },
    studyMapped: true,
  });
  expect(screen.getByTestId('ai-slice-skipped').textContent).toContain(
    `The run left this slice out: ${reason}. The study score comes from its mapped slices`,
  );
  expect(screen.queryByText(/No reconstruction of this study yet/)).toBeNull();
  // Another run's slice with no result and no reason: the study is still reconstructed.
  await view.rerender({ ...common, result: null, skipped: null, studyMapped: true });
  expect(screen.getByText(/No AI result on this slice/)).toBeTruthy();
  expect(screen.queryByText(/No reconstruction of this study yet/)).toBeNull();
  // A study no run has mapped.
  await view.rerender({ ...common, result: null, skipped: null, studyMapped: false });
  expect(screen.getByText(/No reconstruction of this study yet/)).toBeTruthy();
});
