import { describe, expect, it } from 'vitest';
import { classifierProbabilities } from '../../src-main/jobs/reconstructImages.ts';
import type { SliceResult } from '../../src-main/engine/index.ts';

type Engine = Parameters<typeof classifierProbabilities>[0];
type Classifier = Parameters<typeof classifierProbabilities>[1];

/** An engine whose classifier says 0.25 for every slice and counts its calls. */
function countingEngine() {
  const calls: number[] = [];
  const engine = {
    pathologicalProbability: (_c: unknown, slices: unknown[], t: number) => {
      calls.push(t);
      return new Float32Array(slices.length).fill(0.25);
    },
  } as unknown as Engine;
  return { engine, calls };
}

const result = (p?: number): SliceResult => ({
  reconstruction: new Float32Array(4),
  sliceMap: new Float32Array(4),
  brainMask: new Uint8Array(4),
  score: p ?? 3,
  ...(p === undefined ? {} : { classifierProbability: p }),
});
const slices = [new Float32Array(4), new Float32Array(4)] as never[];
const classifier = {} as Classifier;

describe("a batch's classifier probabilities", () => {
  it('are taken from the results when the image score already is the classifier', () => {
    const { engine, calls } = countingEngine();
    const p = classifierProbabilities(engine, classifier, slices, [result(0.9), result(0.1)]);
    expect(Array.from(p)).toEqual([Math.fround(0.9), Math.fround(0.1)]);
    expect(calls).toEqual([]);
  });

  it('are computed once, at t = 0, when any result lacks one', () => {
    const { engine, calls } = countingEngine();
    const p = classifierProbabilities(engine, classifier, slices, [result(0.9), result()]);
    expect(Array.from(p)).toEqual([0.25, 0.25]);
    expect(calls).toEqual([0]);
  });
});
