#!/usr/bin/env node
// Entry for `anomap` once built (npm run build:main); during development use `npm run cli --`.
import('../dist/main/cli/main.js');
