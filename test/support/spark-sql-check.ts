/**
 * The end of the Spark SQL grammar check (see spark-sql.ts): loads dt-sql-parser once, parses every statement
 * the run recorded, and says which fail. A statement Spark would refuse fails the run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface GrammarCheck {
  checked: number;
  /** One entry per statement that does not parse: where it came from, the parser's errors, the statement. */
  failures: string[];
}

/** A statement Spark refuses and DuckDB takes: if the parser accepts it, the check itself is broken. */
const NOT_SPARK = 'SELECT * FROM t QUALIFY ROW_NUMBER() OVER () = 1 LIMIT ALL OFFSET';

export async function checkRecordedSparkSql(dir: string): Promise<GrammarCheck> {
  const recorded = new Map<string, string>();
  if (existsSync(dir)) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
      for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n').filter(Boolean)) {
        const { sql, origin } = JSON.parse(line) as { sql: string; origin: string };
        if (!recorded.has(sql)) recorded.set(sql, origin);
      }
    }
  }
  if (recorded.size === 0) return { checked: 0, failures: [] };
  const { SparkSQL } = await import('dt-sql-parser');
  const parser = new SparkSQL();
  const errorsOf = (sql: string) => parser.validate(sql).map((e) => `${e.startLine}:${e.startColumn} ${e.message}`);
  const failures: string[] = [];
  if (errorsOf(NOT_SPARK).length === 0) failures.push(`the grammar check accepted a statement Spark refuses: ${NOT_SPARK}`);
  for (const [sql, origin] of recorded) {
    const errors = errorsOf(sql);
    if (errors.length > 0) failures.push(`${origin}: this statement is not Spark SQL, so a Databricks warehouse would reject it:\n${errors.join('\n')}\n--\n${sql}`);
  }
  return { checked: recorded.size, failures };
}
