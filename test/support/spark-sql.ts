/**
 * The Spark SQL grammar check: every statement the product sends to a warehouse must parse with dt-sql-parser's
 * SparkSQL parser, so the sandbox's DuckDB shim cannot hide a construct Databricks would reject.
 */
import { SparkSQL } from 'dt-sql-parser';

const parser = new SparkSQL();

/** Grammar errors of `sql` as `line:column message`; empty when it parses. */
export function sparkSqlErrors(sql: string): string[] {
  return parser.validate(sql).map((e) => `${e.startLine}:${e.startColumn} ${e.message}`);
}

export function assertSparkSql(sql: string): void {
  const errors = sparkSqlErrors(sql);
  if (errors.length > 0) {
    throw new Error(`This statement is not Spark SQL, so a Databricks warehouse would reject it:\n${errors.join('\n')}\n--\n${sql}`);
  }
}

/**
 * Checks every statement the product's SQL client sent to the sandbox warehouse (its driver identifies itself
 * as `ai-gateway-mcp`): lookups that never appear in a tool result (information_schema, newest row) as well as
 * each tool result's `sql`, which must be among them. Returns how many distinct statements were checked.
 */
export function assertServerSqlIsSpark(received: ReadonlyArray<{ sql: string; userAgent: string }> | undefined, fromResults: readonly string[]): number {
  const sent = (received ?? []).filter((s) => s.userAgent.includes('ai-gateway-mcp')).map((s) => s.sql);
  const missing = fromResults.filter((sql) => !sent.includes(sql));
  if (missing.length > 0) throw new Error(`A tool reported SQL the warehouse never received:\n${missing[0]}`);
  const distinct = new Set(sent);
  for (const sql of distinct) assertSparkSql(sql);
  return distinct.size;
}
