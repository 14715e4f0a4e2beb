import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  progressPercent,
  progressText,
} from '../../../../src-renderer/components/common/progressText.ts';

const progress = (done: number, total: number, etaSeconds: number | null = 125) => ({
  phase: 'reconstruct',
  done,
  total,
  etaSeconds,
});

describe('progress in whole numbers', () => {
  it('shows done and total as whole numbers with a whole percent', () => {
    expect(progressText(progress(1.3333333333333333, 124), 'running')).toBe(
      'reconstruct: 1 / 124 · 1 % · about 2 min 05 s left',
    );
    expect(progressText(progress(1.8, 4, null), 'running')).toBe('reconstruct: 1 / 4 · 45 %');
    expect(progressPercent(progress(123.9, 124))).toBe(99);
  });

  it('shows no counts or ETA once a job failed, or before it counted anything', () => {
    expect(progressText(progress(0, 0), 'failed')).toBe('failed');
    expect(progressText(progress(3, 10), 'cancelled')).toBe('cancelled');
    expect(progressText(progress(0, 0), 'running')).toBe('starting…');
    expect(progressText(null, 'queued')).toBe('waiting to start');
  });

  it('writes durations in minutes and hours', () => {
    expect(formatDuration(59.4)).toBe('59 s');
    expect(formatDuration(3725)).toBe('1 h 02 min');
    expect(formatDuration(null)).toBe('…');
  });
});
