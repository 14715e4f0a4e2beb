/**
 * The reader's label in Review: every edit (saved, journalled for Ctrl+Z, timed), verdicts that
 * move on, undo on this case or of the last edit wherever it was, redo, accepting the AI's
 * verdict, boxes drawn on the slice, revealing the reference once decided, and keeping a
 * measurement with the case.
 */
import type { ApiClient, Box, Verdict } from '../../api/types.ts';
import type { LabelEdit } from '../../components/labels/labelDraft.ts';
import { keptLabelSession } from '../../components/labels/labelSession.svelte.ts';
import { navigation } from '../../state/navigation.svelte.ts';
import { measurementKept, verdictChanged, worklist } from '../../worklist/worklist.svelte.ts';
import type { ReviewMeasurement } from './measurement.svelte.ts';
import { go } from './queue.ts';
import type { ReviewCase } from './reviewCase.svelte.ts';

export type VerdictEdit = Extract<LabelEdit, { kind: 'setVerdict' }>;

export class ReviewLabelling {
  /** None chosen until the reader picks one: a box must say what it marks. */
  boxFinding = $state('');
  /** Why the last key or box did nothing, until the next try. */
  notice = $state<string | null>(null);

  readonly revealed = $derived.by(() => {
    const { study } = this.shown;
    return study !== null && navigation.revealedStudyIds.includes(study.id);
  });

  private boxCount = 0;

  constructor(
    private readonly api: ApiClient,
    private readonly shown: ReviewCase,
  ) {}

  /** Moves through the worklist; past its last case, the end-of-list summary. */
  go(delta: number) {
    return go(delta, this.shown.session);
  }

  /** Every label edit of the reader goes through here: saved, journalled for Ctrl+Z, timed. */
  edit(edit: LabelEdit) {
    const { session, study } = this.shown;
    if (!session || !study) return;
    session.edit(edit);
    worklist.edits = [...worklist.edits, study.id];
    verdictChanged(study.id, session.draft.verdict);
  }

  async verdict(edit: VerdictEdit, advance: boolean) {
    this.edit(edit);
    if (advance) await this.go(1);
  }

  /** The AI panel's accept or reject: the reader's verdict, staying on the case. */
  take(v: Verdict) {
    void this.verdict({ kind: 'setVerdict', verdict: v, status: 'done' }, false);
  }

  /** Undo on this case only (the Undo button): drops this case's last entry from the journal. */
  undoHere() {
    const { session, study } = this.shown;
    if (!session || !study) return;
    session.undo();
    const at = worklist.edits.lastIndexOf(study.id);
    if (at >= 0) worklist.edits = worklist.edits.filter((_, i) => i !== at);
    verdictChanged(study.id, session.draft.verdict);
  }

  /**
   * Ctrl+Z undoes the reader's last edit wherever it was: after N moved on, it goes back to that
   * case and takes the verdict back, as a reader expects of a verdict key.
   */
  async undoLast() {
    worklist.summaryOpen = false;
    const last = worklist.edits.at(-1);
    // The case's own session, whether or not it is the one on screen (or still loading).
    const kept = last === undefined ? undefined : keptLabelSession(this.api, last);
    if (last === undefined || !kept) return this.undoHere();
    kept.undo();
    worklist.edits = worklist.edits.slice(0, -1);
    verdictChanged(last, kept.draft.verdict);
    const index = navigation.reviewQueue.indexOf(last);
    if (index < 0 || index === navigation.reviewIndex) return;
    await this.shown.session?.flush();
    navigation.reviewIndex = index;
  }

  redoHere() {
    const { session, study } = this.shown;
    if (!session || !study || !session.canRedo) return;
    session.redo();
    worklist.edits = [...worklist.edits, study.id];
    verdictChanged(study.id, session.draft.verdict);
  }

  acceptAi(advance: boolean) {
    const says = this.shown.aiSays;
    if (!says) {
      this.notice = 'The model gives no verdict on this case (no result, or no operating point).';
      return;
    }
    void this.verdict({ kind: 'setVerdict', verdict: says, status: 'done' }, advance);
  }

  reveal() {
    const { study } = this.shown;
    if (study && !this.revealed)
      navigation.revealedStudyIds = [...navigation.revealedStudyIds, study.id];
  }

  revealByKey() {
    if (!this.shown.study?.reference) {
      this.notice = 'This case has no reference label to reveal.';
      return;
    }
    if (!this.shown.session?.draft.verdict) {
      this.notice = 'Give your verdict first (N, P, F or A), then R reveals the reference.';
      return;
    }
    this.notice = null;
    this.reveal();
  }

  chooseBoxFinding(finding: string) {
    this.boxFinding = finding;
    this.notice = null;
  }

  boxDrawn(box: Box) {
    const { session, slice } = this.shown;
    if (!session || !slice) return;
    if (!this.boxFinding) {
      this.notice = 'Choose the finding for new boxes first (under Boxes, in Your label).';
      return;
    }
    this.notice = null;
    const key = `new-${Date.now()}-${this.boxCount++}`;
    this.edit({
      kind: 'addBox',
      box: { key, imageId: slice.id, finding: this.boxFinding || null, box },
    });
  }

  /** Keeps the measurement with the case: in the worklist's CSV, and in the label's comment. */
  keepMeasurement(measured: ReviewMeasurement) {
    const { session, study } = this.shown;
    const text = measured.label;
    if (!study || !session || !text) return;
    measurementKept(study.id, text);
    const comment = session.draft.comment.trim();
    this.edit({ kind: 'setComment', comment: comment ? `${comment}\n${text}` : text });
    measured.clear();
  }
}
