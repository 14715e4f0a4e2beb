import { InvalidArgumentError } from 'commander';

export function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`"${value}" is not an integer`);
  return n;
}

/** Slices or images processed together: at least one, and no more than a job takes. */
export function batchSize(value: string): number {
  const n = integer(value);
  if (n < 1 || n > 1024)
    throw new InvalidArgumentError(`"${value}" is not a batch size (1 to 1024)`);
  return n;
}

export function number(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`"${value}" is not a number`);
  return n;
}

export function parseChannels(value: string): number[] {
  return value.split(',').map((v) => integer(v.trim()));
}

export function parseFlags(value: string): boolean[] {
  return value.split(',').map((v) => {
    if (v.trim() !== '0' && v.trim() !== '1')
      throw new InvalidArgumentError(`"${value}" must be a list of 0 and 1`);
    return v.trim() === '1';
  });
}

/** Engine processes a training may use: one, or two splitting each batch; nothing else runs. */
export function processCount(value: string): 1 | 2 {
  if (value !== '1' && value !== '2')
    throw new InvalidArgumentError(`"${value}" engine processes: training runs with 1 or 2`);
  return value === '2' ? 2 : 1;
}

/** Which healthy images calibrate the image operating point (calibrate, evaluate). */
export function parseImageCalibration(value: string): 'holdout' | 'none' {
  if (value !== 'holdout' && value !== 'none')
    throw new InvalidArgumentError(`expected holdout or none, got "${value}"`);
  return value;
}
