/**
 * `npm run test:reliability`: hostile clients, faults and crashes (issue 8), scripts/reliability/.
 *
 * Files run one at a time: several of them measure latency, timing distributions or a server's
 * memory, and two cores shared with another heavy file would measure the neighbour instead. The
 * global setup compiles the sources once (scripts/reliability/support/global-setup.ts) so that the
 * server processes these tests start, kill and restart start in about 0.4 s instead of 1.5 s.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['scripts/reliability/**/*.rel.ts'],
    globalSetup: ['scripts/reliability/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    // A reliability test that fails must say so, not retry until it passes by luck.
    retry: 0,
  },
});
