/**
 * The reading session over one worklist: when each case came on screen and was decided, what
 * the reader, the AI and the reference said, the order of the reader's label edits (so Ctrl+Z
 * after a verdict key undoes that verdict, back on its case) and whether the end-of-list summary
 * is showing.
 */
import type { Verdict } from '../api/types.ts';
import type { CaseRead } from './summary.ts';

export const worklist = $state({
  reads: {} as Record<number, CaseRead>,
  /** ms timestamps of each case's first time on screen. */
  shownAt: {} as Record<number, number>,
  /** Study ids in the order the reader edited their labels; the last is undone first. */
  edits: [] as number[],
  summaryOpen: false,
});

export function startWorklist(): void {
  worklist.reads = {};
  worklist.shownAt = {};
  worklist.edits = [];
  worklist.summaryOpen = false;
}

function readOf(studyId: number): CaseRead {
  return (
    worklist.reads[studyId] ?? {
      studyId,
      reader: null,
      ai: null,
      reference: null,
      secondsToVerdict: null,
    }
  );
}

/** A case is on screen: what the AI and the reference say, and when the reader first saw it. */
export function caseShown(
  studyId: number,
  seen: { reader: Verdict | null; ai: Verdict | null; reference: Verdict | null },
  now = Date.now(),
): void {
  if (worklist.shownAt[studyId] === undefined) worklist.shownAt[studyId] = now;
  worklist.reads[studyId] = { ...readOf(studyId), ...seen };
}

/** The reader's verdict on a case changed (given, corrected or undone). */
export function verdictChanged(studyId: number, reader: Verdict | null, now = Date.now()): void {
  const read = readOf(studyId);
  const shown = worklist.shownAt[studyId];
  const secondsToVerdict =
    read.secondsToVerdict ?? (reader !== null && shown !== undefined ? (now - shown) / 1000 : null);
  worklist.reads[studyId] = { ...read, reader, secondsToVerdict };
}

/** The reader kept a measurement on a case: it goes into the worklist's CSV. */
export function measurementKept(studyId: number, text: string): void {
  const read = readOf(studyId);
  worklist.reads[studyId] = { ...read, measurements: [...(read.measurements ?? []), text] };
}

/** The worklist's cases in reading order, each with what is known of it. */
export function readsInOrder(queue: readonly number[]): CaseRead[] {
  return queue.map(readOf);
}
