import type { Migration } from './migration.ts';
import { migration0001 } from './0001-initial.ts';
import { migration0002 } from './0002-study-search.ts';
import { migration0003 } from './0003-classifier-probability.ts';
import { migration0004 } from './0004-result-chains.ts';
import { migration0005 } from './0005-reference-labels.ts';
import { migration0006 } from './0006-dicom-identity.ts';
import { migration0007 } from './0007-volume-geometry.ts';

export type { Migration } from './migration.ts';

/** Every schema step in order. Append only: a new change is a new numbered file. */
export const migrations: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
];
