/**
 * Where usage rows come from, and how each source becomes one normalised relation the reports share:
 * `request_time, requester, status_code, input_tokens, output_tokens, endpoint_name, served_entity_name,
 * entity_name, context_value, mcp_tool, service_name` (the Unity AI Gateway model service a request called).
 *
 * - `serving`: `system.serving.endpoint_usage` joined to `system.serving.served_entities`. The latter keeps
 *   several rows per served entity (one per config change), so it is cut to the latest row per entity with
 *   ROW_NUMBER() in a subquery first; joining the raw history would count every request once per version.
 * - `ai_gateway`: `system.ai_gateway.usage` (the newer gateway), and `table`: a workspace-scoped usage table.
 *   Their columns vary by release, so they are read from `system.information_schema.columns` and mapped.
 */
import { ToolError } from '../../shared/tool-error.js';
import { formatTable, quotePart, quoteTable, type TableName } from '../../shared/sql-names.js';
import type { SqlParams, SqlStatement } from '../../shared/sql-statement.js';

export type SourceKind = 'serving' | 'ai_gateway' | 'table';

export const ENDPOINT_USAGE: TableName = { catalog: 'system', schema: 'serving', table: 'endpoint_usage' };
export const SERVED_ENTITIES: TableName = { catalog: 'system', schema: 'serving', table: 'served_entities' };
export const AI_GATEWAY_USAGE: TableName = { catalog: 'system', schema: 'ai_gateway', table: 'usage' };

/** The normalised columns and, for mapped sources, which source column fills each. */
export interface ColumnMap {
  request_time: string;
  requester?: string;
  status_code?: string;
  input_tokens: string;
  output_tokens: string;
  endpoint_name?: string;
  /** The model service a request went through (`system.ai_gateway.usage.service_name`, public queries filter on it). */
  service_name?: string;
  served_entity_name?: string;
  entity_name?: string;
  /** Joined to served_entities for endpoint and entity names when the table has no endpoint column. */
  served_entity_id?: string;
  usage_context?: { column: string; kind: 'map' | 'json' };
  /** A struct column whose `tool_name` field names the MCP tool called (`mcp_metadata` in system.ai_gateway.usage). */
  mcp_metadata?: string;
}

export interface UsageSource {
  kind: SourceKind;
  /** Tables read, for the output's `source` and for permission messages. */
  tables: TableName[];
  /** Filled for `ai_gateway` and `table`. */
  columns?: ColumnMap;
}

export function servingSource(): UsageSource {
  return { kind: 'serving', tables: [ENDPOINT_USAGE, SERVED_ENTITIES] };
}

export function describeSource(source: UsageSource): string {
  return source.tables.map(formatTable).join(' ⋈ ');
}

/** Aliases seen for each normalised column, in order of preference. */
const ALIASES: Record<Exclude<keyof ColumnMap, 'usage_context' | 'mcp_metadata'>, string[]> = {
  request_time: ['request_time', 'event_time', 'timestamp', 'request_timestamp'],
  requester: ['requester', 'requester_id', 'user_identity', 'user_name', 'user_email', 'identity'],
  status_code: ['status_code', 'response_status_code', 'http_status', 'http_status_code'],
  input_tokens: ['input_token_count', 'input_tokens', 'prompt_tokens', 'prompt_token_count'],
  output_tokens: ['output_token_count', 'output_tokens', 'completion_tokens', 'completion_token_count'],
  endpoint_name: ['endpoint_name', 'gateway_name', 'endpoint'],
  service_name: ['service_name'],
  served_entity_name: ['served_entity_name', 'destination_name', 'destination', 'route_name'],
  entity_name: ['entity_name', 'model_name', 'model', 'destination_model'],
  served_entity_id: ['served_entity_id', 'destination_id'],
};

export interface ColumnInfo {
  column_name: string;
  data_type: string;
  /** The whole type, e.g. `struct<tool_name:string,…>` (Databricks' information_schema.columns.full_data_type). */
  full_data_type?: string;
}

/** Maps a usage table's columns onto the normalised relation, or says which required column is missing. */
export function mapColumns(table: TableName, columns: ColumnInfo[]): ColumnMap {
  const byName = new Map(columns.map((c) => [c.column_name.toLowerCase(), c]));
  const pick = (key: keyof typeof ALIASES) => ALIASES[key].map((a) => byName.get(a)?.column_name).find((c) => c !== undefined);
  const request_time = pick('request_time');
  const input_tokens = pick('input_tokens');
  const output_tokens = pick('output_tokens');
  if (!request_time || !input_tokens || !output_tokens) {
    const missing = [!request_time && 'a request time', !input_tokens && 'input tokens', !output_tokens && 'output tokens'].filter(Boolean).join(', ');
    throw new ToolError(
      `${formatTable(table)} does not look like a usage table`,
      columns.length === 0 ? 'it has no columns visible to this principal (it may not exist)' : `no column for ${missing} among: ${columns.map((c) => c.column_name).join(', ')}`,
      'Pass a usage table with per-request token counts, or use source "serving" or "ai_gateway"',
      'USAGE_SOURCE_UNSUPPORTED',
    );
  }
  const map: ColumnMap = { request_time, input_tokens, output_tokens };
  for (const key of ['requester', 'status_code', 'endpoint_name', 'service_name', 'served_entity_name', 'entity_name', 'served_entity_id'] as const) {
    const column = pick(key);
    if (column) map[key] = column;
  }
  const context = byName.get('usage_context') ?? byName.get('request_tags') ?? byName.get('tags');
  if (context) map.usage_context = { column: context.column_name, kind: /^map/i.test(context.data_type) ? 'map' : 'json' };
  // Only seen in public queries (reference §2): used when the column is a struct that has a tool_name field.
  const mcp = byName.get('mcp_metadata');
  if (mcp && /^struct/i.test(mcp.data_type) && /\btool_name\b/i.test(mcp.full_data_type ?? '')) map.mcp_metadata = mcp.column_name;
  return map;
}

/** Lists a table's columns; portable across Databricks and stand-ins (no per-catalog information_schema). */
export function columnsStatement(table: TableName, params: SqlParams): SqlStatement {
  const sql =
    'SELECT column_name, data_type, full_data_type FROM `system`.`information_schema`.`columns` ' +
    `WHERE table_catalog = ${params.string('table_catalog', table.catalog)} AND table_schema = ${params.string('table_schema', table.schema)} ` +
    `AND table_name = ${params.string('table_name', table.table)} ORDER BY ordinal_position`;
  return { sql, params: params.values };
}

/** A one-row read that fails with a permission error when the principal cannot read the table. */
export function probeStatement(table: TableName): SqlStatement {
  return { sql: `SELECT 1 AS readable FROM ${quoteTable(table)} LIMIT 1`, params: {} };
}

/** The latest row per served entity: history rows would multiply every joined request. */
export function latestServedEntitiesSql(): string {
  return (
    'SELECT served_entity_id, endpoint_name, served_entity_name, entity_name FROM (' +
    'SELECT served_entity_id, endpoint_name, served_entity_name, entity_name, ' +
    'ROW_NUMBER() OVER (PARTITION BY served_entity_id ORDER BY change_time DESC) AS version_rank ' +
    `FROM ${quoteTable(SERVED_ENTITIES)}) AS versions WHERE version_rank = 1`
  );
}

export interface RelationOptions {
  /** The window as timestamps (`YYYY-MM-DD HH:MM:SS.mmm`), bound as parameters. */
  since?: string;
  until?: string;
  /**
   * Or the window as SQL expressions, for a statement Databricks stores and runs by itself (a SQL alert's query
   * text), where no parameter can be bound: e.g. `current_timestamp() - INTERVAL 60 MINUTES`.
   */
  boundsSql?: { since: string; until: string };
  /** usage_context key whose value becomes `context_value` (team tags). */
  contextKey?: string;
}

/** The normalised relation for a source over [since, until): markers bound into `params`. */
export function usageRelationSql(source: UsageSource, params: SqlParams, options: RelationOptions): string {
  const bound = (stem: string, value: string | undefined) => {
    if (value === undefined) throw new Error(`the usage relation needs ${stem} or boundsSql`);
    return params.timestamp(stem, value);
  };
  const since = options.boundsSql?.since ?? bound('since', options.since);
  const until = options.boundsSql?.until ?? bound('until', options.until);
  if (source.kind === 'serving') {
    const context = options.contextKey ? `element_at(u.usage_context, ${params.string('context_key', options.contextKey)})` : 'CAST(NULL AS STRING)';
    return (
      'SELECT u.request_time AS request_time, u.requester AS requester, u.status_code AS status_code, ' +
      'COALESCE(u.input_token_count, 0) AS input_tokens, COALESCE(u.output_token_count, 0) AS output_tokens, ' +
      'se.endpoint_name AS endpoint_name, se.served_entity_name AS served_entity_name, se.entity_name AS entity_name, ' +
      `${context} AS context_value, CAST(NULL AS STRING) AS mcp_tool, CAST(NULL AS STRING) AS service_name ` +
      `FROM ${quoteTable(ENDPOINT_USAGE)} AS u LEFT JOIN (${latestServedEntitiesSql()}) AS se ON u.served_entity_id = se.served_entity_id ` +
      `WHERE u.request_time >= ${since} AND u.request_time < ${until}`
    );
  }
  const table = source.tables[0];
  const map = source.columns;
  if (!table || !map) throw new Error('a mapped usage source needs its table and column map');
  const col = (name: string | undefined, fallback: string, alias = 'u') => (name ? `${alias}.${quotePart(name, 'column')}` : fallback);
  const joinEntities = !map.endpoint_name && map.served_entity_id !== undefined;
  const endpoint = joinEntities ? 'se.endpoint_name' : col(map.endpoint_name, 'CAST(NULL AS STRING)');
  const servedEntity = map.served_entity_name ? col(map.served_entity_name, '') : joinEntities ? 'se.served_entity_name' : 'CAST(NULL AS STRING)';
  const entity = map.entity_name ? col(map.entity_name, '') : joinEntities ? 'se.entity_name' : 'CAST(NULL AS STRING)';
  let context = 'CAST(NULL AS STRING)';
  if (options.contextKey && map.usage_context) {
    const key = params.string('context_key', options.contextKey);
    const column = col(map.usage_context.column, '');
    context = map.usage_context.kind === 'map' ? `element_at(${column}, ${key})` : `get_json_object(${column}, concat('$.', ${key}))`;
  }
  const time = col(map.request_time, '');
  return (
    `SELECT ${time} AS request_time, ${col(map.requester, 'CAST(NULL AS STRING)')} AS requester, ` +
    `${col(map.status_code, 'CAST(NULL AS INT)')} AS status_code, ` +
    `COALESCE(${col(map.input_tokens, '0')}, 0) AS input_tokens, COALESCE(${col(map.output_tokens, '0')}, 0) AS output_tokens, ` +
    `${endpoint} AS endpoint_name, ${servedEntity} AS served_entity_name, ${entity} AS entity_name, ${context} AS context_value, ` +
    `${map.mcp_metadata ? `${col(map.mcp_metadata, '')}.tool_name` : 'CAST(NULL AS STRING)'} AS mcp_tool, ` +
    `${col(map.service_name, 'CAST(NULL AS STRING)')} AS service_name ` +
    `FROM ${quoteTable(table)} AS u` +
    (joinEntities ? ` LEFT JOIN (${latestServedEntitiesSql()}) AS se ON ${col(map.served_entity_id, '')} = se.served_entity_id` : '') +
    ` WHERE ${time} >= ${since} AND ${time} < ${until}`
  );
}
