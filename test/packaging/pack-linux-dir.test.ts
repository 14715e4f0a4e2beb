/**
 * Packs the app for real, offline: `electron-builder --linux dir` with a stand-in Electron
 * (an executable named electron and a version file) and no native rebuild, over a copy of the
 * project whose built output is stood in for; then reads the asar and the unpacked tree.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { REQUIRED_FUSES, readPackageJson, root } from './config.ts';

/** Where @electron/fuses finds the fuse wire in an Electron binary. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSE_ORDER = [
  'runAsNode',
  'enableCookieEncryption',
  'enableNodeOptionsEnvironmentVariable',
  'enableNodeCliInspectArguments',
  'enableEmbeddedAsarIntegrityValidation',
  'onlyLoadAppFromAsar',
] as const;

/** The fuses of a packed binary, read back from the wire after the sentinel. */
function fusesOf(binary: string): Record<string, boolean> {
  const bytes = readFileSync(binary);
  const wire = bytes.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length + 2;
  return Object.fromEntries(FUSE_ORDER.map((name, i) => [name, bytes[wire + i] === 0x31]));
}

const run = promisify(execFile);
const nativeBackendSetUp = existsSync(
  join(root, 'node_modules', '@tensorflow', 'tfjs-node', 'lib', 'napi-v8', 'tfjs_binding.node'),
);
const work = mkdtempSync(join(tmpdir(), 'anomap-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** The file list inside an asar archive: a JSON header after two little pickle sizes. */
function asarFiles(archive: string): string[] {
  const bytes = readFileSync(archive);
  const headerLength = bytes.readUInt32LE(12);
  const header = JSON.parse(bytes.subarray(16, 16 + headerLength).toString('utf8')) as AsarNode;
  const files: string[] = [];
  const walk = (node: AsarNode, prefix: string) => {
    for (const [name, child] of Object.entries(node.files ?? {})) {
      if (child.files) walk(child, `${prefix}${name}/`);
      else files.push(`${prefix}${name}`);
    }
  };
  walk(header, '');
  return files;
}
interface AsarNode {
  files?: Record<string, AsarNode>;
}

describe('electron-builder --linux dir (offline)', () => {
  it(
    'packs main, preload, worker, renderer and models into the asar and unpacks the native modules',
    { timeout: 300_000 },
    async () => {
      const electronDist = join(work, 'electron');
      // The stand-in carries a fuse wire as Electron's binary does: sentinel, version 1, eight
      // fuses in Electron's default states ('1' on, '0' off).
      write(
        join(electronDist, 'electron'),
        `#!/bin/sh\necho stand-in electron\n# ${FUSE_SENTINEL}\x01\x0810111101\n`,
      );
      chmodSync(join(electronDist, 'electron'), 0o755);
      write(join(electronDist, 'version'), '41.7.1');

      const project = join(work, 'project');
      mkdirSync(project);
      for (const file of ['package.json', 'electron-builder.yml'])
        copyFileSync(join(root, file), join(project, file));
      mkdirSync(join(project, 'resources'));
      copyFileSync(join(root, 'resources', 'icon.png'), join(project, 'resources', 'icon.png'));
      const { main } = readPackageJson();
      for (const built of [
        main,
        'dist/main/app/preload.cjs',
        'dist/main/jobs/worker.js',
        'dist/main/app/main.js.map',
      ]) {
        write(join(project, built), '// stand-in for the compiled file\n');
      }
      write(
        join(project, 'dist', 'renderer', 'index.html'),
        '<!doctype html><title>Anomap</title>',
      );
      write(join(project, 'models', 'README.md'), '# models\n');
      symlinkSync(join(root, 'node_modules'), join(project, 'node_modules'), 'dir');

      const out = join(work, 'out');
      const builder = join(root, 'node_modules', '.bin', 'electron-builder');
      await run(
        builder,
        [
          '--linux',
          'dir',
          `-c.electronDist=${electronDist}`,
          '-c.npmRebuild=false',
          `-c.directories.output=${out}`,
        ],
        {
          cwd: project,
          env: { ...process.env, CI: 'true' },
          maxBuffer: 16 * 1024 * 1024,
        },
      );

      const app = join(out, 'linux-unpacked');
      expect(existsSync(join(app, 'anomap'))).toBe(true); // the stand-in, renamed after the package
      expect(fusesOf(join(app, 'anomap'))).toEqual(REQUIRED_FUSES);
      const packed = asarFiles(join(app, 'resources', 'app.asar'));
      for (const file of [
        'package.json',
        main,
        'dist/main/app/preload.cjs',
        'dist/main/jobs/worker.js',
        'dist/renderer/index.html',
      ]) {
        expect(packed, file).toContain(file);
      }
      expect(packed).not.toContain('dist/main/app/main.js.map');
      expect(packed.some((file) => file.startsWith('node_modules/zod/'))).toBe(true);
      expect(packed.some((file) => file.startsWith('node_modules/vitest/'))).toBe(false); // dev only
      const unpacked = join(app, 'resources', 'app.asar.unpacked');
      expect(existsSync(join(unpacked, 'models', 'README.md'))).toBe(true);
      expect(
        existsSync(
          join(
            unpacked,
            'node_modules',
            'better-sqlite3',
            'build',
            'Release',
            'better_sqlite3.node',
          ),
        ),
      ).toBe(true);
      expect(existsSync(join(unpacked, 'node_modules', 'sharp', 'package.json'))).toBe(true);
      expect(existsSync(join(unpacked, 'node_modules', '@rollup'))).toBe(false);
      // The native backend, where it is set up (CI requires it): the addon and TensorFlow's C
      // library beside it, outside the asar, where the addon's rpath ($ORIGIN/../../deps/lib) looks.
      if (nativeBackendSetUp || process.env.ANOMAP_REQUIRE_TENSORFLOW === '1') {
        const tfjsNode = join(unpacked, 'node_modules', '@tensorflow', 'tfjs-node');
        for (const file of [
          'package.json',
          'lib/napi-v8/tfjs_binding.node',
          'deps/lib/libtensorflow_cc.so.2',
          'deps/lib/libtensorflow_framework.so.2',
        ])
          expect(existsSync(join(tfjsNode, file)), file).toBe(true);
      }
    },
  );
});
