/** Navigation state shared by the views (Svelte 5 runes in a module). */
import { newSeed, shuffled } from '../worklist/shuffle.ts';
import { startWorklist, worklist } from '../worklist/worklist.svelte.ts';
import type { ViewName } from './session.ts';

export type NextCaseOrder = 'score' | 'uncertainty';

export const navigation = $state({
  view: 'library' as ViewName,
  /** Studies ticked in Library, for Run. */
  selectedStudyIds: [] as number[],
  /** The cases Review walks through with the arrow keys: Library's order, or shuffled. */
  reviewQueue: [] as number[],
  reviewIndex: 0,
  /** The worklist in the order it was listed, before any shuffle. */
  listedQueue: [] as number[],
  /** Read worklists in a seeded random order (a reader's choice, kept for the next list). */
  shuffle: false,
  /** The seed of the current worklist's order; null when read as listed. */
  seed: null as number | null,
  /** Run whose results Review and Evaluate show; null means the latest. */
  runId: null as number | null,
  /** Evaluation Evaluate shows (a job id), when one was opened from the job tray. */
  evaluationId: null as string | null,
  /**
   * The "next case to label" order, chosen in Library and followed by Review when it is opened
   * without a queue: highest anomaly score first, or the classifier's most uncertain first.
   */
  nextCaseOrder: 'score' as NextCaseOrder,
  helpOpen: false,
  /** Studies whose reference label the reader has revealed (after deciding); others read blind. */
  revealedStudyIds: [] as number[],
});

/**
 * Opens Review on a worklist. Shuffled (when the reader chose it), the list starts at its first
 * case in the new order, since the point is not to know what comes next.
 */
export function openReview(queue: number[], index: number): void {
  navigation.listedQueue = [...queue];
  navigation.seed = navigation.shuffle ? newSeed() : null;
  navigation.reviewQueue = navigation.seed === null ? [...queue] : shuffled(queue, navigation.seed);
  navigation.reviewIndex =
    navigation.seed === null ? Math.max(0, Math.min(queue.length - 1, index)) : 0;
  startWorklist();
  navigation.view = 'review';
}

/**
 * Switches the open worklist between its listed and a shuffled order: before the first verdict
 * the list starts over at its new first case; once reading has begun it stays on the same case.
 */
export function setShuffle(on: boolean, seed: number = newSeed()): void {
  navigation.shuffle = on;
  const current = navigation.reviewQueue[navigation.reviewIndex];
  if (navigation.listedQueue.length === 0) navigation.listedQueue = [...navigation.reviewQueue];
  navigation.seed = on ? seed : null;
  navigation.reviewQueue = on
    ? shuffled(navigation.listedQueue, seed)
    : [...navigation.listedQueue];
  navigation.reviewIndex =
    worklist.edits.length === 0 ? 0 : Math.max(0, navigation.reviewQueue.indexOf(current));
}
