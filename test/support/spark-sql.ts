/**
 * The Spark SQL grammar check: every statement the product sends to a warehouse (and every statement a test
 * sends the sandbox warehouse as Databricks SQL) must parse with dt-sql-parser's SparkSQL parser, so the
 * sandbox's DuckDB shim cannot hide a construct Databricks would reject.
 *
 * The parser costs seconds to load, so test files do not load it: they record statements here (one JSON line
 * per statement, appended to a file of their process under the run's folder), and the run's last step
 * (`spark-sql-check.ts`, called by the summary reporter) parses them all once.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** The run's statement folder: vitest.config.ts names it and hands it to every test process. */
export const SPARK_SQL_DIR_SETTING = 'AIGW_TEST_SPARK_SQL_DIR';

/** Records `statements` for the end-of-run grammar check; `origin` (the test) says where a failure came from. */
export function recordSparkSql(statements: Iterable<string>, origin: string): void {
  const dir = process.env[SPARK_SQL_DIR_SETTING];
  if (!dir) throw new Error(`${SPARK_SQL_DIR_SETTING} is not set: run the tests through vitest.config.ts`);
  const lines = [...new Set(statements)].map((sql) => `${JSON.stringify({ sql, origin })}\n`).join('');
  if (!lines) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(path.join(dir, `${process.pid}.jsonl`), lines);
}

/**
 * Records every statement the product's SQL client sent the sandbox warehouse (its driver identifies itself as
 * `ai-gateway-mcp`): lookups that never appear in a tool result (information_schema, newest row) as well as each
 * tool result's `sql`, which must be among them. Returns how many distinct statements were recorded.
 */
export function recordServerSql(received: ReadonlyArray<{ sql: string; userAgent: string }> | undefined, fromResults: readonly string[], origin: string): number {
  const sent = (received ?? []).filter((s) => s.userAgent.includes('ai-gateway-mcp')).map((s) => s.sql);
  const missing = fromResults.filter((sql) => !sent.includes(sql));
  if (missing.length > 0) throw new Error(`A tool reported SQL the warehouse never received:\n${missing[0]}`);
  const distinct = new Set(sent);
  recordSparkSql(distinct, origin);
  return distinct.size;
}
