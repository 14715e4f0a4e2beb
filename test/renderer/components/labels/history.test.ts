import { describe, expect, it } from 'vitest';
import {
  canRedo,
  canUndo,
  createHistory,
  HISTORY_LIMIT,
  record,
  redo,
  undo,
} from '../../../../src-renderer/components/labels/history.ts';
import {
  applyLabelEdit,
  boxFromCorners,
  draftFromStored,
  emptyDraft,
  type DraftBox,
  type LabelDraft,
  type LabelEdit,
} from '../../../../src-renderer/components/labels/labelDraft.ts';
import { planAnnotationSync } from '../../../../src-renderer/components/labels/annotationSync.ts';

const imageId = 3;
const box = (key: string, x = 10): DraftBox => ({
  key,
  imageId,
  finding: 'mass',
  box: { x, y: 20, width: 30, height: 40 },
});

function edit(history: ReturnType<typeof createHistory<LabelDraft>>, e: LabelEdit) {
  return record(history, applyLabelEdit(history.present, e));
}

describe('label undo/redo', () => {
  it('draws a box, undoes it, and redoes it', () => {
    let h = createHistory(emptyDraft());
    h = edit(h, { kind: 'addBox', box: box('b1') });
    expect(h.present.boxes).toHaveLength(1);
    h = undo(h);
    expect(h.present.boxes).toHaveLength(0);
    expect(canRedo(h)).toBe(true);
    h = redo(h);
    expect(h.present.boxes.map((b) => b.key)).toEqual(['b1']);
  });

  it('undoes a verdict back to the previous one and keeps boxes independent', () => {
    let h = createHistory(emptyDraft());
    h = edit(h, { kind: 'setVerdict', verdict: 'normal', status: 'done' });
    h = edit(h, { kind: 'addBox', box: box('b1') });
    h = edit(h, { kind: 'setVerdict', verdict: 'pathological', status: 'done' });
    h = undo(h);
    expect(h.present.verdict).toBe('normal');
    expect(h.present.boxes).toHaveLength(1);
    h = undo(h);
    h = undo(h);
    expect(h.present).toEqual(emptyDraft());
    expect(canUndo(h)).toBe(false);
    expect(undo(h)).toBe(h);
  });

  it('drops the redo branch when a new edit is made after an undo', () => {
    let h = createHistory(emptyDraft());
    h = edit(h, { kind: 'addBox', box: box('b1') });
    h = undo(h);
    h = edit(h, { kind: 'addBox', box: box('b2') });
    expect(canRedo(h)).toBe(false);
    expect(redo(h)).toBe(h);
    expect(h.present.boxes.map((b) => b.key)).toEqual(['b2']);
  });

  it('moves and removes boxes, each step undoable', () => {
    let h = createHistory(emptyDraft());
    h = edit(h, { kind: 'addBox', box: box('b1') });
    h = edit(h, { kind: 'updateBox', key: 'b1', box: { x: 50, y: 50, width: 5, height: 5 } });
    h = edit(h, { kind: 'updateBox', key: 'b1', finding: 'edema' });
    h = edit(h, { kind: 'removeBox', key: 'b1' });
    expect(h.present.boxes).toHaveLength(0);
    h = undo(h);
    expect(h.present.boxes[0]).toMatchObject({ finding: 'edema', box: { x: 50 } });
    h = undo(h);
    expect(h.present.boxes[0].finding).toBe('mass');
    h = undo(h);
    expect(h.present.boxes[0].box.x).toBe(10);
  });

  it('toggles findings and records difficulty and comment', () => {
    let d = applyLabelEdit(emptyDraft(), { kind: 'toggleFinding', finding: 'mass' });
    d = applyLabelEdit(d, { kind: 'toggleFinding', finding: 'edema' });
    d = applyLabelEdit(d, { kind: 'toggleFinding', finding: 'mass' });
    d = applyLabelEdit(d, { kind: 'setDifficulty', difficulty: 4 });
    d = applyLabelEdit(d, { kind: 'setComment', comment: 'subtle' });
    expect(d).toMatchObject({ findings: ['edema'], difficulty: 4, comment: 'subtle' });
  });

  it('keeps at most HISTORY_LIMIT steps to undo', () => {
    let h = createHistory(0);
    for (let i = 1; i <= HISTORY_LIMIT + 25; i++) h = record(h, i);
    expect(h.past).toHaveLength(HISTORY_LIMIT);
    expect(h.past[0]).toBe(25);
  });

  it('does not record an edit that changes nothing', () => {
    const h = createHistory(emptyDraft());
    expect(record(h, h.present)).toBe(h);
  });

  it('builds the draft from the stored label and box annotations', () => {
    const draft = draftFromStored(
      { verdict: 'pathological', findings: ['mass'], difficulty: 2, comment: '', status: 'done' },
      [
        { id: 7, imageId, finding: 'mass', box: { x: 1, y: 2, width: 3, height: 4 } },
        { id: 8, imageId, finding: 'edema', box: null },
        { id: 9, imageId, finding: null, box: { x: 0, y: 0, width: 1, height: 1 } },
      ],
    );
    expect(draft.boxes).toEqual([
      { key: 'saved-7', imageId, finding: 'mass', box: { x: 1, y: 2, width: 3, height: 4 } },
      { key: 'saved-9', imageId, finding: null, box: { x: 0, y: 0, width: 1, height: 1 } },
    ]);
    expect(draft.verdict).toBe('pathological');
  });
});

describe('box drawing and annotation sync', () => {
  it('normalises a box dragged from bottom-right to top-left and clamps it to the image', () => {
    expect(boxFromCorners({ x: 70, y: 90 }, { x: -5, y: 30 }, 64, 64)).toEqual({
      x: 0,
      y: 30,
      width: 64,
      height: 34,
    });
    expect(boxFromCorners({ x: 5, y: 5 }, { x: 5.4, y: 20 }, 64, 64)).toBeNull();
    // Whole pixels, grown outwards to cover what was framed.
    expect(boxFromCorners({ x: 22.6, y: 18.8 }, { x: 31.2, y: 27.1 }, 64, 64)).toEqual({
      x: 22,
      y: 18,
      width: 10,
      height: 10,
    });
  });

  it('plans adds, updates and deletes that bring the library in line with the draft', () => {
    const saved = new Map([
      ['keep', { annotationId: 1, finding: 'mass', box: box('keep').box }],
      ['moved', { annotationId: 2, finding: 'mass', box: box('moved').box }],
      ['undone', { annotationId: 3, finding: 'mass', box: box('undone').box }],
    ]);
    const plan = planAnnotationSync([box('keep'), box('moved', 99), box('new')], saved);
    expect(plan.add.map((b) => b.key)).toEqual(['new']);
    expect(plan.update).toEqual([
      {
        annotationId: 2,
        key: 'moved',
        finding: 'mass',
        box: { x: 99, y: 20, width: 30, height: 40 },
      },
    ]);
    expect(plan.remove).toEqual([{ annotationId: 3, key: 'undone' }]);
  });
});
