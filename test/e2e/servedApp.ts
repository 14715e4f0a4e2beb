/**
 * Browser mode for the end-to-end tests: the renderer built into a temporary folder, `anomap
 * serve` on a library (and models) the test prepares there, and headless Chromium on its page,
 * waiting until the app's navigation shows. Chromium is launched first, so a missing browser is
 * said before the minute-long build.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { repositoryRoot, startServeProcess, type ServeProcess } from '../server/serveProcess.ts';
import { launchChromium } from './chromium.ts';

/** What the test wrote in the temporary folder for the server to open. */
export interface ServedFolders {
  /** Defaults to DIR/library (the server creates it when absent). */
  libraryDir?: string;
  modelsDir?: string;
  /** Lets the server run selftest jobs (the real command never does). */
  diagnostics?: boolean;
}

export interface ServedApp {
  /** The temporary folder: the built renderer, the library, whatever the test wrote. */
  dir: string;
  serve: ServeProcess;
  browser: Browser;
  page: Page;
  /** Uncaught errors on `page`, from its first load on. */
  pageErrors: string[];
  /** Closes the browser, stops the server and removes the folder. */
  close(): Promise<void>;
}

/**
 * `name` names the temporary folder; `prepare` writes the library and models into it before the
 * server starts; the page is open once `nav button[data-view=firstView]` shows.
 */
export async function startServedApp(
  name: string,
  prepare: (dir: string) => Promise<ServedFolders>,
  firstView = 'library',
): Promise<ServedApp> {
  const browser = await launchChromium();
  const dir = mkdtempSync(join(tmpdir(), `anomap-${name}-e2e-`));
  let serve: ServeProcess | undefined;
  const close = async () => {
    await browser.close();
    await serve?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const rendererDir = join(dir, 'renderer');
    await build({
      configFile: join(repositoryRoot, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: rendererDir, emptyOutDir: true },
    });
    const folders = await prepare(dir);
    serve = await startServeProcess(
      folders.libraryDir ?? join(dir, 'library'),
      rendererDir,
      folders.modelsDir,
      folders.diagnostics ?? false,
    );
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(serve.url);
    await page.waitForSelector(`nav button[data-view="${firstView}"]`);
    return { dir, serve, browser, page, pageErrors, close };
  } catch (error) {
    await close();
    throw error;
  }
}
