import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['edge.test.mjs'],
    // One edgecompat run per target happens before its tests (a Next.js build is part of it).
    hookTimeout: 600_000,
    // Rerun in watch mode when a case, the expectations or the config change, not only the test file.
    forceRerunTriggers: ['**/edgecompat/**/*.yaml', '**/edgecompat.config.yaml'],
  },
});
