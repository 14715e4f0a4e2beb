/**
 * What a newcomer gets right after `npm install`, on a machine that cannot download Electron's
 * binary: the install skips the download, `anomap` runs without a build, and `npm start` says
 * in one line that Electron is missing and opens browser mode. Run in a copy of the project
 * with no dist/ and no node_modules/electron.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import {
  cpSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readPackageJson, root } from './config.ts';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'anomap-install-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The project as a fresh install without Electron's package leaves it: no build, no binary. */
function projectWithoutElectron(): string {
  const project = join(work, 'project');
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  copyFileSync(join(root, 'package.json'), join(project, 'package.json'));
  cpSync(join(root, 'bin'), join(project, 'bin'), { recursive: true });
  for (const dir of ['src-main', 'models']) symlinkSync(join(root, dir), join(project, dir), 'dir');
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name === 'electron' || name === '.bin') continue;
    symlinkSync(join(root, 'node_modules', name), join(project, 'node_modules', name));
  }
  return project;
}

const project = projectWithoutElectron();

describe('install and first start without the Electron binary', () => {
  it('never downloads Electron during npm install, and npm start is the start script that copes', () => {
    const pkg = readPackageJson();
    expect(pkg.allowScripts?.electron).toBe(false);
    expect(pkg.scripts.start).toBe('node bin/start.js');
  });

  it('runs `anomap --help` and `anomap --version` with no build', async () => {
    const help = await run(process.execPath, ['bin/anomap.js', '--help'], { cwd: project });
    expect(help.stdout).toMatch(/^Usage: anomap/);
    expect(help.stdout).toContain('serve');
    const version = await run(process.execPath, ['bin/anomap.js', '--version'], { cwd: project });
    expect(version.stdout.trim()).toBe(readPackageJson().version);
  });

  it('says in one line that Electron is missing and opens browser mode instead', async () => {
    const renderer = join(work, 'renderer');
    mkdirSync(renderer);
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Anomap</title>');
    const args = ['--port', '0', '--library', join(work, 'library'), '--renderer', renderer];
    const child = spawn(process.execPath, ['bin/start.js', ...args], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const url = await new Promise<string>((found, fail) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const printed = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(stdout);
          if (printed) found(printed[1]);
        });
        child.once('exit', (code) => fail(new Error(`start exited (${code}): ${stderr}`)));
      });
      const said = stderr.split('\n').filter((line) => /electron/i.test(line));
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(
        /^anomap: Electron is not installed \(.+\); opening browser mode instead$/,
      );
      const token = new URL(url).searchParams.get('token') ?? '';
      const health = await fetch(new URL('/api/health', url), {
        headers: { 'x-anomap-token': token },
      });
      expect(health.status).toBe(200);
    } finally {
      const exited =
        child.exitCode !== null || child.signalCode !== null
          ? Promise.resolve()
          : new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
  });
});

describe("npm install's native-backend step", () => {
  /** setup-tensorflow forced past "already available" onto a wheel that does not exist. */
  const failingSetup = (...extra: string[]) =>
    run(
      process.execPath,
      [
        'bin/setup-tensorflow.mjs',
        '--force',
        '--no-download',
        '--wheel',
        join(work, 'no-such.whl'),
        ...extra,
      ],
      { cwd: project },
    ).then(
      (done) => ({ code: 0, stderr: done.stderr }),
      (failed: { code: number; stderr: string }) => ({ code: failed.code, stderr: failed.stderr }),
    );

  it('is the setup under --optional, so the install gets the native backend where it can', () => {
    expect(readPackageJson().scripts.postinstall).toBe('node bin/setup-tensorflow.mjs --optional');
  });

  it('fails the setup command but never the install: --optional says why in one line and exits 0', async () => {
    const plain = await failingSetup();
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/--wheel .*no-such\.whl is not a file/);
    const optional = await failingSetup('--optional');
    expect(optional.code).toBe(0);
    expect(optional.stderr).toMatch(/--wheel .*no-such\.whl is not a file/);
    expect(optional.stderr).toMatch(/wasm \(slower\); `npm run setup:tensorflow` tries again/);
  }, 60_000);
});
