import { describe, expect, it } from 'vitest';
import {
  coresBusy,
  formatCpuTable,
  formatSpread,
  formatTable,
  inUnit,
  interleavedSchedule,
  measures,
  measuresFor,
  quantile,
  ratioOfMedians,
  spreadOf,
  summarizeMeasure,
  verdict,
  type NetworkCost,
} from '../../bench/interleave.ts';

const byId = (id: string) => measures.find((m) => m.id === id)!;
const cost: NetworkCost = {
  unetFlopsPerSlice: 1e9,
  classifierFlopsPerSlice: 0.5e9,
  reconstructionSteps: 5,
};

describe('interleaved schedule', () => {
  it('runs every contender in turn for each measure, round after round', () => {
    const order = interleavedSchedule(
      2,
      ['forwardBatch1', 'trainStepBatch8'],
      ['tensorflow', 'wasm', 'torch'],
    );
    expect(order.map((s) => `${s.round}:${s.measure}:${s.contender}`)).toEqual([
      '0:forwardBatch1:tensorflow',
      '0:forwardBatch1:wasm',
      '0:forwardBatch1:torch',
      '0:trainStepBatch8:tensorflow',
      '0:trainStepBatch8:wasm',
      '0:trainStepBatch8:torch',
      '1:forwardBatch1:tensorflow',
      '1:forwardBatch1:wasm',
      '1:forwardBatch1:torch',
      '1:trainStepBatch8:tensorflow',
      '1:trainStepBatch8:wasm',
      '1:trainStepBatch8:torch',
    ]);
  });

  it('leaves out a contender that is not present and refuses zero rounds', () => {
    const order = interleavedSchedule(3, ['forwardBatch8'], ['tensorflow', 'wasm']);
    expect(order).toHaveLength(6);
    expect(order.every((s) => s.contender !== 'torch')).toBe(true);
    expect(() => interleavedSchedule(0, ['forwardBatch8'], ['wasm'])).toThrow(/rounds/);
  });

  it('--quick keeps the forward passes and the train step only', () => {
    expect(measuresFor(true).map((m) => m.id)).toEqual([
      'forwardBatch1',
      'forwardBatch8',
      'trainStepBatch8',
    ]);
    expect(measuresFor(false)).toHaveLength(measures.length);
  });
});

describe('statistics', () => {
  it('median and quartiles interpolate between order statistics (numpy default)', () => {
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    // numpy.quantile([1, 2, 3, 4, 10], [0.25, 0.75]) = [2, 4]
    expect(quantile([10, 1, 4, 2, 3], 0.25)).toBe(2);
    expect(quantile([10, 1, 4, 2, 3], 0.75)).toBe(4);
    expect(quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
    expect(() => quantile([], 0.5)).toThrow(/no values/);
  });

  it('spread gives median, min, max and the interquartile range', () => {
    expect(spreadOf([30, 10, 20, 50, 40])).toEqual({
      n: 5,
      median: 30,
      min: 10,
      max: 50,
      q1: 20,
      q3: 40,
    });
  });

  it('ratio is median over median, null when a side is missing', () => {
    expect(ratioOfMedians(spreadOf([13, 12, 14]), spreadOf([10, 9, 11]))).toBeCloseTo(1.3, 12);
    expect(ratioOfMedians(null, spreadOf([1]))).toBeNull();
    expect(ratioOfMedians(spreadOf([1]), null)).toBeNull();
  });

  it('a ratio at the target meets it, above misses it', () => {
    expect(verdict(1.3, 1.3)).toBe('met');
    expect(verdict(1.31, 1.3)).toBe('missed');
    expect(verdict(null, 1.3)).toBe('not measured');
    expect(verdict(5, null)).toBe('');
  });
});

describe('summaries', () => {
  it('reports reconstructions in seconds per slice and GFLOP/s from the median', () => {
    const measure = byId('reconstructDdimBatch8');
    expect(inUnit(measure, 8000)).toBe(1);
    const summary = summarizeMeasure(
      measure,
      {
        tensorflow: { milliseconds: [8000, 12000, 16000], cpuMilliseconds: [8000, 12000, 24000] },
        torch: { milliseconds: [8000, 8000, 8000], cpuMilliseconds: [16000, 16000, 16000] },
      },
      cost,
    );
    expect(summary.spread.tensorflow).toMatchObject({ median: 1.5, min: 1, max: 2 });
    expect(summary.ratioVsTorch.tensorflow).toBeCloseTo(1.5, 12);
    expect(summary.ratioVsTorch.wasm).toBeNull();
    expect(summary.tensorflowVerdict).toBe('missed');
    // 8 slices x (5 encode + 5 decode UNet passes + 5 x 3 classifier passes of 0.5 GFLOP)
    const flops = 8 * (10 * 1e9 + 15 * 0.5e9);
    expect(summary.achievedGflopsPerSecond.torch).toBeCloseTo(flops / 8 / 1e9, 9);
    expect(summary.cpuSpread.tensorflow).toMatchObject({ median: 1.5, max: 3 });
    expect(summary.cpuRatioVsTorch.tensorflow).toBeCloseTo(0.75, 12);
    expect(summary.coresBusy).toEqual({ tensorflow: 1, torch: 2 });
    expect(summary.gflopsPerCpuSecond.torch).toBeCloseTo(flops / 16 / 1e9, 9);
    expect(formatCpuTable([summary]).split('\n')[2]).toBe(
      '| guided reconstruction, preset, DDIM encoding, 8 slices, s/slice | 1.50 s (1.00-3.00) | - | 2.00 s (2.00-2.00) | 0.75x | - | 1.00, -, 2.00 |',
    );
  });

  it('the table shows median (min-max), ratios, target and verdict, RSS and tensors', () => {
    const forward = summarizeMeasure(
      byId('forwardBatch8'),
      {
        tensorflow: { milliseconds: [110, 100, 120] },
        wasm: { milliseconds: [900, 1000, 950] },
        torch: { milliseconds: [100, 90, 95] },
      },
      cost,
    );
    const table = formatTable(
      [forward],
      [
        { contender: 'tensorflow', peakRssMegabytes: 700, tensorsBefore: 0, tensorsAfter: 0 },
        { contender: 'wasm', peakRssMegabytes: 1600, tensorsBefore: 0, tensorsAfter: 2 },
      ],
    );
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^\| measure \| Anomap tensorflow/);
    expect(lines[2]).toBe(
      '| UNet forward, batch 8 | 110 ms (100-120) | 950 ms (900-1000) | 95.0 ms (90.0-100) | 1.16x | 10.00x | <= 1.3x | met |',
    );
    expect(lines[3]).toContain('| 700 MB | 1600 MB | - |');
    expect(lines[3]).toMatch(/\| missed \|$/);
    expect(lines[4]).toMatch(/\| 0 \/ 0 \| 0 \/ 2 \| - \|.*\| missed \|$/);
  });

  it("counts wasm's guidance process in the backend's memory", () => {
    const forward = summarizeMeasure(
      byId('forwardBatch8'),
      {
        tensorflow: { milliseconds: [100] },
        wasm: { milliseconds: [900] },
      },
      cost,
    );
    const memory = (helper: number) =>
      formatTable(
        [forward],
        [
          { contender: 'tensorflow', peakRssMegabytes: 1100, tensorsBefore: 0, tensorsAfter: 0 },
          {
            contender: 'wasm',
            peakRssMegabytes: 800,
            helperPeakRssMegabytes: helper,
            tensorsBefore: 0,
            tensorsAfter: 0,
          },
        ],
      ).split('\n')[3];
    expect(memory(500)).toContain('| 1100 MB | 800 + 500 MB |');
    expect(memory(500)).toMatch(/\| met \|$/);
    // Each process alone is under 1536 MB; together they are not.
    expect(memory(800)).toMatch(/\| missed \|$/);
  });

  it('formats a missing contender as a dash', () => {
    expect(formatSpread(undefined, 'ms')).toBe('-');
    expect(formatSpread(spreadOf([1.234, 1.5]), 's/slice')).toBe('1.37 s (1.23-1.50)');
  });
});

describe('cores busy', () => {
  it('is the median of CPU time over wall time, null without CPU times', () => {
    expect(
      coresBusy([
        { milliseconds: 100, cpuMilliseconds: 190 },
        { milliseconds: 100, cpuMilliseconds: 100 },
        { milliseconds: 200, cpuMilliseconds: 300 },
      ]),
    ).toBe(1.5);
    expect(coresBusy([{ milliseconds: 100 }])).toBeNull();
  });
});
