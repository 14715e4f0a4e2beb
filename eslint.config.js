import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';
import globals from 'globals';

/**
 * The layers of ARCHITECTURE.md, enforced: imports point down. Doors (app, server, cli, renderer)
 * -> api -> jobs -> engine, library; the contract and files/ (bounded file reads) at the ground,
 * importing nothing of ours.
 * Each zone names what the files under `target` may not import (`from`), on resolved paths.
 */
const doors = ['./src-main/app', './src-main/server', './src-main/cli', './src-renderer'];
const layerZones = [
  {
    target: './src-main/files',
    from: [
      './src-main/contract',
      './src-main/engine',
      './src-main/library',
      './src-main/jobs',
      './src-main/api',
      ...doors,
    ],
    message:
      'files/ (bounded reads of regular files, CSV tables) is ground: it imports nothing of ours.',
  },
  {
    target: './src-main/contract',
    from: [
      './src-main/engine',
      './src-main/library',
      './src-main/jobs',
      './src-main/api',
      ...doors,
    ],
    message: 'The contract is the ground: it imports nothing of ours.',
  },
  {
    target: './src-main/engine',
    from: ['./src-main/library', './src-main/jobs', './src-main/api', ...doors],
    message: 'The engine is ML only: it imports the contract and nothing above it.',
  },
  {
    target: './src-main/library',
    from: ['./src-main/engine', './src-main/jobs', './src-main/api', ...doors],
    message: 'The library stands beside the engine: it imports the contract and nothing above it.',
  },
  {
    target: './src-main/jobs',
    from: ['./src-main/api', ...doors],
    message: 'Jobs run the engine and write the library; they import nothing above them.',
  },
  {
    target: './src-main/api',
    from: doors,
    message: 'The api is what every door calls; it imports no door.',
  },
  ...doors
    .filter((door) => door !== './src-renderer')
    .map((door) => ({
      target: door,
      // The CLI's `serve` starts the browser-mode server: the one door that opens another.
      from: doors.filter(
        (other) => other !== door && !(door.endsWith('cli') && other.endsWith('server')),
      ),
      message: 'A door imports no other door.',
    })),
  {
    target: './src-renderer',
    from: './src-main',
    except: ['./contract'],
    message: 'The renderer talks to the api client only: from src-main it imports the contract.',
  },
  {
    target: [
      './src-main/jobs',
      './src-main/api',
      ...doors.filter((d) => d.startsWith('./src-main')),
    ],
    from: './src-main/engine',
    except: ['./index.ts', './types.ts'],
    message: 'Outside the engine, only engine/index.ts (and its plain data, types.ts) is imported.',
  },
];

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'out', 'release', 'runs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // CommonJS scripts (bin/native-for.cjs) load modules with require().
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    files: ['src-main/**/*.{ts,cts}', 'src-renderer/**/*.{ts,svelte}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver()],
      // no-cycle parses the files it follows: TypeScript ones with the TypeScript parser.
      'import-x/extensions': ['.ts', '.cts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.cts'] },
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // Only src-main/app may import electron; the engine imports no database either.
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/app/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
  {
    files: ['src-main/engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron', 'better-sqlite3'] }] },
  },
);
