/**
 * Every keyboard shortcut of the workstation, as one table of data (OHIF/NiiVue habit): a key
 * maps to a named action, the views decide what the action does, and the help overlay is
 * rendered from this same table so it can never drift from the behaviour.
 */

export type ShortcutAction =
  | 'nextCase'
  | 'previousCase'
  | 'windowPreset'
  | 'resetView'
  | 'verdictNormal'
  | 'verdictPathological'
  | 'verdictFlag'
  | 'toggleOverlay'
  | 'undo'
  | 'redo'
  | 'toggleHelp'
  | 'closeOverlay';

export interface Shortcut {
  /** KeyboardEvent.key values that trigger it (case-insensitive for letters). */
  keys: readonly string[];
  /** Needs Ctrl (or Cmd on macOS). */
  mod?: boolean;
  shift?: boolean;
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
    keys: ['ArrowRight', 'ArrowDown'],
    action: 'nextCase',
    label: '→ / ↓',
    description: 'Next case',
    scope: 'review',
  },
  {
    keys: ['ArrowLeft', 'ArrowUp'],
    action: 'previousCase',
    label: '← / ↑',
    description: 'Previous case',
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
    action: 'verdictNormal',
    label: 'N',
    description: 'Verdict: normal, then next case',
    scope: 'review',
  },
  {
    keys: ['p'],
    action: 'verdictPathological',
    label: 'P',
    description: 'Verdict: pathological, then next case',
    scope: 'review',
  },
  {
    keys: ['f'],
    action: 'verdictFlag',
    label: 'F',
    description: 'Flag for a second look, then next case',
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
    description: 'Undo the last label edit',
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
}

/** The action a key press triggers, or null. Shift is ignored for keys typed with it ('?'). */
export function actionForKey(press: KeyPress): ShortcutMatch | null {
  if (press.altKey) return null;
  const mod = Boolean(press.ctrlKey || press.metaKey);
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  for (const shortcut of shortcuts) {
    if (!shortcut.keys.includes(key)) continue;
    if (Boolean(shortcut.mod) !== mod) continue;
    if (shortcut.mod && Boolean(shortcut.shift) !== Boolean(press.shiftKey)) continue;
    if (shortcut.action === 'windowPreset')
      return { action: 'windowPreset', index: digits.indexOf(key) };
    return { action: shortcut.action };
  }
  return null;
}

/** True when typing goes into a form field, where single-letter shortcuts must not fire. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const element = target as HTMLElement;
  const tag = element.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select' || element.isContentEditable) return true;
  if (tag !== 'input') return false;
  const type = (element as HTMLInputElement).type;
  return !['checkbox', 'radio', 'range', 'button', 'submit'].includes(type);
}
