import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The fast unit tests beside the source (no built server, no sandbox): what mutation testing runs per mutant.
// Isolated per file, as StrykerJS's vitest runner was measured with (README "Mutation testing").
export default defineConfig({ test: { ...base.test, include: ['src/**/*.test.ts'], isolate: true } });
