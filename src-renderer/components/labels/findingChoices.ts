/**
 * Findings offered when labelling: the library's vocabulary (listFindings: fastMRI+ names and
 * more), then any finding already on the study that the vocabulary lacks, so none is lost.
 */
export function findingChoices(
  vocabulary: readonly string[],
  onStudy: readonly (string | null)[],
): string[] {
  const extra = onStudy.filter((f): f is string => f !== null && f.trim() !== '');
  return [...new Set([...vocabulary, ...extra])];
}

/** Vocabulary names are stored snake_case (fastMRI+); people read them with spaces. */
export function readableFinding(finding: string): string {
  return finding.replaceAll('_', ' ');
}
