import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Top-level folders of the product (src/): what the sandbox must never import. */
const PRODUCT = ['catalog', 'cli', 'deployments', 'errors', 'fleet', 'io', 'journal', 'notify', 'parameters', 'planning', 'report', 'settings', 'support'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // The core never prints: output goes through an IoHost (src/io). Only renderers,
      // the CLI entry point and the sandbox's own ready line may write to the console.
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Import direction: the CLI adapts the core, never the other way round (tests included).
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+cli/', message: 'Only src/cli/ imports src/cli/: the core returns data and the CLI adapts it (src/index.ts is the core API).' }] },
      ],
    },
  },
  {
    // The sandbox is a model of AWS: it imports nothing of the product it is a test bed for
    // (src/sandbox/independence.test.ts checks every import path as well).
    files: ['src/sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: `^(\\.\\./)+(${PRODUCT.join('|')})(/|$)`, message: `The sandbox imports nothing from the product (${PRODUCT.map((p) => `${p}/`).join(', ')}).` },
            { regex: '^pantherctl(/|$)', message: 'The sandbox imports nothing from the product.' },
          ],
        },
      ],
    },
  },
  {
    files: ['bench/**', 'scripts/**', 'bin/**', 'examples/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['bin/**/*.js', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
