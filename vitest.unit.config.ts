import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The fast unit tests beside the source (no built server, no sandbox): what mutation testing runs per mutant.
export default defineConfig({ test: { ...base.test, include: ['src/**/*.test.ts'] } });
