/**
 * Which annotation calls bring the library in line with the boxes of the draft. Undo/redo only
 * change the draft; this plan is what is sent, so an undone box is deleted on the server and a
 * redone one is added again.
 */
import type { Box } from '../../api/types.ts';
import type { DraftBox } from './labelDraft.ts';

export interface SavedBox {
  annotationId: number;
  finding: string | null;
  box: Box;
}

export interface AnnotationSyncPlan {
  add: DraftBox[];
  update: { annotationId: number; key: string; finding: string | null; box: Box }[];
  remove: { annotationId: number; key: string }[];
}

function sameBox(a: Box, b: Box): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}

/** `saved` maps each draft key already in the library to what the library holds for it. */
export function planAnnotationSync(
  boxes: readonly DraftBox[],
  saved: ReadonlyMap<string, SavedBox>,
): AnnotationSyncPlan {
  const plan: AnnotationSyncPlan = { add: [], update: [], remove: [] };
  const keys = new Set(boxes.map((b) => b.key));
  for (const box of boxes) {
    const stored = saved.get(box.key);
    if (!stored) plan.add.push(box);
    else if (stored.finding !== box.finding || !sameBox(stored.box, box.box)) {
      plan.update.push({
        annotationId: stored.annotationId,
        key: box.key,
        finding: box.finding,
        box: box.box,
      });
    }
  }
  for (const [key, stored] of saved) {
    if (!keys.has(key)) plan.remove.push({ annotationId: stored.annotationId, key });
  }
  return plan;
}
