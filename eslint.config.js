import tseslint from 'typescript-eslint';
import { layeringRule } from './tools/eslint/layering-rule.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tsbuild/', 'test-results/', 'src-renderer/dist/'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    plugins: { local: { rules: { layering: layeringRule } } },
    rules: {
      'local/layering': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Why: links leave the app only through src-main/electron/external-links.ts,
      // which checks the URL (Beekeeper Studio's rule for shell.openExternal).
      'no-restricted-properties': ['error', { object: 'shell', property: 'openExternal', message: 'use openExternalSafely()' }],
    },
  },
);
