import type { LabFindingF1 } from '../../contract/index.ts';
import { labCaseF1, type LabCaseF1, type LabCaseInput } from './labCaseF1.ts';

/** One finding's counts and mean per-image F1: a contract shape, as evaluations report it. */
export type { LabFindingF1 } from '../../contract/index.ts';

export interface LabF1Result {
  /** The cut-off in the lab's map units (value > mapCutoff is kept). */
  mapCutoff: number;
  cases: LabCaseF1[];
  perFinding: Record<string, LabFindingF1>;
  /** Mean over findings of the per-finding mean F1 ("course F1, lab"). */
  f1: number;
}

/**
 * The lab's F1 over many finding boxes (see labCaseF1): the per-image F1 is averaged over the
 * images of each finding, then the per-finding means are averaged, so a rare finding weighs as
 * much as a common one.
 */
export function labF1(cases: LabCaseInput[], mapCutoff: number): LabF1Result {
  if (cases.length === 0) throw new RangeError('labF1: no finding boxes to evaluate');
  const results = cases.map((item, index) => labCaseF1(item, mapCutoff, `case ${index}`));
  const groups = new Map<string, LabCaseF1[]>();
  for (const result of results)
    groups.set(result.findingName, [...(groups.get(result.findingName) ?? []), result]);
  const perFinding: Record<string, LabFindingF1> = {};
  for (const [name, group] of [...groups].sort(([a], [b]) => a.localeCompare(b)))
    perFinding[name] = {
      n: group.length,
      tp: group.reduce((sum, r) => sum + r.tp, 0),
      fp: group.reduce((sum, r) => sum + r.fp, 0),
      f1: group.reduce((sum, r) => sum + r.f1, 0) / group.length,
    };
  const means = Object.values(perFinding).map((f) => f.f1);
  return {
    mapCutoff,
    cases: results,
    perFinding,
    f1: means.reduce((sum, f) => sum + f, 0) / means.length,
  };
}
