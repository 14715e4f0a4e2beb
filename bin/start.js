#!/usr/bin/env node
// `npm start`: the desktop app where Electron's binary is installed. The binary is not fetched at
// `npm install` (package.json allowScripts: electron false), since many machines cannot reach
// its download; the first start tries to fetch it once, and where it is still missing one line
// says so and browser mode opens instead. Arguments go to browser mode (`npm start -- --port 0`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The Electron executable, or the reason there is none. */
function electronBinary() {
  try {
    const path = require('electron');
    return existsSync(path) ? { path } : { reason: `its binary ${path} is missing` };
  } catch (error) {
    return { reason: String(error.message).split('\n')[0] };
  }
}

/** Electron's own installer, once, quietly: it downloads the binary where the network allows. */
function fetchElectron() {
  let installer;
  try {
    installer = require.resolve('electron/install.js');
  } catch {
    return;
  }
  spawnSync(process.execPath, [installer], { cwd: root, stdio: 'ignore', timeout: 600_000 });
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function startDesktop(electron) {
  run(npm, ['run', 'build']);
  run(process.execPath, ['bin/native-for.cjs', 'electron']);
  const app = spawn(electron, ['.'], { cwd: root, stdio: 'inherit' });
  app.on('exit', (code) => process.exit(code ?? 0));
}

function startBrowserMode(args) {
  run(process.execPath, ['bin/native-for.cjs', 'node']);
  if (!args.includes('--renderer')) run(npm, ['run', 'build:renderer']);
  const server = spawn(process.execPath, ['bin/anomap.js', 'serve', ...args], {
    cwd: root,
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
  server.on('exit', (code) => process.exit(code ?? 0));
}

let electron = electronBinary();
if (!electron.path && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  fetchElectron();
  electron = electronBinary();
}
if (electron.path) startDesktop(electron.path);
else {
  process.stderr.write(
    `anomap: Electron is not installed (${electron.reason}); opening browser mode instead\n`,
  );
  startBrowserMode(process.argv.slice(2));
}
