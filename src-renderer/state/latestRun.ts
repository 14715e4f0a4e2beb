/**
 * The run the views show by default: the newest finished guided run. The unguided ablation
 * (s = 0) is a comparison made beside it, so it is only the default when nothing else is there.
 */
import type { Run } from '../api/types.ts';

const newest = (runs: readonly Run[]): number | null =>
  runs.reduce<Run | null>((a, b) => (a === null || b.id > a.id ? b : a), null)?.id ?? null;

export function latestRunId(runs: readonly Run[]): number | null {
  const done = runs.filter((r) => r.status === 'done');
  const guided = done.filter((r) => r.settings.guidanceScale !== 0);
  return newest(guided) ?? newest(done) ?? newest(runs);
}
