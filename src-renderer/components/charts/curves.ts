/** ROC and PR points of an evaluation as chart series points ([x, y], x ascending). */
import type { VariantMetrics } from '../../../src-main/contract/index.ts';

export function rocPoints(metrics: VariantMetrics): [number, number][] {
  return metrics.roc.map((p): [number, number] => [p.fpr, p.tpr]).sort((a, b) => a[0] - b[0]);
}

export function prPoints(metrics: VariantMetrics): [number, number][] {
  return metrics.pr
    .map((p): [number, number] => [p.recall, p.precision])
    .sort((a, b) => a[0] - b[0]);
}
