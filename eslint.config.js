// `npm run lint` (part of `npm test`). Rules that catch bugs, not a style: Prettier formats (`npm run format`).
import js from '@eslint/js'
import {createNodeResolver, importX} from 'eslint-plugin-import-x'
import globals from 'globals'
import tseslint from 'typescript-eslint'

import {layerRules} from './eslint.layers.js'

const typeScript = ['**/*.ts']

export default [
  {ignores: ['dist/**', 'node_modules/**']},
  js.configs.recommended,
  {files: ['**/*.{js,mjs}'], languageOptions: {globals: globals.node}},
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({...config, files: typeScript})),
  {
    files: typeScript,
    languageOptions: {parserOptions: {projectService: true, tsconfigRootDir: import.meta.dirname}},
    plugins: {'import-x': importX},
    // no-cycle follows each import into the file it names (`./scan.js` is scan.ts), parsed as TypeScript.
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': {'@typescript-eslint/parser': ['.ts']},
      'import-x/resolver-next': [
        createNodeResolver({extensions: ['.ts', '.js'], extensionAlias: {'.js': ['.ts', '.js']}}),
      ],
    },
    rules: {
      eqeqeq: 'error',
      // A let that a closure reads before its one assignment (a callback wired before the object exists).
      'prefer-const': ['error', {ignoreReadBeforeAssign: true}],
      'no-empty': ['error', {allowEmptyCatch: true}],
      // An async function with nothing to await still meets an interface that returns a promise.
      '@typescript-eslint/require-await': 'off',
      'no-self-compare': 'error',
      'no-constant-binary-expression': 'error',
      'array-callback-return': 'error',
      'no-template-curly-in-string': 'error',
      // A value thrown or rejected that came from elsewhere (an AbortSignal's reason) is passed on as it is.
      '@typescript-eslint/only-throw-error': ['error', {allowThrowingAny: true, allowThrowingUnknown: true}],
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        {allowThrowingAny: true, allowThrowingUnknown: true},
      ],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', {considerDefaultExhaustiveForUnions: true}],
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', caughtErrors: 'none'}],
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
    },
  },
  // Tests and benches read JSON and poke at internals: `any` there is what JSON.parse gives.
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Tests write control characters on purpose: making them visible is what cfws does.
      'no-control-regex': 'off',
    },
  },
  ...layerRules,
]
