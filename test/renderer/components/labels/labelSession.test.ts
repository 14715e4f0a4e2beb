import { describe, expect, it } from 'vitest';
import type { ApiClient, StudyDetail } from '../../../../src-renderer/api/types.ts';
import {
  createLabelSession,
  labelSessionFor,
} from '../../../../src-renderer/components/labels/labelSession.svelte.ts';

/** A fake api that records the label and annotation calls Review would send. */
function fakeApi() {
  const calls: string[] = [];
  let nextId = 100;
  const api = {
    setLabel: async (p: { label: { verdict?: unknown } }) => {
      calls.push(`setLabel ${String(p.label.verdict)}`);
      return {};
    },
    addAnnotation: async (p: { finding: string | null }) => {
      const id = nextId++;
      calls.push(`add ${id} ${p.finding}`);
      return { id };
    },
    updateAnnotation: async (p: { annotationId: number }) => {
      calls.push(`update ${p.annotationId}`);
      return {};
    },
    deleteAnnotation: async (p: { annotationId: number }) => {
      calls.push(`delete ${p.annotationId}`);
      return { deleted: true };
    },
  };
  return { api: api as unknown as ApiClient, calls };
}

function study(): StudyDetail {
  return {
    id: 5,
    label: {
      studyId: 5,
      verdict: null,
      findings: [],
      difficulty: null,
      comment: null,
      status: 'not-reviewed',
      author: null,
      updatedAt: null,
    },
    annotations: [
      {
        id: 7,
        imageId: 2,
        finding: 'Edema',
        kind: 'box',
        box: { x: 1, y: 1, width: 5, height: 5 },
        maskHash: null,
        author: 'a',
        createdAt: '',
        updatedAt: '',
      },
    ],
  } as unknown as StudyDetail;
}

const box = { x: 10, y: 10, width: 8, height: 8 };

describe('label session saving', () => {
  it('adds a drawn box, deletes it on undo and adds it again on redo', async () => {
    const { api, calls } = fakeApi();
    const session = createLabelSession(api, study());
    session.edit({ kind: 'addBox', box: { key: 'k1', imageId: 2, finding: 'Mass', box } });
    await session.flush();
    expect(calls).toEqual(['add 100 Mass']);
    session.undo();
    await session.flush();
    expect(calls).toEqual(['add 100 Mass', 'delete 100']);
    session.redo();
    await session.flush();
    expect(calls).toEqual(['add 100 Mass', 'delete 100', 'add 101 Mass']);
  });

  it('saves a verdict through setLabel and restores it on undo', async () => {
    const { api, calls } = fakeApi();
    const session = createLabelSession(api, study());
    session.edit({ kind: 'setVerdict', verdict: 'pathological', status: 'done' });
    session.undo();
    await session.flush();
    expect(calls).toEqual(['setLabel pathological', 'setLabel null']);
    expect(session.draft.verdict).toBeNull();
  });

  it('moves a stored box with one update call and removes it with one delete', async () => {
    const { api, calls } = fakeApi();
    const session = createLabelSession(api, study());
    session.edit({ kind: 'updateBox', key: 'saved-7', box });
    session.edit({ kind: 'removeBox', key: 'saved-7' });
    await session.flush();
    expect(calls).toEqual(['update 7', 'delete 7']);
  });

  it('reports a failed save instead of losing it silently', async () => {
    const { api } = fakeApi();
    (api as unknown as { setLabel: () => Promise<never> }).setLabel = async () => {
      throw new Error('library is read-only');
    };
    const session = createLabelSession(api, study());
    session.edit({ kind: 'setComment', comment: 'x' });
    await session.flush();
    expect(session.error).toBe('not saved: library is read-only');
  });
});

describe('undo across cases', () => {
  it("keeps a case's history when the reader moves on and comes back", async () => {
    const { api, calls } = fakeApi();
    // P by mistake moves on to the next case; the reader comes back (Review loads it again).
    const first = labelSessionFor(api, study());
    first.edit({ kind: 'setVerdict', verdict: 'pathological', status: 'done' });
    const other = labelSessionFor(api, { ...study(), id: 6 });
    expect(other).not.toBe(first);
    const back = labelSessionFor(api, study());
    expect(back).toBe(first);
    expect(back.canUndo).toBe(true);
    back.undo();
    await back.flush();
    expect(back.draft.verdict).toBeNull();
    expect(calls).toEqual(['setLabel pathological', 'setLabel null']);
  });

  it('starts afresh on another connection', () => {
    const a = fakeApi().api;
    const b = fakeApi().api;
    expect(labelSessionFor(a, study())).not.toBe(labelSessionFor(b, study()));
  });
});
