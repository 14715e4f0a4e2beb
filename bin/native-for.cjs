#!/usr/bin/env node
// better-sqlite3 is a native module built for one runtime at a time: `npm start` rebuilds it for
// Electron (electron-builder install-app-deps), the CLI, browser mode and the tests need it built
// for Node. `node bin/native-for.cjs node` rebuilds it for Node only when loading it fails.
const { execSync } = require('node:child_process');
const target = process.argv[2] ?? 'node';
if (target === 'node') {
  try {
    const Database = require('better-sqlite3');
    new Database(':memory:').close();
  } catch (error) {
    process.stderr.write(
      `better-sqlite3 does not load under Node (${error.message.split('\n')[0]}); rebuilding it for Node\n`,
    );
    execSync('npm rebuild better-sqlite3', { stdio: 'inherit' });
  }
} else if (target === 'electron') {
  execSync('npx electron-builder install-app-deps', { stdio: 'inherit' });
} else {
  process.stderr.write(`usage: native-for.cjs node|electron\n`);
  process.exit(2);
}
