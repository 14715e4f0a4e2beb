import { InvalidArgumentError } from 'commander';

export function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`"${value}" is not an integer`);
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
