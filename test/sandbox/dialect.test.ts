/** The Databricks-dialect shim on its own: which tokens it rewrites and which it must leave alone. */
import { describe, expect, test } from 'vitest';
import { DialectError, literal, rewrite } from '../../src/sandbox/warehouse/dialect.js';
import { recordSparkSql } from '../support/spark-sql.js';

const shim = (sql: string, parameters: Parameters<typeof rewrite>[1]['parameters'] = []) => {
  recordSparkSql([sql], 'test/sandbox/dialect.test.ts');
  return rewrite(sql, { parameters });
};
const str = (name: string | null, value: string, type = 'STRING') => ({ name, type, value: { stringValue: value } });

describe('rewrite', () => {
  test.each([
    ['backticks become double quotes', 'SELECT `a b` FROM `workshop`.`s`.`t`', 'SELECT "a b" FROM "workshop"."s"."t"'],
    ['system catalog maps to DuckDB name', 'SELECT 1 FROM system.serving.endpoint_usage u', 'SELECT 1 FROM dbx_system.serving.endpoint_usage u'],
    ['system.information_schema maps to the UC views', 'SELECT 1 FROM system.information_schema.tables', 'SELECT 1 FROM dbx_system.uc_information_schema.tables'],
    ['a column named system is left alone', 'SELECT t.system FROM t', 'SELECT t.system FROM t'],
    ['backslash escapes and double-quoted strings become DuckDB literals', `SELECT 'it\\'s', "dq"`, `SELECT 'it''s', 'dq'`],
    ['function renames by arity', "SELECT get_json_object(r, '$.a'), percentile_approx(x, 0.9), date_sub(d, 1)", "SELECT json_extract_string(r, '$.a'), dbx_percentile_approx(x, 0.9), dbx_date_sub(d, 1)"],
    ['current_timestamp() gains a macro; current_date() is native', 'SELECT current_timestamp(), current_date()', 'SELECT dbx_current_timestamp(), current_date()'],
    ['range() as a table gets Spark column id', 'SELECT id FROM range(10)', 'SELECT id FROM dbx_range(10)'],
  ])('%s', (_why, input, output) => {
    expect(shim(input).sql).toBe(output);
  });

  test('named and ordinal markers become typed literals; literals, comments and :: are untouched', () => {
    const sql = "SELECT :who, ?, ':x ?' /* :y ? */ FROM t WHERE d >= :since -- :z\n";
    const out = rewrite(sql, {
      parameters: [str('who', "O'Brien"), str(null, '41', 'INTEGER'), str('since', '2026-01-02', 'DATE')],
    }).sql;
    expect(out).toBe("SELECT 'O''Brien', CAST('41' AS INTEGER), ':x ?' /* :y ? */ FROM t WHERE d >= CAST('2026-01-02' AS DATE) -- :z\n");
    expect(rewrite('SELECT a::int FROM t').sql).toBe('SELECT a::int FROM t');
  });

  test('IDENTIFIER(:t) becomes a quoted three-part name, with catalog mapping', () => {
    const out = shim('SELECT * FROM IDENTIFIER(:t)', [str('t', 'system.serving.endpoint_usage')]);
    expect(out.sql).toBe('SELECT * FROM "dbx_system"."serving"."endpoint_usage"');
    expect(out.systemSchemas).toEqual(['serving']);
  });

  test('reports the system schemas a statement reads, for permission checks', () => {
    expect(shim('SELECT 1 FROM system.serving.a JOIN system.ai_gateway.usage ON true').systemSchemas).toEqual(['serving', 'ai_gateway']);
    expect(shim('SELECT 1 FROM system.information_schema.tables').systemSchemas).toEqual([]);
  });

  test('an unbound marker is an error naming it', () => {
    expect(() => rewrite('SELECT :missing')).toThrow(DialectError);
    expect(() => rewrite('SELECT ?')).toThrow(/position 1/);
  });
});

describe('literal', () => {
  test.each([
    [{ name: 'x' }, 'NULL'],
    [str('x', 'TRUE', 'BOOLEAN'), "CAST('TRUE' AS BOOLEAN)"],
    [str('x', '2026-01-01T00:00:00.000Z', 'TIMESTAMP'), "CAST(CAST('2026-01-01T00:00:00.000Z' AS TIMESTAMPTZ) AS TIMESTAMP)"],
    [str('x', '1.50', 'DECIMAL(10,2)'), "CAST('1.50' AS DECIMAL(10,2))"],
  ])('%j → %s', (p, sql) => {
    expect(literal(p)).toBe(sql);
  });

  test('an unsupported type is refused with the supported ones named', () => {
    expect(() => literal(str('x', '1', 'ARRAY<INT>'))).toThrow(/use STRING, a number type/);
  });
});
