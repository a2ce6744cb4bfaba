// Lint for the whole monorepo: typescript-eslint's recommended rules, no `any`, no stray console,
// and package boundaries (import another package by its name, never by a relative path into it).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/.next/**', '**/dist/**', '**/.venv/**', '**/public/**', 'test/.artifacts/**', '**/next-env.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/packages/*/src/**', '../../packages/**', '../../../packages/**', '**/apps/*/src/**'], message: 'import another package by its name (@maskwatch/<name>/<file>)' },
          ],
        },
      ],
    },
  },
  {
    // Plain Node scripts (set-up and test helpers).
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
  {
    // Command-line tools and tests print to the console on purpose.
    files: ['**/cli/**', '**/bench/**', '**/*.test.ts', 'test/**', 'infra/**'],
    rules: { 'no-console': 'off' },
  },
);
