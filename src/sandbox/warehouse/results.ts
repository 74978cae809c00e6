/**
 * Result sets as the warehouse holds them between fetches: Databricks column types plus rows that are turned
 * into JS values one page at a time, so a million-row result costs conversion only for the pages fetched.
 */
import type { DuckDBDataChunk, DuckDBMaterializedResult, DuckDBType } from '@duckdb/node-api';

export type Duck = typeof import('@duckdb/node-api');

/** The Databricks (Spark) type of a result column, as the driver sees it in the result schema. */
export type ColumnKind =
  | 'boolean'
  | 'tinyint'
  | 'smallint'
  | 'int'
  | 'bigint'
  | 'float'
  | 'double'
  | 'decimal'
  | 'string'
  | 'date'
  | 'timestamp'
  | 'binary'
  | 'array'
  | 'map'
  | 'struct';

export interface ResultColumn {
  name: string;
  kind: ColumnKind;
  precision?: number;
  scale?: number;
}

export interface ResultSet {
  readonly columns: readonly ResultColumn[];
  readonly rowCount: number;
  /** Column-major JS values of rows [offset, offset + count): per kind, see `toJs`. */
  page(offset: number, count: number): unknown[][];
}

/** Rows built in JS (metadata RPCs). */
function kindOf(duck: Duck, type: DuckDBType): Pick<ResultColumn, 'kind' | 'precision' | 'scale'> {
  const T = duck.DuckDBTypeId;
  switch (type.typeId) {
    case T.BOOLEAN:
      return { kind: 'boolean' };
    case T.TINYINT:
      return { kind: 'tinyint' };
    case T.SMALLINT:
    case T.UTINYINT:
      return { kind: 'smallint' };
    case T.INTEGER:
    case T.USMALLINT:
      return { kind: 'int' };
    // DuckDB sums integers into HUGEINT where Databricks answers BIGINT.
    case T.BIGINT:
    case T.UINTEGER:
    case T.UBIGINT:
    case T.HUGEINT:
    case T.UHUGEINT:
      return { kind: 'bigint' };
    case T.FLOAT:
      return { kind: 'float' };
    case T.DOUBLE:
      return { kind: 'double' };
    case T.DECIMAL: {
      const d = type as unknown as { width: number; scale: number };
      return { kind: 'decimal', precision: d.width, scale: d.scale };
    }
    case T.DATE:
      return { kind: 'date' };
    case T.TIMESTAMP:
    case T.TIMESTAMP_S:
    case T.TIMESTAMP_MS:
    case T.TIMESTAMP_NS:
    case T.TIMESTAMP_TZ:
      return { kind: 'timestamp' };
    case T.BLOB:
      return { kind: 'binary' };
    case T.LIST:
    case T.ARRAY:
      return { kind: 'array' };
    case T.MAP:
      return { kind: 'map' };
    case T.STRUCT:
      return { kind: 'struct' };
    default:
      return { kind: 'string' };
  }
}

/** Databricks renders maps as JSON objects; DuckDB's JSON form is a list of {key, value} entries. */
function mapsAsObjects(value: unknown): unknown {
  if (Array.isArray(value)) {
    const entries = value as { key?: unknown; value?: unknown }[];
    if (entries.length > 0 && entries.every((e) => e && typeof e === 'object' && 'key' in e && 'value' in e)) {
      return Object.fromEntries(entries.map((e) => [String(e.key), mapsAsObjects(e.value)]));
    }
    return value.map(mapsAsObjects);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapsAsObjects(v)]));
  }
  return value;
}

/**
 * JS values per kind: boolean/number for booleans and numbers, bigint for bigint, Date for date and timestamp,
 * exact decimal text for decimal, JSON text for array/map/struct, Uint8Array for binary, text otherwise.
 */
function toJs(duck: Duck, chunk: DuckDBDataChunk, column: number, kind: ColumnKind): unknown[] {
  switch (kind) {
    case 'boolean':
    case 'tinyint':
    case 'smallint':
    case 'int':
    case 'float':
    case 'double':
    case 'date':
    case 'timestamp':
    case 'binary':
      return chunk.convertColumnValues(column, duck.JSDuckDBValueConverter);
    case 'bigint':
      return chunk.convertColumnValues(column, duck.JSDuckDBValueConverter).map((v) => (v === null ? null : BigInt(v as bigint)));
    case 'decimal':
      return chunk.convertColumnValues(column, duck.JsonDuckDBValueConverter);
    case 'array':
    case 'map':
    case 'struct':
      return chunk
        .convertColumnValues(column, duck.JsonDuckDBValueConverter)
        .map((v) => (v === null ? null : JSON.stringify(kind === 'map' && Array.isArray(v) && v.length === 0 ? {} : mapsAsObjects(v))));
    case 'string':
      return chunk.getColumnValues(column).map((v) => (v === null ? null : String(v)));
  }
}

/** A materialized DuckDB result, converted page by page. */
export function duckResultSet(duck: Duck, result: DuckDBMaterializedResult, chunks: DuckDBDataChunk[]): ResultSet {
  const names = result.deduplicatedColumnNames();
  const columns: ResultColumn[] = names.map((name, i) => ({ name, ...kindOf(duck, result.columnType(i)) }));
  const starts: number[] = [];
  let rowCount = 0;
  for (const chunk of chunks) {
    starts.push(rowCount);
    rowCount += chunk.rowCount;
  }
  return {
    columns,
    rowCount,
    page(offset, count) {
      const end = Math.min(offset + count, rowCount);
      const out: unknown[][] = columns.map(() => []);
      for (let k = 0; k < chunks.length; k++) {
        const start = starts[k]!;
        const chunk = chunks[k]!;
        if (start + chunk.rowCount <= offset || start >= end) continue;
        const from = Math.max(offset - start, 0);
        const to = Math.min(end - start, chunk.rowCount);
        columns.forEach((col, c) => {
          const values = toJs(duck, chunk, c, col.kind);
          const target = out[c]!;
          for (let r = from; r < to; r++) target.push(values[r] ?? null);
        });
      }
      return out;
    },
  };
}
