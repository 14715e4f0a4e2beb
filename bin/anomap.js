#!/usr/bin/env node
// `anomap`: in a checkout (sources and tsx present) the TypeScript CLI runs as it is, so
// `npx anomap --help` works right after `npm install`, before any build and never from a stale
// one; without them (a packaged copy) the built CLI in dist/ runs.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src-main/cli/main.ts', import.meta.url);
const built = new URL('../dist/main/cli/main.js', import.meta.url);

async function sourceRunner() {
  if (!existsSync(fileURLToPath(source))) return false;
  try {
    const { register } = await import('tsx/esm/api');
    register();
    return true;
  } catch {
    return false;
  }
}

if (await sourceRunner()) await import(source.href);
else if (existsSync(fileURLToPath(built))) await import(built.href);
else {
  process.stderr.write(
    'anomap: neither the sources with tsx nor a build (npm run build:main) is here\n',
  );
  process.exit(1);
}
