/**
 * Ends the run with one plain line, `N passed, M failed[, K skipped]`, after vitest's own summary: the form CI
 * reads as a test count, with no colour codes or padding around it. Before it, the run's last step: the Spark
 * SQL grammar check over every statement the tests recorded (spark-sql.ts), counted as one more test.
 */
import { rmSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';
import { checkRecordedSparkSql } from './spark-sql-check.js';

export default class SummaryReporter implements Reporter {
  async onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): Promise<void> {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // A file that failed to load has no tests to count but must not pass unnoticed.
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++;
    }
    const dir = process.env.AIGW_TEST_SPARK_SQL_DIR;
    const grammar = dir ? await checkRecordedSparkSql(dir) : { checked: 0, failures: [] };
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (grammar.checked > 0) {
      if (grammar.failures.length === 0) {
        passed++;
        process.stdout.write(`\nSpark SQL grammar: all ${grammar.checked} recorded statements parse\n`);
      } else {
        failed++;
        process.exitCode = 1;
        process.stdout.write(`\nSpark SQL grammar: ${grammar.failures.length} of ${grammar.checked} recorded statements fail\n\n${grammar.failures.join('\n\n')}\n`);
      }
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
  }
}
