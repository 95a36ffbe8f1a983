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
      'test/poll/**/*.test.ts',
      'test/domain/**/*.test.ts',
      'test/store/**/*.test.ts',
      'test/actions/**/*.test.ts',
      'test/ui/panes.test.tsx',
      'test/ui/details.test.ts',
    ],
    setupFiles: ['test/support/futureDate.ts'],
  },
});
