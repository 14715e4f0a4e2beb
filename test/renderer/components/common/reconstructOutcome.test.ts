import { describe, expect, it } from 'vitest';
import { reconstructOutcome } from '../../../../src-renderer/components/common/reconstructOutcome.ts';

const left = (kind: 'outside-domain' | 'blank', imageId: number) => ({
  studyId: 1,
  imageId,
  kind,
  reason: kind,
});

describe('the outcome of a reconstruction in words', () => {
  it('counts the slices mapped and those left out, by reason', () => {
    expect(
      reconstructOutcome({
        runId: 1,
        unguidedRunId: null,
        mapped: 1,
        skipped: [left('blank', 2), left('blank', 3)],
      }),
    ).toBe('1 slice mapped, 2 left out (blank 2)');
    expect(reconstructOutcome({ runId: 1, unguidedRunId: 2, mapped: 12, skipped: [] })).toBe(
      '12 slices mapped',
    );
  });

  it('says only what was left out for a job saved before the mapped count, and nothing for another result', () => {
    expect(
      reconstructOutcome({ runId: 1, unguidedRunId: null, skipped: [left('outside-domain', 4)] }),
    ).toBe('1 left out (outside the slab 1)');
    expect(reconstructOutcome({ runId: 1, unguidedRunId: null, skipped: [] })).toBeNull();
    expect(reconstructOutcome({ imported: 3 })).toBeNull();
    expect(reconstructOutcome(null)).toBeNull();
  });
});
