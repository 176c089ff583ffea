// The Vue plugin compiles .vue files for the renderer's component tests
// (test/src-renderer, which opt into happy-dom per file); other tests are unaffected.
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [vue()],
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Chromium tests poll the page for what the run has done; under a loaded CI
    // box 1 s (vitest's default) is shorter than a simulated second at real-time pace.
    expect: { poll: { timeout: 10_000 } },
  },
});
