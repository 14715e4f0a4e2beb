/**
 * Agreement between two readers (the reader and the reference) on the same studies: the
 * contingency table, the observed agreement and Cohen's kappa (Cohen 1960),
 *   kappa = (p_o - p_e) / (1 - p_e),
 * with p_o the share of studies on which both gave the same verdict and p_e the agreement
 * expected by chance from each reader's own verdict frequencies, sum_k (a_k / n) (b_k / n).
 * Pure: in the contract so the library (over the whole library) and the renderer (over one
 * worklist) count agreement the same way.
 */

export interface Agreement<C extends string> {
  categories: C[];
  /** table[i][j]: studies the reader called categories[i] and the reference categories[j]. */
  table: number[][];
  pairs: number;
  agreed: number;
  /** p_o; null without pairs. */
  observed: number | null;
  /** p_e; null without pairs. */
  expected: number | null;
  /** null without pairs, or when chance agreement is already certain (p_e = 1). */
  kappa: number | null;
}

export function cohensKappa<C extends string>(
  pairs: readonly (readonly [reader: C, reference: C])[],
  categories: readonly C[],
): Agreement<C> {
  const index = new Map(categories.map((c, i) => [c, i]));
  const table = categories.map(() => categories.map(() => 0));
  for (const [a, b] of pairs) {
    const i = index.get(a);
    const j = index.get(b);
    if (i === undefined || j === undefined)
      throw new Error(
        `cohensKappa: "${i === undefined ? a : b}" is not one of ${categories.join(', ')}`,
      );
    table[i][j]++;
  }
  const n = pairs.length;
  const agreed = categories.reduce((sum, _, k) => sum + table[k][k], 0);
  if (n === 0)
    return {
      categories: [...categories],
      table,
      pairs: 0,
      agreed: 0,
      observed: null,
      expected: null,
      kappa: null,
    };
  const observed = agreed / n;
  const expected = categories.reduce((sum, _, k) => {
    const readerShare = table[k].reduce((s, v) => s + v, 0) / n;
    const referenceShare = table.reduce((s, row) => s + row[k], 0) / n;
    return sum + readerShare * referenceShare;
  }, 0);
  const kappa = expected >= 1 ? null : (observed - expected) / (1 - expected);
  return { categories: [...categories], table, pairs: n, agreed, observed, expected, kappa };
}
