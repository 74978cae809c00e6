/**
 * A statement the product sends to a SQL warehouse: Databricks SQL text with `:name` markers, and the values
 * bound to them. Builders create the markers through `SqlParams`, so a value can only ever reach the warehouse
 * as a parameter and two builders composing one statement cannot collide on a name.
 */

/** Spark parameter types the builders ask for explicitly; anything else is inferred from the JS value. */
export type SqlParamType = 'STRING' | 'DATE' | 'TIMESTAMP' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN';

export type SqlValue = string | number | boolean | null | { type: SqlParamType; value: string | number | boolean };

export interface SqlStatement {
  sql: string;
  params: Record<string, SqlValue>;
}

export class SqlParams {
  readonly values: Record<string, SqlValue> = {};
  private counter = 0;

  /** Binds `value` and returns its marker, e.g. `:endpoint` or `:endpoint_2` on reuse of a stem. */
  bind(stem: string, value: SqlValue): string {
    let name = stem;
    while (name in this.values) name = `${stem}_${++this.counter}`;
    this.values[name] = value;
    return `:${name}`;
  }

  timestamp(stem: string, iso: string): string {
    return this.bind(stem, { type: 'TIMESTAMP', value: iso });
  }

  date(stem: string, isoDate: string): string {
    return this.bind(stem, { type: 'DATE', value: isoDate });
  }

  string(stem: string, value: string): string {
    return this.bind(stem, { type: 'STRING', value });
  }

  integer(stem: string, value: number): string {
    if (!Number.isSafeInteger(value)) throw new RangeError(`${stem} must be an integer`);
    return this.bind(stem, { type: Math.abs(value) <= 2_147_483_647 ? 'INTEGER' : 'BIGINT', value });
  }

  double(stem: string, value: number): string {
    if (!Number.isFinite(value)) throw new RangeError(`${stem} must be a finite number`);
    return this.bind(stem, { type: 'DOUBLE', value });
  }
}

/** The bound values by name, without their types: what a result shows so the statement can be rerun. */
export function parameterValues(statement: SqlStatement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(statement.params)) out[name] = value !== null && typeof value === 'object' ? value.value : value;
  return out;
}
