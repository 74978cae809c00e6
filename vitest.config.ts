import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// One folder per run for the statements the Spark SQL grammar check parses at the end (test/support/spark-sql.ts).
process.env.AIGW_TEST_SPARK_SQL_DIR ??= path.join(tmpdir(), `ai-gateway-mcp-spark-sql-${process.pid}-${Date.now()}`);

// Two cores: keep worker count low so end-to-end suites (child servers, sandbox) do not starve each other.
// The long-running tests live in test/long/ and run with vitest.long.config.ts (`npm run test:long`), not here.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/long/**', '**/node_modules/**'],
    env: { AIGW_TEST_SPARK_SQL_DIR: process.env.AIGW_TEST_SPARK_SQL_DIR },
    pool: 'forks',
    maxWorkers: 2,
    // A worker keeps the modules it imported for the next file instead of importing them again per file: the unit
    // tests ran in 35 s instead of 107 s (59 s → 26 s of CPU). No test depends on a fresh module: state lives in
    // the runtime, the sandbox or a temp folder each test makes, and the whole suite passes either way.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
