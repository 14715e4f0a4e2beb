import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { minimatch } from 'minimatch';
import { REQUIRED_FUSES, readBuilderConfig, readPackageJson, root } from './config.ts';

const config = readBuilderConfig();
const matchesAny = (path: string, patterns: string[]) =>
  patterns.some((pattern) => minimatch(path, pattern, { dot: true }));

const include = config.files.filter((pattern) => !pattern.startsWith('!'));
const exclude = config.files
  .filter((pattern) => pattern.startsWith('!'))
  .map((pattern) => pattern.slice(1));

/** electron-builder's `files`: included by a positive pattern and not dropped by a `!` one. */
function shipped(path: string): boolean {
  return matchesAny(path, include) && !matchesAny(path, exclude);
}

/** Production dependencies are added by electron-builder itself, unless `files` drops them. */
function shippedDependencyFile(path: string): boolean {
  return !matchesAny(path, exclude);
}

/** Folders of the production dependencies, as npm resolves them (nested ones included). */
function productionPackages(): string[] {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: root,
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((line) => line.includes(`${sep}node_modules${sep}`))
    .map((line) => relative(root, line).split(sep).join('/'));
}

/** Files of one package, not descending into its own node_modules (listed separately). */
function filesOf(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory() && entry.name !== 'node_modules') found.push(...filesOf(path));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

const NATIVE = /\.(node|so(\.\d+)*|dll|dylib)$/;

describe('electron-builder.yml', () => {
  it('names the app and builds AppImage + deb, nsis and dmg with the icon from resources/', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.productName).toBe('Anomap');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    const icon = readFileSync(join(root, config.linux.icon));
    expect(icon.subarray(1, 4).toString()).toBe('PNG');
    expect([icon.readUInt32BE(16), icon.readUInt32BE(20)]).toEqual([512, 512]);
  });

  it('ships the built main, preload, engine worker, renderer and models', () => {
    const { main } = readPackageJson();
    for (const path of [
      'package.json',
      main,
      'dist/main/app/preload.cjs',
      'dist/main/jobs/worker.js',
      'dist/renderer/index.html',
      'dist/renderer/assets/index.js',
      'models/README.md',
      'models/diffusion/weights.bin',
    ]) {
      expect(shipped(path), path).toBe(true);
    }
    expect(main).toBe('dist/main/app/main.js');
    expect(shipped('src-main/app/main.ts')).toBe(false);
    expect(shipped('test/app/main.test.ts')).toBe(false);
  });

  it('unpacks every native file of the production dependencies, and the whole package around each .node', () => {
    const packages = productionPackages();
    expect(packages).toContain('node_modules/better-sqlite3');
    let nodeFiles = 0;
    for (const dir of packages) {
      const files = filesOf(dir);
      const natives = files.filter((file) => NATIVE.test(file) && shippedDependencyFile(file));
      for (const file of natives) expect(matchesAny(file, config.asarUnpack), file).toBe(true);
      if (natives.some((file) => file.endsWith('.node'))) {
        nodeFiles++;
        // Loaders find their binaries and libraries beside package.json (bindings, sharp).
        expect(matchesAny(`${dir}/package.json`, config.asarUnpack), dir).toBe(true);
      }
    }
    expect(nodeFiles).toBeGreaterThanOrEqual(2); // better-sqlite3 and sharp's @img binary at least
  });

  it('names tfjs-node, sharp, @img and better-sqlite3 in asarUnpack even where they are not installed', () => {
    for (const name of [
      'better-sqlite3',
      'sharp',
      '@img/sharp-linux-x64',
      '@tensorflow/tfjs-node',
      '@tensorflow/tfjs-node-gpu',
    ]) {
      expect(matchesAny(`node_modules/${name}/package.json`, config.asarUnpack), name).toBe(true);
    }
  });

  it('flips the Electron fuses that close run-as-node, NODE_OPTIONS, --inspect and loading outside the asar', () => {
    expect(config.electronFuses).toMatchObject(REQUIRED_FUSES);
  });

  it('names the Electron version it packs, the same as the devDependency (the binary is optional)', () => {
    const wanted = readPackageJson().devDependencies.electron.replace(/^[\^~]/, '');
    expect(config.electronVersion).toBe(wanted);
  });
});
