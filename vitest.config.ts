import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  define: { CLUSTER_VERSION: JSON.stringify(version) },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/build.ts', 'test/setup/tmp.ts'],
    // A test file spends much of its time waiting for the processes, servers and daemons it drives,
    // so one file more than there are cores keeps them busy (vitest's default is one fewer: on two
    // cores, one file at a time). On this 2-core machine, test/e2e alone: 71 s with 2, 68 s with 3,
    // 56 s with 4; the whole suite is timed in the README's Development section.
    maxWorkers: availableParallelism() + 1,
    // Only a net for a test that hangs: far above what any test needs on a loaded machine
    // (npm run test:stress), so no verdict depends on how fast the machine runs.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
