/**
 * What a finished reconstruction did, in words for the job tray and the Run view: how many
 * slices it mapped and how many it left out, by reason ("55 slices mapped, 134 left out
 * (outside the slab 130, blank 4)").
 */
import { ReconstructResultSchema } from '../../../src-main/contract/index.ts';

const kindWords = { 'outside-domain': 'outside the slab', blank: 'blank' } as const;

/** The outcome of a reconstruct job's result; null when the result is not one. */
export function reconstructOutcome(result: unknown): string | null {
  const parsed = ReconstructResultSchema.safeParse(result);
  if (!parsed.success) return null;
  const { mapped, skipped } = parsed.data;
  const parts: string[] = [];
  // Results saved before the count was kept say only what was left out.
  if (mapped !== undefined) parts.push(`${mapped} slice${mapped === 1 ? '' : 's'} mapped`);
  if (skipped.length > 0) {
    const byKind = (Object.keys(kindWords) as (keyof typeof kindWords)[])
      .map((kind) => [kind, skipped.filter((slice) => slice.kind === kind).length] as const)
      .filter(([, count]) => count > 0)
      .map(([kind, count]) => `${kindWords[kind]} ${count}`);
    parts.push(`${skipped.length} left out (${byKind.join(', ')})`);
  }
  return parts.length > 0 ? parts.join(', ') : null;
}
