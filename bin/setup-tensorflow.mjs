#!/usr/bin/env node
// npm run setup:tensorflow [-- --wheel FILE] [--force] [--no-download] [--optional]
//
// Makes the native 'tensorflow' backend (@tensorflow/tfjs-node) available. In order:
//   1. it is already there and loads: nothing to do (safe to run twice);
//   2. tfjs-node's own install script, which downloads libtensorflow 2.9.1 and a prebuilt addon
//      (works where the network allows it);
//   3. TensorFlow's C library from a `tensorflow-cpu` wheel (a file named with --wheel or
//      ANOMAP_TENSORFLOW_WHEEL for air-gapped sites, else fetched with `pip download`), and the
//      addon built against it with npm's own node-gyp and Node's installed headers.
// The 600 MB library lives in node_modules and in a cache outside the repository, never in git.
// Where none of this works, the engine goes on with wasm; this command then exits non-zero, or
// with 0 under --optional (what `npm install` runs, so that an install never fails for it).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const packageName = '@tensorflow/tfjs-node';
/** The TensorFlow release whose C library the engine's op checks were run against. */
const wheelRequirement = process.env.ANOMAP_TENSORFLOW_PIP ?? 'tensorflow-cpu==2.21.0';
/** N-API version of the addon we build: tfjs-node 4.22 lists 3-8 and loads the highest Node has. */
const napiVersion = 8;

/** Under --optional (npm install's postinstall) a failure is reported but exits with 0. */
const optional = process.argv.includes('--optional');
const args = parseArgs(process.argv.slice(2));

function parseArgs(argv) {
  const parsed = {
    wheel: process.env.ANOMAP_TENSORFLOW_WHEEL ?? null,
    force: false,
    download: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--wheel') parsed.wheel = argv[++i] ?? fail('--wheel needs a file');
    else if (arg === '--force') parsed.force = true;
    else if (arg === '--no-download') parsed.download = false;
    else if (arg === '--optional') continue;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        readFileSync(fileURLToPath(import.meta.url), 'utf8')
          .split('\n')
          .slice(1, 13)
          .map((line) => line.replace(/^\/\/ ?/, ''))
          .join('\n') + '\n',
      );
      process.exit(0);
    } else fail(`unknown option ${arg} (see --help)`);
  }
  return parsed;
}

function say(line) {
  process.stdout.write(`setup:tensorflow: ${line}\n`);
}

function fail(message) {
  process.stderr.write(`setup:tensorflow: ${message}\n`);
  process.stderr.write(
    optional
      ? 'setup:tensorflow: the engine will run on wasm (slower); `npm run setup:tensorflow` tries again.\n'
      : 'setup:tensorflow: the engine will run on wasm (slower) until this succeeds.\n',
  );
  process.exit(optional ? 0 : 1);
}

/** Loads the backend in a fresh process and returns what it reports, or null with the reason. */
function probe() {
  const script = `
    const tf = require('${packageName}');
    const sum = tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync();
    if (sum[0] !== 4 || sum[1] !== 6) throw new Error('1+3 is not 4');
    process.stdout.write(JSON.stringify({ tensorflow: tf.backend().binding.TF_Version, tfjsNode: tf.version['tfjs-node'] }));`;
  const result = spawnSync(process.execPath, ['-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  });
  if (result.status === 0) return { ok: true, versions: JSON.parse(result.stdout) };
  return {
    ok: false,
    why:
      (result.stderr || '').trim().split('\n').filter(Boolean).slice(-1)[0] ??
      `exit ${result.status}`,
  };
}

function packageDir() {
  try {
    return dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    return null;
  }
}

function lockedVersion() {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  return lock.packages?.[`node_modules/${packageName}`]?.version ?? '4.22.0';
}

/** npm drops an optional package whose install script failed: put it back, without scripts. */
function ensurePackage() {
  const existing = packageDir();
  if (existing != null && existsSync(join(existing, 'binding.gyp'))) return existing;
  const spec = `${packageName}@${lockedVersion()}`;
  say(`installing ${spec} without its download script`);
  run(npmCommand(), ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', spec], {
    cwd: root,
  });
  return packageDir() ?? fail(`${spec} did not install`);
}

function npmCommand() {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', ...options });
  if (result.error) fail(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${commandArgs.join(' ')} exited with ${result.status}`);
}

function tryOfficialDownload(dir) {
  if (!args.download) return false;
  say("trying tfjs-node's own download of libtensorflow");
  const result = spawnSync(process.execPath, [join(dir, 'scripts', 'install.js')], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  if (result.status === 0 && probe().ok) return true;
  const reason = `${result.stderr ?? ''}${result.stdout ?? ''}`.match(
    /(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo[^\n]*|\d{3} [A-Z][a-z]+)/,
  )?.[0];
  say(
    `the download did not work (${reason ?? `exit ${result.status}`}); building against a tensorflow-cpu wheel instead`,
  );
  return false;
}

function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'anomap', 'tensorflow');
}

function findOrFetchWheel() {
  if (args.wheel != null) {
    const file = resolve(args.wheel);
    if (!existsSync(file) || !statSync(file).isFile()) fail(`--wheel ${file} is not a file`);
    return file;
  }
  const wheelDir = join(cacheDir(), 'wheels');
  const cached = wheelsIn(wheelDir);
  if (cached.length > 0) return cached[0];
  mkdirSync(wheelDir, { recursive: true });
  say(`fetching ${wheelRequirement} with pip (about 260 MB)`);
  const python = ['python3', 'python'].find(
    (name) => spawnSync(name, ['-m', 'pip', '--version']).status === 0,
  );
  if (python == null)
    fail(
      'no python with pip to fetch the tensorflow-cpu wheel; name a wheel file with --wheel FILE',
    );
  const result = spawnSync(
    python,
    ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', wheelRequirement, '-d', wheelDir],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const fetched = wheelsIn(wheelDir);
  if (result.status !== 0 || fetched.length === 0)
    fail(`pip could not fetch ${wheelRequirement}; name a wheel file with --wheel FILE`);
  return fetched[0];
}

function wheelsIn(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^tensorflow(_cpu)?-.*\.whl$/.test(name))
    .map((name) => join(dir, name));
}

/** The C library and the C API headers from the wheel, unpacked once per wheel into the cache. */
function unpackWheel(wheel) {
  const id = createHash('sha256')
    .update(`${basename(wheel)}:${statSync(wheel).size}`)
    .digest('hex')
    .slice(0, 12);
  const target = join(cacheDir(), `libtensorflow-${id}`);
  const stamp = join(target, 'unpacked.json');
  if (existsSync(stamp)) return target;
  rmSync(target, { recursive: true, force: true });
  const raw = join(target, 'raw');
  mkdirSync(raw, { recursive: true });
  say(`unpacking the C library from ${basename(wheel)}`);
  const members = [
    'tensorflow/libtensorflow_cc.so.2',
    'tensorflow/libtensorflow_framework.so.2',
    'tensorflow/include/tensorflow/c/*',
    'tensorflow/include/tsl/c/*',
    'tensorflow/include/xla/tsl/c/*',
    'tensorflow/include/tensorflow/core/platform/ctstring*',
    'tensorflow/include/tsl/platform/ctstring*',
  ];
  const unzip = spawnSync('unzip', ['-q', '-o', wheel, ...members, '-d', raw], {
    stdio: 'inherit',
  });
  // unzip exits 11 when a pattern matched nothing (e.g. xla/tsl/c in an older wheel).
  if (unzip.error || (unzip.status !== 0 && unzip.status !== 11))
    fail(`could not unpack ${wheel} with unzip`);
  const lib = join(target, 'lib');
  mkdirSync(lib, { recursive: true });
  for (const name of ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2']) {
    const from = join(raw, 'tensorflow', name);
    if (!existsSync(from)) fail(`${basename(wheel)} has no ${name}: not a Linux tensorflow wheel`);
    copyFileSync(from, join(lib, name));
    // Debug symbols are most of the size (850 -> 635 MB for the pair); strip is optional.
    spawnSync('strip', ['--strip-unneeded', join(lib, name)]);
  }
  // -ltensorflow must find the library that exports the C and eager C API: libtensorflow_cc.
  symlinkSync('libtensorflow_cc.so.2', join(lib, 'libtensorflow.so'));
  symlinkSync('libtensorflow_framework.so.2', join(lib, 'libtensorflow_framework.so'));
  execFileSync('mv', [join(raw, 'tensorflow', 'include'), join(target, 'include')]);
  rmSync(raw, { recursive: true, force: true });
  writeFileSync(
    stamp,
    JSON.stringify({ wheel: basename(wheel), unpackedAt: new Date().toISOString() }, null, 2),
  );
  return target;
}

/** deps/ of the package: hard links into the cache where the file system allows, else copies. */
function installDeps(dir, unpacked) {
  const deps = join(dir, 'deps');
  rmSync(deps, { recursive: true, force: true });
  mkdirSync(join(deps, 'lib'), { recursive: true });
  for (const name of ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2']) {
    const from = join(unpacked, 'lib', name);
    const to = join(deps, 'lib', name);
    try {
      linkSync(from, to);
    } catch {
      copyFileSync(from, to);
    }
  }
  symlinkSync('libtensorflow_cc.so.2', join(deps, 'lib', 'libtensorflow.so'));
  symlinkSync('libtensorflow_cc.so.2', join(deps, 'lib', 'libtensorflow.so.2'));
  symlinkSync('libtensorflow_framework.so.2', join(deps, 'lib', 'libtensorflow_framework.so'));
  execFileSync('cp', ['-r', join(unpacked, 'include'), join(deps, 'include')]);
}

function nodeGyp() {
  const candidates = [
    process.env.npm_execpath &&
      join(
        dirname(process.env.npm_execpath),
        '..',
        'node_modules',
        'node-gyp',
        'bin',
        'node-gyp.js',
      ),
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ].filter(Boolean);
  for (const candidate of candidates) if (existsSync(candidate)) return candidate;
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return fail(`node-gyp not found (looked in ${candidates.join(', ')})`);
  }
}

/** Node's own headers, so that node-gyp needs no download. */
function nodeHeadersDir() {
  const candidates = [process.config.variables.node_prefix, join(dirname(process.execPath), '..')];
  return (
    candidates.find((dir) => dir && existsSync(join(dir, 'include', 'node', 'node_api.h'))) ?? null
  );
}

function buildAddon(dir) {
  say(`building the N-API v${napiVersion} addon against it`);
  const headers = nodeHeadersDir();
  const gypArgs = [
    nodeGyp(),
    'rebuild',
    `--module_name=tfjs_binding`,
    `--module_path=${join(dir, 'lib', `napi-v${napiVersion}`)}`,
    `--napi_build_version=${napiVersion}`,
    ...(headers != null ? [`--nodedir=${headers}`] : []),
  ];
  run(process.execPath, gypArgs, { cwd: dir });
}

function writeStamp(dir, source, versions) {
  writeFileSync(
    join(dir, 'anomap-setup.json'),
    JSON.stringify({ source, ...versions, builtAt: new Date().toISOString() }, null, 2) + '\n',
  );
}

function main() {
  const before = probe();
  if (before.ok && !args.force) {
    say(
      `already available: TensorFlow ${before.versions.tensorflow} through tfjs-node ${before.versions.tfjsNode}; nothing to do`,
    );
    return;
  }
  const dir = ensurePackage();
  if (tryOfficialDownload(dir)) {
    const after = probe();
    writeStamp(dir, "tfjs-node's download", after.versions);
    say(`done: TensorFlow ${after.versions.tensorflow} from tfjs-node's download`);
    return;
  }
  const wheel = findOrFetchWheel();
  const unpacked = unpackWheel(wheel);
  installDeps(dir, unpacked);
  buildAddon(dir);
  const after = probe();
  if (!after.ok) fail(`the addon was built but does not load: ${after.why}`);
  writeStamp(dir, `wheel ${basename(wheel)}`, after.versions);
  say(
    `done: TensorFlow ${after.versions.tensorflow} (from ${basename(wheel)}, cached in ${unpacked}) through tfjs-node ${after.versions.tfjsNode}`,
  );
  say('ANOMAP_BACKEND is not needed: the engine picks tensorflow first when it loads.');
}

main();
