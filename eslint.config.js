// SPDX-License-Identifier: Apache-2.0
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['src/vim25/generated/**', 'node_modules/**', '.cache/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'it', 'describe', 'suite', 'before', 'after'],
            },
          ],
        },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/explicit-function-return-type': ['error', { allowExpressions: true }],
      'max-depth': ['error', 4],
      'max-params': ['error', 5],
      complexity: ['warn', 15],
    },
  },
  {
    // Layering (docs/design.md): lower layers never import higher ones.
    files: ['src/vim25/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/vsphere/**', '**/provider/**', '**/controllers/**', '**/app/**', '**/cli/**'] },
      ],
    },
  },
  {
    files: ['src/vsphere/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/provider/**', '**/controllers/**', '**/app/**', '**/cli/**'] },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', 'tools/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/explicit-function-return-type': 'off',
      'max-depth': 'off',
      complexity: 'off',
    },
  },
  { files: ['*.js', 'bin/*.js'], ...tseslint.configs.disableTypeChecked },
  { files: ['bin/*.js'], languageOptions: { globals: { process: 'readonly' } } },
);
