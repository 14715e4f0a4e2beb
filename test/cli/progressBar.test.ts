import { describe, expect, it } from 'vitest';
import { progressBar } from '../../src-main/cli/progressBar.ts';

function recorder(isTTY: boolean) {
  const lines: string[] = [];
  return { lines, stream: { isTTY, write: (text: string) => lines.push(text) > 0 } };
}

const step = (done: number, total = 1000) => ({ phase: 'evaluate', done, total, etaSeconds: 5 });

describe('the progress bar', () => {
  it('off a terminal writes a line per tenth of the way, not one per step', () => {
    const { lines, stream } = recorder(false);
    let clock = 0;
    const report = progressBar(stream, () => clock);
    for (let done = 1; done <= 1000; done++) {
      clock += 10;
      report(step(done));
    }
    // One as each tenth (0% .. 90%) is entered, and 100% at the end: 11 of 1000 steps.
    expect(lines).toHaveLength(11);
    expect(lines.at(-1)).toMatch(/100% 1000\/1000/);
    expect(lines.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
  });

  it('off a terminal also writes a line once a minute when the tenth does not change', () => {
    const { lines, stream } = recorder(false);
    let clock = 0;
    const report = progressBar(stream, () => clock);
    report(step(1));
    clock += 30_000;
    report(step(2));
    clock += 31_000;
    report(step(3));
    expect(lines.map((line) => line.match(/ (\d+)\/1000/)![1])).toEqual(['1', '3']);
  });

  it('on a terminal redraws one line in place', () => {
    const { lines, stream } = recorder(true);
    let clock = 0;
    const report = progressBar(stream, () => clock);
    for (let done = 1; done <= 10; done++) {
      clock += 250;
      report(step(done, 10));
    }
    expect(lines.filter((line) => line.startsWith('\r'))).toHaveLength(10);
    expect(lines.at(-1)).toBe('\n');
  });
});
