// One flat config for server, tests and web. Import direction is enforced here (server/README.md draws it):
// http, cli -> use-cases -> domain <- adapters, db; the domain and the use cases import nothing with I/O;
// http reaches neither adapters nor db; web reaches the server only through the shared contract.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const IO_PACKAGES = [
  'node:fs',
  'node:fs/promises',
  'node:net',
  'node:http',
  'node:child_process',
  'node:crypto',
  'node:os',
];
const IO_LIBRARIES = ['undici', 'better-sqlite3', 'dbus-next', 'fastify', 'pino', 'prom-client'];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'state/**',
      'tests/.report/**',
      'tests/.artifacts/**',
      '.pack/**',
      'web/public/mockServiceWorker.js',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js', 'bench/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['server/tsconfig.json', 'tests/tsconfig.json', 'web/tsconfig.json'],
          noWarnOnMultipleProjects: true,
        }),
        createNodeResolver(),
      ],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      'import-x/no-cycle': 'error',
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'exit',
          message: 'only the entry points (cli.ts, bin/) may exit the process',
        },
      ],
    },
  },
  {
    files: ['server/src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './server/src/domain',
              from: [
                './server/src/adapters',
                './server/src/db',
                './server/src/http',
                './server/src/cli',
                './server/src/main.ts',
                './server/src/app.ts',
                './server/src/logger.ts',
              ],
              // Its tests may run on the shared fakes; the zone below keeps them out of the product.
              except: ['./fakes'],
              message: 'the domain is pure: reach the outside world through domain/ports.ts',
            },
            {
              target: './server/src/use-cases',
              from: [
                './server/src/adapters',
                './server/src/db',
                './server/src/http',
                './server/src/cli',
                './server/src/contract',
                './server/src/compose.ts',
                './server/src/main.ts',
                './server/src/app.ts',
                './server/src/logger.ts',
              ],
              except: ['./fakes'],
              message: 'a use case reaches the outside world only through domain/ports',
            },
            {
              // Product code: every file of server/src except tests and the fakes and contract suites themselves.
              target: [
                './server/src/!(*.test).ts',
                './server/src/!(adapters)/**/!(*.test).ts',
                './server/src/adapters/!(fakes|contracts)/**/!(*.test).ts',
              ],
              from: ['./server/src/adapters/fakes', './server/src/adapters/contracts'],
              message: 'fakes and contract suites are for tests (*.test.ts, tests/, web/) only',
            },
            {
              target: ['./server/src/adapters', './server/src/db'],
              from: [
                './server/src/http',
                './server/src/cli',
                './server/src/use-cases',
                './server/src/main.ts',
                './server/src/app.ts',
                './server/src/compose.ts',
              ],
              message: 'adapters and stores implement ports; they know nothing of use cases, HTTP or the CLI',
            },
            {
              target: './server/src/http',
              from: [
                './server/src/adapters',
                './server/src/db',
                './server/src/compose.ts',
                './server/src/cli',
                './server/src/main.ts',
              ],
              message: 'routes call use cases (deps.services): never adapters, stores or the entry points',
            },
            {
              target: './server/src/cli',
              from: ['./server/src/http'],
              message: 'the CLI calls use cases or the server API, never the HTTP layer',
            },
            {
              target: './server/src/contract',
              from: ['./server/src/http', './server/src/cli', './server/src/adapters', './server/src/db'],
              message: 'the contract is shared by http, cli and web: it depends on none of them',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/domain/**/*.ts', 'server/src/use-cases/**/*.ts'],
    ignores: ['server/src/domain/**/*.test.ts', 'server/src/use-cases/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...IO_PACKAGES, ...IO_LIBRARIES].map((name) => ({
            name,
            message: 'no I/O in the domain or the use cases: add a port',
          })),
        },
      ],
    },
  },
  {
    // Plain JavaScript scripts (CI summary, benchmark helpers): no type information to check against.
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['server/src/cli.ts', 'server/src/entry.ts', 'bin/*.js', 'bench/**', 'scripts/**', '.ci/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.test.ts', 'tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './web/src/features',
              from: './web/src/app',
              message: 'features do not import the app shell',
            },
            {
              target: ['./web/src/components', './web/src/lib'],
              from: ['./web/src/features', './web/src/app'],
              message: 'shared code does not import features',
            },
            {
              target: './web/src',
              from: './server/src',
              except: ['./contract/api.ts', './contract/vocabulary.ts'],
              message: 'the panel knows the server only through the shared contract (@contract, @vocabulary)',
            },
          ],
        },
      ],
    },
  },
);
