/**
 * The human label being edited in Review: verdict, findings, boxes, difficulty, comment.
 * Edits are commands applied by one pure function, so each one can be recorded in the
 * undo history (history.ts) and replayed in tests.
 */
import type { Box, Label, ReviewStatus, Verdict } from '../../api/types.ts';

/** A finding box as drawn; `key` names it across undo/redo, before and after it is saved. */
export interface DraftBox {
  key: string;
  /** The slice (image row id) the box is drawn on. */
  imageId: number;
  /** null: a box marked before its finding is named. */
  finding: string | null;
  box: Box;
}

export interface LabelDraft {
  verdict: Verdict | null;
  status: ReviewStatus;
  findings: readonly string[];
  difficulty: number | null;
  comment: string;
  boxes: readonly DraftBox[];
}

export type LabelEdit =
  | { kind: 'setVerdict'; verdict: Verdict | null; status: ReviewStatus }
  | { kind: 'toggleFinding'; finding: string }
  | { kind: 'setDifficulty'; difficulty: number | null }
  | { kind: 'setComment'; comment: string }
  | { kind: 'addBox'; box: DraftBox }
  | { kind: 'updateBox'; key: string; box?: Box; finding?: string | null }
  | { kind: 'removeBox'; key: string };

export function emptyDraft(): LabelDraft {
  return {
    verdict: null,
    status: 'not-reviewed',
    findings: [],
    difficulty: null,
    comment: '',
    boxes: [],
  };
}

/** The draft of a study as stored: its label and its box annotations. */
export function draftFromStored(
  label: Pick<Label, 'verdict' | 'status' | 'findings' | 'difficulty' | 'comment'> | null,
  annotations: readonly { id: number; imageId: number; finding: string | null; box: Box | null }[],
): LabelDraft {
  const base = label ?? emptyDraft();
  return {
    verdict: base.verdict,
    status: base.status,
    findings: [...base.findings],
    difficulty: base.difficulty,
    comment: base.comment ?? '',
    boxes: annotations
      .filter((a) => a.box !== null)
      .map((a) => ({
        key: `saved-${a.id}`,
        imageId: a.imageId,
        finding: a.finding,
        box: a.box as Box,
      })),
  };
}

export function applyLabelEdit(draft: LabelDraft, edit: LabelEdit): LabelDraft {
  switch (edit.kind) {
    case 'setVerdict':
      return { ...draft, verdict: edit.verdict, status: edit.status };
    case 'toggleFinding':
      return {
        ...draft,
        findings: draft.findings.includes(edit.finding)
          ? draft.findings.filter((f) => f !== edit.finding)
          : [...draft.findings, edit.finding],
      };
    case 'setDifficulty':
      return { ...draft, difficulty: edit.difficulty };
    case 'setComment':
      return { ...draft, comment: edit.comment };
    case 'addBox':
      if (draft.boxes.some((b) => b.key === edit.box.key)) return draft;
      return { ...draft, boxes: [...draft.boxes, edit.box] };
    case 'updateBox':
      return {
        ...draft,
        boxes: draft.boxes.map((b) =>
          b.key === edit.key
            ? {
                ...b,
                box: edit.box ?? b.box,
                finding: edit.finding === undefined ? b.finding : edit.finding,
              }
            : b,
        ),
      };
    case 'removeBox':
      return { ...draft, boxes: draft.boxes.filter((b) => b.key !== edit.key) };
  }
}

/**
 * Normalises a box dragged from any corner to any other into positive width and height, on
 * whole pixels inside the image (the library stores boxes in pixel units).
 */
export function boxFromCorners(
  a: { x: number; y: number },
  b: { x: number; y: number },
  imageWidth: number,
  imageHeight: number,
): Box | null {
  const clampX = (v: number) => Math.max(0, Math.min(imageWidth, v));
  const clampY = (v: number) => Math.max(0, Math.min(imageHeight, v));
  // Whole pixels, growing outwards, so the box covers everything the reader framed.
  const x0 = clampX(Math.floor(Math.min(a.x, b.x)));
  const x1 = clampX(Math.ceil(Math.max(a.x, b.x)));
  const y0 = clampY(Math.floor(Math.min(a.y, b.y)));
  const y1 = clampY(Math.ceil(Math.max(a.y, b.y)));
  // A click without a real drag is not a box.
  if (Math.abs(a.x - b.x) < 1 || Math.abs(a.y - b.y) < 1 || x1 <= x0 || y1 <= y0) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
