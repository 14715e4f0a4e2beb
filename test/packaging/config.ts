import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

export const root = resolve(import.meta.dirname, '../..');

export interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asarUnpack: string[];
  linux: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
}

export function readBuilderConfig(): BuilderConfig {
  return parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

export function readPackageJson(): { main: string; name: string; version: string } {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    main: string;
    name: string;
    version: string;
  };
}
