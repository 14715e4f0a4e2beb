import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'out', 'release', 'runs', 'bin'] },
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
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    // Layering (ARCHITECTURE.md): only src-main/app may import electron; the engine imports no DB.
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/app/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
  {
    files: ['src-main/engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron', 'better-sqlite3'] }] },
  },
);
