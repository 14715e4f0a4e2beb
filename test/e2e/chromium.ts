/**
 * Debian's chromium for the browser tests (`npx playwright install` cannot download here), with
 * the flags that keep it headless, offline and quiet. CHROMIUM_PATH overrides where it is.
 */
import { execFileSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium']).toString().trim();
  } catch {
    throw new Error(
      'chromium is not installed: apt-get install -y chromium (or set CHROMIUM_PATH)',
    );
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
