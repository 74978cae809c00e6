/**
 * Mutation testing of the pure domain and the seams every tool goes through (`npm run mutation`). Only the fast
 * unit tests run against each mutant (vitest.unit.config.ts): the end-to-end suites build and spawn servers and
 * would make a run take hours. See README "Mutation testing" for the score and how to read the report.
 * Options: https://stryker-mutator.io/docs/stryker-js/configuration/
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.unit.config.ts' },
  mutate: ['src/governance/**/*.ts', 'src/state/**/*.ts', 'src/tools/define-tool.ts', 'src/shared/tool-error.ts', '!src/**/*.test.ts'],
  coverageAnalysis: 'perTest',
  // A mutant in module-level code (rule tables, patterns) is only active if every test file that imports the module
  // reloads, and runs all their tests, cold SQL parser included: ~20 % of the mutants, ~90 % of the time. They are
  // left out of the score; `npm run mutation -- --mutate <file>` with ignoreStatic: false measures one file's.
  ignoreStatic: true,
  // The machine's two cores are shared with other work.
  concurrency: 2,
  // Re-tests only the mutants whose code or covering tests changed since the last run; the file is per machine, kept out of git.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // Each mutant re-imports its tests; on a loaded machine that alone can exceed Stryker's default 5 s allowance.
  timeoutMS: 30_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 80, low: 70, break: null },
};
