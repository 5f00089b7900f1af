import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // Property tests replay many command sequences; give them room on a 2-core CI machine.
    testTimeout: 120_000,
  },
});
