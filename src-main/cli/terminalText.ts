import { printable } from '../files/importError.ts';

/**
 * Text for the terminal: an error may quote a file name or an argument that holds escape
 * sequences (ESC [2J clears the screen, BEL rings), so every control character but the line
 * break is written as \xNN, with the import's own rule.
 */
export function terminalText(text: string): string {
  return text.split('\n').map(printable).join('\n');
}
