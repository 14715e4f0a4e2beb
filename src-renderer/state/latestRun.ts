/** The run the views show by default: the newest finished one, else the newest at all. */
import type { Run } from '../api/types.ts';

export function latestRunId(runs: readonly Run[]): number | null {
  const newest = (list: readonly Run[]) =>
    list.reduce<Run | null>((a, b) => (a === null || b.id > a.id ? b : a), null)?.id ?? null;
  return newest(runs.filter((r) => r.status === 'done')) ?? newest(runs);
}
