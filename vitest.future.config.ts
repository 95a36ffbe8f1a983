import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * The time-sensitive tests again, with the system date 400 days ahead (test/support/futureDate.ts): whatever ages
 * or expires data must read the injected clock, so these pass a year from now as they do today.
 */
export default defineConfig({
  test: {
    ...base.test,
    include: [
      'test/recorder/**/*.test.ts',
      // The pollers with the recorder and what ages failures (the budget and stall tests run on virtual time only).
      'test/poll/recording.test.ts',
      'test/poll/monitor.test.ts',
      'test/poll/snapshot.test.ts',
      'test/poll/triage.test.ts',
      'test/domain/**/*.test.ts',
      'test/store/**/*.test.ts',
      'test/actions/**/*.test.ts',
      'test/ui/panes.test.tsx',
      'test/ui/details.test.ts',
    ],
    setupFiles: ['test/support/futureDate.ts'],
  },
});
