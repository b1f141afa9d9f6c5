import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'resources/',
      'e2e/artifacts/',
      '.tmp/',
      'native/build/',
      'native/vendor/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // the wasm kernels must loosen tfjs's kernel typings in a few places
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // plain JavaScript run by Node (bin/, the Electron stand-in and its hooks)
    files: ['**/*.mjs', 'bin/**/*.js'],
    languageOptions: {
      globals: {
        URL: 'readonly',
        Request: 'readonly',
        Response: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
      },
    },
  },
  {
    // the native package's loader is CommonJS (require() of .node files)
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // the model core runs in Node, workers and the CLI: no DOM, no Electron
    files: ['src/model/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
      'no-restricted-imports': ['error', { paths: ['electron'] }],
    },
  },
);
