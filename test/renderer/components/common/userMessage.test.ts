import { describe, expect, it } from 'vitest';
import { userMessage } from '../../../../src-renderer/components/common/userMessage.ts';
import { ApiError } from '../../../../src-main/contract/index.ts';

describe("error messages in the user's words", () => {
  it("says an import's unreadable path and a split with no images in the reader's words", () => {
    expect(userMessage('cannot open: ENOENT')).toBe(
      'It does not exist, or Anomap cannot see it. Check the path.',
    );
    expect(
      userMessage('/lib/datasets/evaluate-01ad/manifest.csv: no images in split "nosuchsplit"'),
    ).toBe(
      'The data has no images in a split called "nosuchsplit". Pick one of the splits it has.',
    );
  });

  it('says which setting is out of range instead of the zod path', () => {
    expect(
      userMessage(
        new ApiError(
          'bad-request',
          'invalid params of startJob: spec.settings.noiseLevel: Too big: expected number to be <=999',
        ),
      ),
    ).toBe('The noise level L is too large (at most 999).');
    expect(
      userMessage('invalid params of startJob: spec.steps: Too small: expected number to be >=1'),
    ).toBe('The number of training steps is too small (at least 1).');
  });

  it('names the missing file rather than ENOENT', () => {
    expect(
      userMessage("cannot open: ENOENT: no such file or directory, open '/data/scan.png'"),
    ).toBe('/data/scan.png does not exist, or Anomap cannot see it. Check the path.');
    expect(userMessage('ENOENT')).toBe('A file or folder it needs does not exist. Check the path.');
  });

  it('explains a missing native backend package', () => {
    expect(
      userMessage("Cannot find package '@tensorflow/tfjs-node' imported from /app/backend.js"),
    ).toContain('@tensorflow/tfjs-node is not installed');
  });

  it('passes other messages through unchanged', () => {
    expect(userMessage(new Error('the run was cancelled'))).toBe('the run was cancelled');
  });
});
