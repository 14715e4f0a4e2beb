/**
 * Remembers the main window's size, place and maximised state between launches, and puts it
 * back only where a screen still shows it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

const WindowStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_SIZE = { width: 1400, height: 900 };

export function loadWindowState(file: string): WindowState | null {
  try {
    return WindowStateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return null; // first launch, or a damaged file: use the default size
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(state));
}

/** The saved bounds if at least 100 x 100 pixels of them fall on a screen, else none. */
export function restoreBounds(
  state: WindowState | null,
  screens: readonly Rectangle[],
): Rectangle | null {
  if (!state) return null;
  const visible = screens.some((screen) => {
    const width =
      Math.min(state.x + state.width, screen.x + screen.width) - Math.max(state.x, screen.x);
    const height =
      Math.min(state.y + state.height, screen.y + screen.height) - Math.max(state.y, screen.y);
    return width >= 100 && height >= 100;
  });
  return visible ? { x: state.x, y: state.y, width: state.width, height: state.height } : null;
}
