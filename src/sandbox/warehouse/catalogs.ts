/**
 * The Unity Catalog layout the warehouse holds: the system tables, payload tables and the
 * `system.information_schema` views, as DuckDB DDL. Column names and types follow the Databricks docs
 * (reference §3, §4); where the docs leave a type open it is noted beside the column.
 */
import { duckCatalog, quoteIdent } from './dialect.js';

export const ENDPOINT_USAGE_DDL = `
CREATE TABLE IF NOT EXISTS dbx_system.serving.endpoint_usage (
  account_id VARCHAR,
  workspace_id VARCHAR,
  client_request_id VARCHAR,
  databricks_request_id VARCHAR,
  served_entity_id VARCHAR,
  requester VARCHAR,
  status_code INTEGER,
  request_time TIMESTAMP,
  request_streaming BOOLEAN,
  input_token_count BIGINT,
  output_token_count BIGINT,
  input_character_count BIGINT,
  output_character_count BIGINT,
  usage_context MAP(VARCHAR, VARCHAR)
)`;

/**
 * Slowly changing: one row per change of a served entity, so several rows share a served_entity_id.
 * The *_config columns are STRUCTs in Databricks with undocumented fields; here they hold JSON text.
 */
export const SERVED_ENTITIES_DDL = `
CREATE TABLE IF NOT EXISTS dbx_system.serving.served_entities (
  served_entity_id VARCHAR,
  account_id VARCHAR,
  workspace_id VARCHAR,
  created_by VARCHAR,
  endpoint_name VARCHAR,
  endpoint_id VARCHAR,
  served_entity_name VARCHAR,
  entity_type VARCHAR,
  entity_name VARCHAR,
  entity_version VARCHAR,
  endpoint_config_version BIGINT,
  task VARCHAR,
  external_model_config VARCHAR,
  foundation_model_config VARCHAR,
  custom_model_config VARCHAR,
  feature_spec_config VARCHAR,
  change_time TIMESTAMP,
  endpoint_delete_time TIMESTAMP
)`;

/**
 * `system.ai_gateway.usage`, one row per gateway request: the columns Databricks' own UCODE reads and those public
 * queries use (reference §2). Types the sources leave open are guesses noted beside the column. Team attribution
 * is the `request_tags` map (the Databricks-Ai-Gateway-Request-Tags header), not a usage_context.
 */
export const AI_GATEWAY_USAGE_DDL = `
CREATE TABLE IF NOT EXISTS dbx_system.ai_gateway.usage (
  workspace_id VARCHAR,
  request_id VARCHAR,
  event_time TIMESTAMP,
  endpoint_id VARCHAR,
  endpoint_name VARCHAR,
  requester VARCHAR,
  requester_type VARCHAR,
  user_agent VARCHAR,
  api_type VARCHAR, -- values unconfirmed
  destination_model VARCHAR,
  input_tokens BIGINT,
  output_tokens BIGINT,
  total_tokens BIGINT,
  token_details STRUCT(cache_read_input_tokens BIGINT),
  latency_ms BIGINT,
  time_to_first_byte_ms BIGINT,
  status_code INTEGER,
  request_tags MAP(VARCHAR, VARCHAR),
  routing_information VARCHAR, -- a STRUCT in Databricks, fields unconfirmed: JSON text here
  invocation_id VARCHAR,
  mcp_metadata STRUCT(json_rpc_method VARCHAR, tool_name VARCHAR, server_type VARCHAR),
  -- the model service called (public queries filter system.ai_gateway.usage on service_name); form unconfirmed
  service_name VARCHAR
)`;

/** Full DuckDB name of a payload table (`<catalog>.<schema>.<prefix>_payload`). */
export function payloadTableName(ref: { catalog: string; schema: string; prefix: string }): string {
  return [duckCatalog(ref.catalog), ref.schema, `${ref.prefix}_payload`].map(quoteIdent).join('.');
}

/** The AI-Gateway inference table schema, exactly the columns of reference §3. */
export function payloadTableDdl(ref: { catalog: string; schema: string; prefix: string }): string {
  return `
CREATE TABLE IF NOT EXISTS ${payloadTableName(ref)} (
  databricks_request_id VARCHAR,
  request_date DATE,
  client_request_id VARCHAR,
  request_time TIMESTAMP,
  status_code INTEGER,
  sampling_fraction DOUBLE,
  execution_duration_ms BIGINT,
  request VARCHAR,
  response VARCHAR,
  logging_error_codes VARCHAR[],
  served_entity_id VARCHAR,
  requester VARCHAR
)`;
}

/** What the REST side accepts for inference-table names: Unity Catalog allows '-' (back-quoted in SQL). */
const NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** Refuses names the sandbox cannot hold, with a message a test author can act on. */
function checkNames(kind: string, names: [what: string, value: string][]): void {
  for (const [what, value] of names) {
    if (!NAME.test(value)) {
      throw new Error(`${kind} ${what} "${value}" is not a plain identifier; the sandbox accepts letters, digits, '-' and '_' only.`);
    }
  }
}

export function checkSchemaName(catalog: string, schema: string): void {
  checkNames('Schema', [['catalog', catalog], ['name', schema]]);
}

export function checkPayloadRef(ref: { catalog: string; schema: string; prefix: string }): void {
  checkNames('Payload table', [['catalog', ref.catalog], ['schema', ref.schema], ['table prefix', ref.prefix]]);
}

/**
 * The connection variable holding the tables the session's principal may not use (lower-case full names), which
 * the information_schema views leave out. Unset (the default on a fresh connection): every table is listed.
 */
export const HIDDEN_TABLES_VARIABLE = 'dbx_uc_hidden_tables';

/**
 * Unity Catalog's `system.information_schema`, over DuckDB's: catalog names mapped back (dbx_system → system),
 * DuckDB's own catalogs hidden, types spelled the Databricks way, and (as in Unity Catalog) only the tables the
 * caller may use listed in `tables` and `columns`.
 */
export const INFORMATION_SCHEMA_DDL = `
CREATE SCHEMA IF NOT EXISTS dbx_system.uc_information_schema;
CREATE OR REPLACE MACRO memory.main.dbx_uc_catalog(c) AS CASE WHEN c LIKE 'dbx\\_%' ESCAPE '\\' THEN substr(c, 5) ELSE c END;
CREATE OR REPLACE MACRO memory.main.dbx_spark_type(t) AS CASE
  WHEN t = 'VARCHAR' THEN 'string'
  WHEN t = 'INTEGER' THEN 'int'
  WHEN t = 'VARCHAR[]' THEN 'array<string>'
  WHEN t = 'MAP(VARCHAR, VARCHAR)' THEN 'map<string,string>'
  WHEN t = 'TIMESTAMP WITH TIME ZONE' THEN 'timestamp'
  WHEN t = 'HUGEINT' THEN 'decimal(38,0)'
  ELSE lower(t) END;
CREATE OR REPLACE VIEW dbx_system.uc_information_schema.catalogs AS
  SELECT DISTINCT dbx_uc_catalog(database_name) AS catalog_name FROM duckdb_databases()
  WHERE NOT internal AND database_name <> 'memory';
CREATE OR REPLACE VIEW dbx_system.uc_information_schema.schemata AS
  SELECT dbx_uc_catalog(catalog_name) AS catalog_name, schema_name FROM information_schema.schemata
  WHERE catalog_name NOT IN ('memory', 'system', 'temp') AND schema_name NOT IN ('main', 'pg_catalog', 'uc_information_schema');
CREATE OR REPLACE MACRO memory.main.dbx_uc_visible(c, s, t) AS
  getvariable('${HIDDEN_TABLES_VARIABLE}') IS NULL
  OR NOT list_contains(getvariable('${HIDDEN_TABLES_VARIABLE}'), lower(dbx_uc_catalog(c) || '.' || s || '.' || t));
CREATE OR REPLACE VIEW dbx_system.uc_information_schema.tables AS
  SELECT dbx_uc_catalog(table_catalog) AS table_catalog, table_schema, table_name,
    CASE table_type WHEN 'BASE TABLE' THEN 'MANAGED' ELSE table_type END AS table_type,
    'DELTA' AS data_source_format, CAST(NULL AS VARCHAR) AS comment
  FROM information_schema.tables
  WHERE table_catalog NOT IN ('memory', 'system', 'temp') AND table_schema NOT IN ('uc_information_schema')
    AND dbx_uc_visible(table_catalog, table_schema, table_name);
CREATE OR REPLACE VIEW dbx_system.uc_information_schema.columns AS
  SELECT dbx_uc_catalog(table_catalog) AS table_catalog, table_schema, table_name, column_name,
    CAST(ordinal_position AS INTEGER) AS ordinal_position, is_nullable,
    upper(regexp_extract(dbx_spark_type(data_type), '^[a-z]+')) AS data_type,
    dbx_spark_type(data_type) AS full_data_type, CAST(NULL AS VARCHAR) AS comment
  FROM information_schema.columns
  WHERE table_catalog NOT IN ('memory', 'system', 'temp') AND table_schema NOT IN ('uc_information_schema')
    AND dbx_uc_visible(table_catalog, table_schema, table_name);
`;


/** Attaches an in-memory catalog and creates a schema in it, if absent. */
export function catalogAndSchemaDdl(catalog: string, schema: string, attached: Set<string>): string {
  const duck = duckCatalog(catalog);
  const attach = attached.has(duck) ? '' : `ATTACH IF NOT EXISTS ':memory:' AS ${quoteIdent(duck)};\n`;
  attached.add(duck);
  return `${attach}CREATE SCHEMA IF NOT EXISTS ${quoteIdent(duck)}.${quoteIdent(schema)};`;
}
