/**
 * The label of the study open in Review: the undo history of the draft, and the saving of
 * each step to the library (label fields through setLabel, boxes through the annotation calls
 * that annotationSync plans). Saves run one after another so they land in the order made.
 */
import type { ApiClient, StudyDetail } from '../../api/types.ts';
import { planAnnotationSync, type SavedBox } from './annotationSync.ts';
import { canRedo, canUndo, createHistory, record, redo, undo, type History } from './history.ts';
import { applyLabelEdit, draftFromStored, type LabelDraft, type LabelEdit } from './labelDraft.ts';
import { userMessage } from '../common/userMessage.ts';

export interface LabelSession {
  readonly studyId: number;
  readonly draft: LabelDraft;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly saving: boolean;
  readonly error: string | null;
  edit(edit: LabelEdit): void;
  undo(): void;
  redo(): void;
  /** Resolves when every change so far is in the library. */
  flush(): Promise<void>;
}

function labelFields(d: LabelDraft) {
  return {
    verdict: d.verdict,
    status: d.status,
    findings: [...d.findings],
    difficulty: d.difficulty,
    comment: d.comment,
  };
}

export function createLabelSession(api: ApiClient, study: StudyDetail): LabelSession {
  const initial = draftFromStored(study.label, study.annotations);
  let history = $state<History<LabelDraft>>(createHistory(initial));
  let pending = $state(0);
  let error = $state<string | null>(null);
  // Bookkeeping of what the library holds, never rendered: a plain Map on purpose.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const saved = new Map<string, SavedBox>(
    study.annotations
      .filter((a) => a.box !== null)
      .map((a) => [`saved-${a.id}`, { annotationId: a.id, finding: a.finding, box: a.box! }]),
  );
  let savedLabel = JSON.stringify(labelFields(initial));
  let queue: Promise<void> = Promise.resolve();

  async function write(draft: LabelDraft) {
    const fields = labelFields(draft);
    if (JSON.stringify(fields) !== savedLabel) {
      await api.setLabel({ studyId: study.id, label: fields });
      savedLabel = JSON.stringify(fields);
    }
    const plan = planAnnotationSync(draft.boxes, saved);
    for (const box of plan.add) {
      const a = await api.addAnnotation({
        imageId: box.imageId,
        finding: box.finding,
        box: box.box,
      });
      saved.set(box.key, { annotationId: a.id, finding: box.finding, box: box.box });
    }
    for (const u of plan.update) {
      await api.updateAnnotation({ annotationId: u.annotationId, finding: u.finding, box: u.box });
      saved.set(u.key, { annotationId: u.annotationId, finding: u.finding, box: u.box });
    }
    for (const r of plan.remove) {
      await api.deleteAnnotation({ annotationId: r.annotationId });
      saved.delete(r.key);
    }
  }

  function save() {
    const draft = history.present;
    pending++;
    queue = queue
      .then(() => write(draft))
      .then(
        () => {
          error = null;
        },
        (e: unknown) => {
          error = `not saved: ${userMessage(e)}`;
        },
      )
      .finally(() => pending--);
  }

  function step(next: History<LabelDraft>) {
    if (next === history) return;
    history = next;
    save();
  }

  return {
    studyId: study.id,
    get draft() {
      return history.present;
    },
    get canUndo() {
      return canUndo(history);
    },
    get canRedo() {
      return canRedo(history);
    },
    get saving() {
      return pending > 0;
    },
    get error() {
      return error;
    },
    edit(e) {
      step(record(history, applyLabelEdit(history.present, e)));
    },
    undo() {
      step(undo(history));
    },
    redo() {
      step(redo(history));
    },
    flush() {
      return queue;
    },
  };
}

// One session per study and connection, kept while the app runs, so the undo history of a case
// survives moving to another case and back (P by mistake, ←, Ctrl+Z).
const sessions = new WeakMap<ApiClient, Map<number, LabelSession>>();

/** The study's session with its undo history: the one made before, or a new one. */
export function labelSessionFor(api: ApiClient, study: StudyDetail): LabelSession {
  let byStudy = sessions.get(api);
  if (!byStudy) {
    // Bookkeeping, never rendered: each session's own state is reactive.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    byStudy = new Map();
    sessions.set(api, byStudy);
  }
  const kept = byStudy.get(study.id);
  if (kept) return kept;
  const made = createLabelSession(api, study);
  byStudy.set(study.id, made);
  return made;
}

/** The session already made for a study (its undo history), if Review has opened it before. */
export function keptLabelSession(api: ApiClient, studyId: number): LabelSession | undefined {
  return sessions.get(api)?.get(studyId);
}
