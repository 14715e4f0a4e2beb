/**
 * Library's filters, kept while the app runs (leaving Library and coming back keeps them) and
 * the ones a reader sets once per library (split, showing reference labels) across reloads.
 */
import type { ListStudiesParams } from '../api/types.ts';

type Sort = NonNullable<ListStudiesParams['sort']>;

export function defaultLibraryFilters() {
  return {
    search: '',
    verdict: '' as ListStudiesParams['verdict'] | '',
    status: '' as ListStudiesParams['status'] | '',
    finding: '',
    split: '',
    scoreMin: null as number | null,
    scoreMax: null as number | null,
    runId: '' as number | '',
    sort: 'created' as Sort,
    order: 'asc' as 'asc' | 'desc',
    offset: 0,
    /** Reference labels (a dataset's) are hidden by default: the reader reads blind. */
    showReference: false,
  };
}

export const libraryFilters = $state(defaultLibraryFilters());

const KEY = 'anomap.library.filters';
const kept = ['split', 'showReference'] as const;

/** Restores the filters kept across reloads (once, when the app starts). */
export function restoreLibraryFilters(storage: Pick<Storage, 'getItem'> = localStorage): void {
  try {
    const saved = JSON.parse(storage.getItem(KEY) ?? '{}') as Record<string, unknown>;
    if (typeof saved.split === 'string') libraryFilters.split = saved.split;
    if (typeof saved.showReference === 'boolean')
      libraryFilters.showReference = saved.showReference;
  } catch {
    // A damaged entry is forgotten; the defaults stand.
  }
}

export function saveLibraryFilters(storage: Pick<Storage, 'setItem'> = localStorage): void {
  try {
    storage.setItem(
      KEY,
      JSON.stringify(Object.fromEntries(kept.map((k) => [k, libraryFilters[k]]))),
    );
  } catch {
    // Storage may be full or off (private mode): the filters still last while the app runs.
  }
}
