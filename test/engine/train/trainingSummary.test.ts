/**
 * WORK/summary.json: the mean loss per window of steps and the seconds at each window's end,
 * kept from an earlier run's summary or raw log, so the raw log need not be committed.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  recordedSeconds,
  summariseTraining,
  writeTrainingSummary,
} from '../../../src-main/engine/train/trainingSummary.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'anomap-training-summary-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the training summary', () => {
  it('averages the loss over each window of steps, the last one shorter', () => {
    const summary = summariseTraining([1, 2, 3, 4, 5, 6, 7], 12.4, new Map([[3, 5]]), 3);
    expect(summary).toMatchObject({ steps: 7, wallSeconds: 12, every: 3 });
    expect(summary.windows).toEqual([
      { toStep: 3, meanLoss: 2, seconds: 5 },
      { toStep: 6, meanLoss: 5, seconds: null },
      { toStep: 7, meanLoss: 7, seconds: null },
    ]);
  });

  it("keeps the seconds of an earlier run's summary, and the raw log's where both have them", async () => {
    const work = join(root, 'resumed');
    await mkdir(work, { recursive: true });
    const earlier = summariseTraining(
      [1, 1, 1, 1],
      40,
      new Map([
        [2, 20],
        [4, 40],
      ]),
      2,
    );
    await writeTrainingSummary(work, earlier);
    await writeFile(
      join(work, 'log.jsonl'),
      '{"step":4,"loss":1,"seconds":41}\n{"step":5,"loss":1,"seconds":50}\n',
    );
    expect(await recordedSeconds(work)).toEqual(
      new Map([
        [2, 20],
        [4, 41],
        [5, 50],
      ]),
    );
  });

  it('names the file and the line of a malformed log', async () => {
    const work = join(root, 'bad');
    await mkdir(work, { recursive: true });
    await writeFile(join(work, 'log.jsonl'), '{"step":1,"loss":1,"seconds":1}\n{"step":2,\n');
    await expect(recordedSeconds(work)).rejects.toThrow(
      /bad\/log\.jsonl: line 2 is not a training step/,
    );
    await writeFile(join(work, 'log.jsonl'), '');
    await writeFile(join(work, 'summary.json'), '{"format":"other"}');
    await expect(recordedSeconds(work)).rejects.toThrow(
      /bad\/summary\.json: not a training summary/,
    );
  });

  it('gives no seconds for a folder with neither file', async () => {
    expect(await recordedSeconds(join(root, 'nothing'))).toEqual(new Map());
  });
});
