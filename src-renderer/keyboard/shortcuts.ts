/**
 * Every keyboard shortcut of the workstation, as one table of data (OHIF/NiiVue habit): a key
 * maps to a named action, the views decide what the action does, and the help overlay is
 * rendered from this same table so it can never drift from the behaviour.
 */

export type ShortcutAction =
  | 'nextCase'
  | 'previousCase'
  | 'nextSlice'
  | 'previousSlice'
  | 'slicePageDown'
  | 'slicePageUp'
  | 'firstSlice'
  | 'lastSlice'
  | 'windowPreset'
  | 'resetView'
  | 'verdictNormal'
  | 'verdictPathological'
  | 'verdictFlag'
  | 'toggleOverlay'
  | 'toggleHeatScale'
  | 'revealReference'
  | 'acceptAi'
  | 'hottestSlice'
  | 'undo'
  | 'redo'
  | 'toggleHelp'
  | 'closeOverlay';

export interface Shortcut {
  /** KeyboardEvent.key values that trigger it (case-insensitive for letters). */
  keys: readonly string[];
  /** Needs Ctrl (or Cmd on macOS). */
  mod?: boolean;
  /**
   * Shift must be down (true) or up (false). Left out, Shift must be up for Ctrl shortcuts and
   * is ignored for the rest, whose key may itself be typed with Shift ('?').
   */
  shift?: boolean;
  /** A verdict key that stays on the case instead of moving to the next. */
  stay?: boolean;
  action: ShortcutAction;
  /** What the help overlay shows as the key. */
  label: string;
  description: string;
  /** Where it works. */
  scope: 'global' | 'review';
}

const digits = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const shortcuts: readonly Shortcut[] = [
  {
    keys: ['ArrowRight'],
    action: 'nextCase',
    label: '→',
    description: 'Next case',
    scope: 'review',
  },
  {
    keys: ['ArrowLeft'],
    action: 'previousCase',
    label: '←',
    description: 'Previous case',
    scope: 'review',
  },
  // Up and down move through the study's slices (the stack), as the mouse wheel does; they
  // moved between cases before studies had several slices in Review.
  {
    keys: ['ArrowDown'],
    action: 'nextSlice',
    label: '↓ / wheel',
    description: 'Next slice of the study',
    scope: 'review',
  },
  {
    keys: ['ArrowUp'],
    action: 'previousSlice',
    label: '↑ / wheel',
    description: 'Previous slice of the study',
    scope: 'review',
  },
  {
    keys: ['PageDown'],
    action: 'slicePageDown',
    label: 'PgDn',
    description: 'A tenth of the stack on',
    scope: 'review',
  },
  {
    keys: ['PageUp'],
    action: 'slicePageUp',
    label: 'PgUp',
    description: 'A tenth of the stack back',
    scope: 'review',
  },
  {
    keys: ['Home'],
    action: 'firstSlice',
    label: 'Home',
    description: 'First slice',
    scope: 'review',
  },
  {
    keys: ['End'],
    action: 'lastSlice',
    label: 'End',
    description: 'Last slice',
    scope: 'review',
  },
  {
    keys: digits,
    action: 'windowPreset',
    label: '1 – 9',
    description: 'Window/level preset',
    scope: 'review',
  },
  {
    keys: [' '],
    action: 'resetView',
    label: 'Space',
    description: 'Reset zoom, pan and window/level',
    scope: 'review',
  },
  {
    keys: ['n'],
    shift: false,
    action: 'verdictNormal',
    label: 'N',
    description: 'Verdict: normal, then next case',
    scope: 'review',
  },
  {
    keys: ['p'],
    shift: false,
    action: 'verdictPathological',
    label: 'P',
    description: 'Verdict: pathological, then next case',
    scope: 'review',
  },
  {
    keys: ['f'],
    shift: false,
    action: 'verdictFlag',
    label: 'F',
    description: 'Flag for a second look, then next case',
    scope: 'review',
  },
  {
    keys: ['n'],
    shift: true,
    stay: true,
    action: 'verdictNormal',
    label: 'Shift+N',
    description: 'Verdict: normal, stay on this case (to correct one)',
    scope: 'review',
  },
  {
    keys: ['p'],
    shift: true,
    stay: true,
    action: 'verdictPathological',
    label: 'Shift+P',
    description: 'Verdict: pathological, stay on this case',
    scope: 'review',
  },
  {
    keys: ['f'],
    shift: true,
    stay: true,
    action: 'verdictFlag',
    label: 'Shift+F',
    description: 'Flag, stay on this case',
    scope: 'review',
  },
  {
    keys: ['a'],
    shift: false,
    action: 'acceptAi',
    label: 'A',
    description: "Accept the AI's verdict as yours, then next case",
    scope: 'review',
  },
  {
    keys: ['a'],
    shift: true,
    stay: true,
    action: 'acceptAi',
    label: 'Shift+A',
    description: "Accept the AI's verdict, stay on this case",
    scope: 'review',
  },
  {
    keys: ['r'],
    action: 'revealReference',
    label: 'R',
    description: 'Reveal the reference label (once you have decided)',
    scope: 'review',
  },
  {
    keys: ['h'],
    action: 'hottestSlice',
    label: 'H',
    description: 'Go to the hottest slice (the one that gave the study its score)',
    scope: 'review',
  },
  {
    keys: ['s'],
    action: 'toggleHeatScale',
    label: 'S',
    description: 'Heat scale: fixed for every case, or stretched to this case',
    scope: 'review',
  },
  {
    keys: ['o'],
    action: 'toggleOverlay',
    label: 'O',
    description: 'Show or hide the anomaly overlay',
    scope: 'review',
  },
  {
    keys: ['z'],
    mod: true,
    action: 'undo',
    label: 'Ctrl+Z',
    description: 'Undo the last label edit, going back to its case (after N, P, F or A)',
    scope: 'review',
  },
  {
    keys: ['z'],
    mod: true,
    shift: true,
    action: 'redo',
    label: 'Ctrl+Shift+Z',
    description: 'Redo',
    scope: 'review',
  },
  { keys: ['y'], mod: true, action: 'redo', label: 'Ctrl+Y', description: 'Redo', scope: 'review' },
  {
    keys: ['?'],
    action: 'toggleHelp',
    label: '?',
    description: 'Show or hide this help',
    scope: 'global',
  },
  {
    keys: ['Escape'],
    action: 'closeOverlay',
    label: 'Esc',
    description: 'Close help, cancel a box being drawn',
    scope: 'global',
  },
];

/** The parts of a KeyboardEvent the table looks at (so tests need no DOM). */
export interface KeyPress {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
  altKey?: boolean;
}

export interface ShortcutMatch {
  action: ShortcutAction;
  /** For windowPreset: which number key (0-based preset index). */
  index?: number;
  /** For verdicts: stay on this case rather than move on. */
  stay?: boolean;
}

/** The action a key press triggers, or null. Shift is ignored for keys typed with it ('?'). */
export function actionForKey(press: KeyPress): ShortcutMatch | null {
  if (press.altKey) return null;
  const mod = Boolean(press.ctrlKey || press.metaKey);
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  for (const shortcut of shortcuts) {
    if (!shortcut.keys.includes(key)) continue;
    if (Boolean(shortcut.mod) !== mod) continue;
    const shiftRule = shortcut.shift ?? (shortcut.mod ? false : undefined);
    if (shiftRule !== undefined && shiftRule !== Boolean(press.shiftKey)) continue;
    if (shortcut.action === 'windowPreset')
      return { action: 'windowPreset', index: digits.indexOf(key) };
    return shortcut.stay ? { action: shortcut.action, stay: true } : { action: shortcut.action };
  }
  return null;
}

/** Keys a focused control uses itself, by kind of control (besides Tab). */
const keysOfControl: Record<string, readonly string[] | 'all'> = {
  text: 'all',
  select: 'all', // arrows, Space, and letters that jump to an option
  range: ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'],
  number: ['ArrowUp', 'ArrowDown'],
  radio: ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', ' '],
  toggle: [' ', 'Enter'], // buttons, checkboxes, links, summaries
};

function controlKind(element: HTMLElement): keyof typeof keysOfControl | null {
  const tag = element.tagName.toLowerCase();
  if (tag === 'textarea' || element.isContentEditable) return 'text';
  if (tag === 'select') return 'select';
  if (tag === 'button' || tag === 'a' || tag === 'summary') return 'toggle';
  if (element.getAttribute('role') === 'slider') return 'range';
  if (tag !== 'input') return null;
  const type = (element as HTMLInputElement).type;
  if (type === 'range') return 'range';
  if (type === 'number') return 'number';
  if (type === 'radio') return 'radio';
  if (['checkbox', 'button', 'submit', 'reset', 'color', 'file'].includes(type)) return 'toggle';
  return 'text';
}

/**
 * True when the focused control uses this key itself (an arrow on a slider, a letter in a text
 * field or a select, Space on a button), so no global shortcut may take it from the control.
 */
export function controlTakesKey(target: EventTarget | null, press: KeyPress): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const kind = controlKind(target as HTMLElement);
  if (kind === null) return false;
  const keys = keysOfControl[kind];
  if (keys === 'all') return press.key !== 'Escape' || kind === 'select';
  return keys.includes(press.key);
}
