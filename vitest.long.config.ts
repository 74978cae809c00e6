import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The long-running tests (a million rows through the driver, …): run by `npm run test:long` and by CI, kept out
// of `npm test` so the default suite stays fast on a 2-core machine.
export default defineConfig({ test: { ...base.test, include: ['test/long/**/*.test.ts'], exclude: ['**/node_modules/**'] } });
