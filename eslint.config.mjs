// ESLint over the TypeScript (`npm run lint`, a step of `npm test`): eslint's
// and typescript-eslint's recommended sets. The product code (extension/,
// webview/) logs through its logger, never the console; tests, benchmarks
// and scripts print as their job. A name starting with "_" is unused on
// purpose (`for await (const _ of stream)`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'build*/**', 'prebuilds/**', 'node_modules/**', '.cache/**', 'native/**', 'test/fixtures/**', 'media/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['extension/**/*.ts', 'webview/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
);
