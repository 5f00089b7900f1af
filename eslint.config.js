// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Code that must stay pure: no clock, no randomness, no I/O (STYLE.md, Shape). */
const pureSources = ['packages/engine/src/**/*.ts', 'packages/protocol/src/**/*.ts'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'coverage/**', 'data/**', '**/dist/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Destructuring a field away to copy the rest is how records drop derived parts.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use an `as const` object and a derived union.' },
      ],
    },
  },
  {
    files: pureSources,
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'The engine takes time as epoch ms in each command.' },
        { name: 'setTimeout', message: 'Timers are state: report nextDeadline() instead.' },
        { name: 'setInterval', message: 'Timers are state: report nextDeadline() instead.' },
        { name: 'process', message: 'No I/O in pure code.' },
        { name: 'console', message: 'The engine does not log: its events are its record.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use the seeded generator in the state.' },
        { object: 'performance', property: 'now', message: 'Time comes in with the command.' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'crypto'], message: 'No I/O in pure code.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['packages/*/test/**/*.ts', 'test/**/*.ts', 'e2e/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
