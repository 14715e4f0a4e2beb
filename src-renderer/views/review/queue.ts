/**
 * The worklist Review walks: moving through it (past its last case, the end-of-list summary),
 * and the queue it opens on when none was given.
 */
import type { ApiClient } from '../../api/types.ts';
import type { LabelSession } from '../../components/labels/labelSession.svelte.ts';
import { latestRunId } from '../../state/latestRun.ts';
import { navigation, openReview } from '../../state/navigation.svelte.ts';
import { worklist } from '../../worklist/worklist.svelte.ts';

/** Moves `delta` cases through the worklist, once the open case's label is saved. */
export async function go(delta: number, session: LabelSession | null): Promise<void> {
  const next = navigation.reviewIndex + delta;
  if (next < 0) return;
  await session?.flush();
  if (next >= navigation.reviewQueue.length) {
    if (delta > 0 && navigation.reviewQueue.length > 0) worklist.summaryOpen = true;
    return;
  }
  navigation.reviewIndex = next;
}

/**
 * Opened without a queue: walk the unlabelled cases in the newest run, in the next-case order
 * chosen in Library (most anomalous first, or the classifier's most uncertain first).
 */
export function openDefaultQueue(api: ApiClient, onfailure: (e: unknown) => void): void {
  api
    .listRuns()
    .then((all) => {
      const runId = navigation.runId ?? latestRunId(all) ?? undefined;
      return api.listStudies({
        verdict: 'unlabelled',
        // Only the run's scored cases: a manifest evaluation's run covers a few of the
        // library's studies, and a queue of every study would open on one with no result.
        ...(runId === undefined
          ? { sort: 'created' }
          : { runId, scoreMin: 0, sort: navigation.nextCaseOrder, order: 'desc' }),
        limit: 1000,
      });
    })
    .then((page) => {
      if (navigation.reviewQueue.length > 0) return;
      openReview(
        page.studies.map((s) => s.id),
        0,
      );
    }, onfailure);
}
