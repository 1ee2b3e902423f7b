import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// SWC instead of esbuild: Nest's dependency injection and GraphQL code-first
// need decorator metadata, which esbuild does not emit.
export default defineConfig({
  plugins: [
    swc.vite({
      tsconfigFile: false,
      module: { type: 'es6' },
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: {
          legacyDecorator: true,
          decoratorMetadata: true,
          useDefineForClassFields: false,
          // The member UI's component tests (apps/web/src/**/*.spec.tsx): React's automatic JSX runtime.
          react: { runtime: 'automatic' },
        },
        keepClassNames: true,
      },
    }),
  ],
  resolve: {
    alias: {
      '@gatehouse/mesh': here('./libs/mesh/src/index.ts'),
      '@gatehouse/workflow': here('./libs/workflow/src/index.ts'),
    },
  },
  test: {
    include: [
      'libs/*/src/**/*.spec.ts',
      'apps/*/src/**/*.spec.ts',
      'apps/web/src/**/*.spec.tsx',
      'test/**/*.spec.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for what a real browser or gateway does next; on a loaded two-core box
    // that can take longer than the default second.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
