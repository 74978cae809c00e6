/**
 * The Databricks-dialect shim: turns the Databricks SQL the product emits into DuckDB SQL. It works on tokens,
 * so string literals, quoted identifiers and comments are never rewritten by accident. Every rewrite exists
 * because DuckDB would otherwise reject or misread real Databricks SQL; anything not listed passes through
 * unchanged, and DuckDB's own error then shows that the shim (not the product) lacks a construct.
 *
 * Rewrites, and why:
 * - `system.<schema>.<table>` → `dbx_system.…`: DuckDB reserves the catalog names `system`, `main`, `temp`, `memory`.
 * - `system.information_schema` → `dbx_system.uc_information_schema`: DuckDB's own information_schema cannot
 *   be replaced; the views there speak Unity Catalog names (see catalogs.ts).
 * - `` `ident` `` → `"ident"`: DuckDB has no backtick identifiers.
 * - `'a\'b'` and `"text"` → `'a''b'`: Spark strings take backslash escapes and double quotes; DuckDB's do not.
 * - `:name` and `?` → a typed literal `CAST('v' AS T)` from the TSparkParameter (DuckDB has neither marker).
 * - `IDENTIFIER(:t)` / `IDENTIFIER('a.b')` → the quoted name: DuckDB has no IDENTIFIER clause.
 * - Function calls that DuckDB lacks or reads differently go to a `dbx_*` macro (defined in catalogs.ts) or DuckDB's
 *   equivalent: FUNCTION_RENAMES below. `FROM range(n)` → `dbx_range(n)`, whose column is `id` as in Spark.
 */

/** A parameter as it arrives in TExecuteStatementReq.parameters. */
export interface SparkParameter {
  name?: string | null;
  ordinal?: number | null;
  type?: string | null;
  value?: { stringValue?: string | null; doubleValue?: number | null; booleanValue?: boolean | null } | null;
}

/** Thrown for SQL the shim refuses; the service maps it to a Databricks error class. */
export class DialectError extends Error {
  constructor(
    readonly errorClass: string,
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
  }
}

type TokenKind = 'space' | 'comment' | 'string' | 'quoted' | 'word' | 'number' | 'named' | 'ordinal' | 'punct';
interface Token {
  kind: TokenKind;
  text: string;
}

/** Databricks function → DuckDB function or macro, for the listed argument counts (undefined: any). */
const FUNCTION_RENAMES: Record<string, { to: string; arity?: number[] }> = {
  // DuckDB's current_timestamp takes no parentheses; the macro also drops the time zone as Databricks does.
  current_timestamp: { to: 'dbx_current_timestamp', arity: [0] },
  get_json_object: { to: 'json_extract_string', arity: [2] },
  percentile_approx: { to: 'dbx_percentile_approx', arity: [2, 3] },
  approx_percentile: { to: 'dbx_percentile_approx', arity: [2, 3] },
  percentile: { to: 'quantile_cont', arity: [2] },
  // DuckDB's date_add/date_sub/datediff exist with other meanings (intervals, three arguments).
  date_add: { to: 'dbx_date_add', arity: [2] },
  date_sub: { to: 'dbx_date_sub', arity: [2] },
  datediff: { to: 'dbx_datediff', arity: [2] },
  // DuckDB's element_at on a map returns a list; Databricks returns the value.
  element_at: { to: 'dbx_element_at', arity: [2] },
  to_date: { to: 'dbx_to_date', arity: [1] },
};

const PARAMETER_TYPES: Record<string, string> = {
  STRING: 'VARCHAR',
  INTEGER: 'INTEGER',
  INT: 'INTEGER',
  BIGINT: 'BIGINT',
  SMALLINT: 'SMALLINT',
  TINYINT: 'TINYINT',
  DOUBLE: 'DOUBLE',
  FLOAT: 'FLOAT',
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMP',
  TIMESTAMP_LTZ: 'TIMESTAMP',
  TIMESTAMP_NTZ: 'TIMESTAMP',
  'INTERVAL DAY': 'INTERVAL',
  'INTERVAL MONTH': 'INTERVAL',
};

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    tokens.push({ kind, text: sql.slice(i, end) });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /\s/.test(sql[j]!)) j++;
      push('space', j);
    } else if (c === '-' && next === '-') {
      const j = sql.indexOf('\n', i);
      push('comment', j < 0 ? sql.length : j);
    } else if (c === '/' && next === '*') {
      const j = sql.indexOf('*/', i + 2);
      if (j < 0) throw new DialectError('PARSE_SYNTAX_ERROR', '42601', 'Unclosed comment in the statement.');
      push('comment', j + 2);
    } else if (c === "'" || c === '"') {
      push('string', endOfQuoted(sql, i, c, true));
    } else if (c === '`') {
      push('quoted', endOfQuoted(sql, i, '`', false));
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_]/.test(sql[j]!)) j++;
      push('word', j);
    } else if (/[0-9]/.test(c) || (c === '.' && next !== undefined && /[0-9]/.test(next))) {
      let j = i + 1;
      while (j < sql.length && /[0-9.eE]/.test(sql[j]!)) j++;
      push('number', j);
    } else if (c === ':' && next === ':') {
      push('punct', i + 2);
    } else if (c === ':' && next !== undefined && /[A-Za-z_]/.test(next)) {
      let j = i + 2;
      while (j < sql.length && /[A-Za-z0-9_]/.test(sql[j]!)) j++;
      push('named', j);
    } else if (c === '?') {
      push('ordinal', i + 1);
    } else {
      push('punct', i + 1);
    }
  }
  return tokens;
}

function endOfQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let j = start + 1;
  while (j < sql.length) {
    const c = sql[j]!;
    if (backslashEscapes && c === '\\') j += 2;
    else if (c === quote && sql[j + 1] === quote) j += 2;
    else if (c === quote) return j + 1;
    else j++;
  }
  throw new DialectError('PARSE_SYNTAX_ERROR', '42601', `Unclosed ${quote} quote in the statement.`);
}

/** The value of a Spark string literal token (either quote, backslash escapes, doubled quotes). */
function stringValue(token: string): string {
  const quote = token[0]!;
  const body = token.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\' && i + 1 < body.length) {
      const e = body[++i]!;
      out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : e;
    } else if (c === quote && body[i + 1] === quote) {
      out += quote;
      i++;
    } else out += c;
  }
  return out;
}

export const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`;
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

const significant = (t: Token | undefined) => t !== undefined && t.kind !== 'space' && t.kind !== 'comment';

function nextSignificant(tokens: Token[], from: number): number {
  let j = from;
  while (j < tokens.length && !significant(tokens[j])) j++;
  return j;
}

function previousSignificant(tokens: Token[], from: number): Token | undefined {
  let j = from;
  while (j >= 0 && !significant(tokens[j])) j--;
  return tokens[j];
}

/** Index of the `)` closing the `(` at `open`, and the number of top-level arguments in between. */
function callShape(tokens: Token[], open: number): { close: number; args: number } {
  let depth = 0;
  let commas = 0;
  let empty = true;
  for (let j = open + 1; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (isPunct(t, ')')) {
      if (depth === 0) return { close: j, args: empty ? 0 : commas + 1 };
      depth--;
    } else if (isPunct(t, '(')) depth++;
    else if (depth === 0 && isPunct(t, ',')) commas++;
    if (significant(t)) empty = false;
  }
  throw new DialectError('PARSE_SYNTAX_ERROR', '42601', 'Unbalanced parentheses in the statement.');
}

const isPunct = (t: Token | undefined, p: string) => t?.kind === 'punct' && t.text === p;
const isKeyword = (t: Token | undefined, word: string) => t?.kind === 'word' && t.text.toLowerCase() === word;

/** Catalog names DuckDB reserves; the sandbox keeps Unity Catalog's names for them under a `dbx_` prefix. */
const RESERVED_CATALOGS = new Set(['system', 'main', 'temp', 'memory']);

/** The DuckDB catalog that holds a Unity Catalog catalog. */
export function duckCatalog(name: string): string {
  return RESERVED_CATALOGS.has(name.toLowerCase()) ? `dbx_${name.toLowerCase()}` : name;
}

/** The Unity Catalog name of a DuckDB catalog (the inverse of duckCatalog). */
const partName = (t: Token) => (t.kind === 'quoted' ? t.text.slice(1, -1).replaceAll('``', '`') : t.text);

/** Token indices of the parts of the dotted name starting at `start` (`a . b . c`). */
function nameChain(tokens: Token[], start: number): number[] {
  const parts = [start];
  for (;;) {
    const dot = nextSignificant(tokens, parts[parts.length - 1]! + 1);
    if (!isPunct(tokens[dot], '.')) return parts;
    const part = nextSignificant(tokens, dot + 1);
    const t = tokens[part];
    if (t?.kind !== 'word' && t?.kind !== 'quoted') return parts;
    parts.push(part);
  }
}

export interface RewriteOptions {
  parameters?: SparkParameter[];
  /** false for fixture SQL written in DuckDB's own dialect: only the catalog names are mapped. */
  databricksDialect?: boolean;
}

export interface RewrittenStatement {
  sql: string;
  /** Unity Catalog schemas under `system` the statement reads, e.g. `serving` (for permission checks). */
  systemSchemas: string[];
  /**
   * Every name the statement could read a table by, as written: one to three parts (`t`, `s.t`, `c.s.t`; longer
   * chains are column references, of which the first three parts are kept). The caller resolves them against
   * the session's catalog and schema; words that name no table are harmless there.
   */
  tableNames: string[][];
}

export function rewrite(sql: string, options: RewriteOptions = {}): RewrittenStatement {
  const dialect = options.databricksDialect ?? true;
  const parameters = options.parameters ?? [];
  const named = new Map<string, SparkParameter>();
  const ordinals: SparkParameter[] = [];
  for (const p of parameters) {
    if (p.name) named.set(p.name.toLowerCase(), p);
    else ordinals.push(p);
  }
  let nextOrdinal = 0;
  const parameter = (t: Token): SparkParameter => {
    if (t.kind === 'ordinal') {
      const p = ordinals[nextOrdinal++];
      if (!p) throw new DialectError('UNBOUND_SQL_PARAMETER', '42P02', `Found an unbound ordinal parameter marker: position ${nextOrdinal}. Pass a value for every '?'.`);
      return p;
    }
    const p = named.get(t.text.slice(1).toLowerCase());
    if (!p) throw new DialectError('UNBOUND_SQL_PARAMETER', '42P02', `Found the unbound parameter: ${t.text.slice(1)}. Please, fix \`args\` and provide a mapping of the parameter to either a SQL literal or collection constructor functions.`);
    return p;
  };

  const tokens = tokenize(sql);
  const out: string[] = [];
  const systemSchemas = new Set<string>();
  const tableNames = new Map<string, string[]>();
  const nameRead = (parts: string[]) => tableNames.set(parts.join('.').toLowerCase(), parts);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = previousSignificant(tokens, i - 1);
    const nextIdx = nextSignificant(tokens, i + 1);
    const next = tokens[nextIdx];

    if ((t.kind === 'word' || (t.kind === 'quoted' && dialect)) && !isPunct(prev, '.')) {
      const chain = nameChain(tokens, i);
      if (!isPunct(tokens[nextSignificant(tokens, chain[chain.length - 1]! + 1)], '(')) {
        nameRead(chain.slice(0, 3).map((k) => partName(tokens[k]!)));
      }
      const catalog = partName(t);
      if (chain.length >= 3 && RESERVED_CATALOGS.has(catalog.toLowerCase())) {
        const schemaIdx = chain[1]!;
        const schema = partName(tokens[schemaIdx]!).toLowerCase();
        if (catalog.toLowerCase() === 'system') {
          if (schema === 'information_schema') {
            out.push('dbx_system.uc_information_schema');
            i = schemaIdx;
            continue;
          }
          systemSchemas.add(schema);
        }
        out.push(duckCatalog(catalog));
        continue;
      }
    }
    if (!dialect) {
      out.push(t.text);
      continue;
    }
    switch (t.kind) {
      case 'quoted':
        out.push(quoteIdent(partName(t)));
        break;
      case 'string':
        out.push(sqlString(stringValue(t.text)));
        break;
      case 'named':
      case 'ordinal':
        out.push(literal(parameter(t)));
        break;
      case 'word': {
        const lower = t.text.toLowerCase();
        if (lower === 'identifier' && isPunct(next, '(')) {
          const { close } = callShape(tokens, nextIdx);
          const inner = tokens.slice(nextIdx + 1, close).filter(significant);
          const arg = inner[0];
          if (inner.length !== 1 || !arg || !['named', 'ordinal', 'string'].includes(arg.kind)) {
            throw new DialectError('INVALID_SQL_SYNTAX', '42000', 'IDENTIFIER() takes one string literal or parameter marker.');
          }
          const name = arg.kind === 'string' ? stringValue(arg.text) : parameterText(parameter(arg));
          const parts = name.split('.').map((p) => p.trim().replace(/^`(.*)`$/, '$1'));
          if (parts.some((p) => p === '')) throw new DialectError('INVALID_IDENTIFIER', '42602', `The identifier ${name} is invalid.`);
          if (parts.length === 3 && parts[0]!.toLowerCase() === 'system') systemSchemas.add(parts[1]!.toLowerCase());
          nameRead(parts.slice(0, 3));
          out.push(parts.map((p, k) => quoteIdent(parts.length === 3 && k === 0 ? duckCatalog(p) : p)).join('.'));
          i = close;
          break;
        }
        // Spark's range() table function names its column `id`; DuckDB's names it `range`.
        if (lower === 'range' && isPunct(next, '(') && (isKeyword(prev, 'from') || isKeyword(prev, 'join')) && callShape(tokens, nextIdx).args === 1) {
          out.push('dbx_range');
          break;
        }
        const rename = FUNCTION_RENAMES[lower];
        if (rename && isPunct(next, '(') && !isPunct(prev, '.')) {
          const { args } = callShape(tokens, nextIdx);
          if (!rename.arity || rename.arity.includes(args)) {
            out.push(rename.to);
            break;
          }
        }
        out.push(t.text);
        break;
      }
      default:
        out.push(t.text);
    }
  }
  return { sql: out.join(''), systemSchemas: [...systemSchemas], tableNames: [...tableNames.values()] };
}

function parameterText(p: SparkParameter): string {
  const v = p.value;
  if (v?.stringValue !== undefined && v.stringValue !== null) return v.stringValue;
  if (v?.doubleValue !== undefined && v.doubleValue !== null) return String(v.doubleValue);
  if (v?.booleanValue !== undefined && v.booleanValue !== null) return v.booleanValue ? 'TRUE' : 'FALSE';
  throw new DialectError('INVALID_PARAMETER_VALUE', '22023', `Parameter ${p.name ?? '?'} has no value.`);
}

/** A typed literal for a parameter: the same value and type Databricks would bind. */
export function literal(p: SparkParameter): string {
  if (!p.type || p.value === undefined || p.value === null) return 'NULL';
  const type = p.type.toUpperCase();
  if (type === 'VOID') return 'NULL';
  const text = parameterText(p);
  if (type === 'STRING') return sqlString(text);
  // A TIMESTAMP value carries its offset (the driver sends toISOString()); read it as an instant, keep UTC.
  if (type === 'TIMESTAMP' || type === 'TIMESTAMP_LTZ') return `CAST(CAST(${sqlString(text)} AS TIMESTAMPTZ) AS TIMESTAMP)`;
  const decimal = /^DECIMAL(\(\s*\d+\s*,\s*\d+\s*\))?$/.exec(type);
  const target = decimal ? `DECIMAL${decimal[1] ?? '(38,18)'}` : PARAMETER_TYPES[type];
  if (!target) {
    throw new DialectError('INVALID_PARAMETER_VALUE', '22023', `The sandbox warehouse does not support parameters of type ${p.type}; use STRING, a number type, BOOLEAN, DATE or TIMESTAMP.`);
  }
  return `CAST(${sqlString(text)} AS ${target})`;
}

/**
 * The `dbx_*` macros FUNCTION_RENAMES points at, created once in DuckDB's default catalog. Each has the
 * Databricks semantics of the function it stands for.
 */
export const DIALECT_MACROS = `
CREATE OR REPLACE MACRO dbx_current_timestamp() AS CAST(get_current_timestamp() AS TIMESTAMP);
CREATE OR REPLACE MACRO dbx_percentile_approx(x, p) AS approx_quantile(x, p),
  (x, p, accuracy) AS approx_quantile(x, p);
CREATE OR REPLACE MACRO dbx_date_add(d, n) AS CAST(d AS DATE) + CAST(n AS INTEGER);
CREATE OR REPLACE MACRO dbx_date_sub(d, n) AS CAST(d AS DATE) - CAST(n AS INTEGER);
CREATE OR REPLACE MACRO dbx_datediff(e, s) AS CAST(CAST(e AS DATE) - CAST(s AS DATE) AS INTEGER);
CREATE OR REPLACE MACRO dbx_element_at(c, k) AS c[k];
CREATE OR REPLACE MACRO dbx_to_date(x) AS CAST(x AS DATE);
CREATE OR REPLACE MACRO dbx_range(n) AS TABLE SELECT range AS id FROM range(n);
`;
