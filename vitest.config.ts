import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Property tests replay many command sequences; give them room on a 2-core CI machine.
    testTimeout: 120_000,
    // Set-up hooks start real servers and browsers (child processes compiled by tsx): on a loaded
    // 2-core machine that has taken more than vitest's default 10 s.
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'] },
      },
      {
        // The journeys in a real browser against the real server (DESIGN.md §5): `npm run
        // test:e2e` runs them alone, `npm test` with the rest. The apps are built once first.
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['e2e/global-setup.ts'],
        },
      },
    ],
  },
});
