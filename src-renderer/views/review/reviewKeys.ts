/**
 * What Review does with a shortcut of the table (keyboard/shortcuts.ts). A focused control keeps
 * the keys it uses itself; on the end-of-list summary only going back and undo work.
 */
import { actionForKey, controlTakesKey, type ShortcutMatch } from '../../keyboard/shortcuts.ts';
import { navigation } from '../../state/navigation.svelte.ts';
import { worklist } from '../../worklist/worklist.svelte.ts';

/** Does the action; false when Review has nothing to do with it (the key is left alone). */
export type ReviewActions = (match: ShortcutMatch) => boolean;

/** Keys that work on the end-of-list summary: back to the list, or undo the last verdict. */
function onSummaryKey(action: string, undoLast: () => void): boolean {
  if (action === 'undo') undoLast();
  else if (action === 'previousCase') worklist.summaryOpen = false;
  else return false;
  return true;
}

export function reviewKeydown(
  event: KeyboardEvent,
  actions: ReviewActions,
  undoLast: () => void,
): void {
  if (navigation.helpOpen || controlTakesKey(event.target, event)) return;
  const match = actionForKey(event);
  if (!match) return;
  const done = worklist.summaryOpen ? onSummaryKey(match.action, undoLast) : actions(match);
  if (done) event.preventDefault();
}
