/** Navigation state shared by the views (Svelte 5 runes in a module). */
import type { ViewName } from './session.ts';

export type NextCaseOrder = 'score' | 'uncertainty';

export const navigation = $state({
  view: 'library' as ViewName,
  /** Studies ticked in Library, for Run. */
  selectedStudyIds: [] as number[],
  /** The cases Review walks through with the arrow keys, in Library's order. */
  reviewQueue: [] as number[],
  reviewIndex: 0,
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

export function openReview(queue: number[], index: number): void {
  navigation.reviewQueue = queue;
  navigation.reviewIndex = Math.max(0, Math.min(queue.length - 1, index));
  navigation.view = 'review';
}
