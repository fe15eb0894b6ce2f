import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'commands/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules/**', 'scratch/**', 'test/bench/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
