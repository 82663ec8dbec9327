import { defineConfig } from 'vitest/config';

// The project's own tests. Runner tests start real runtimes, so they get generous timeouts and the
// files run in separate processes, two at a time on the 2-core machines CI uses.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'core/**/*.test.ts', 'runners/**/*.test.ts', 'reports/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
