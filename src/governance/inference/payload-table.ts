/**
 * Which table holds an endpoint's inference payloads. The serving API never returns the name of an AI Gateway
 * payload table, only its catalog, schema and prefix, so the name is built as `<prefix>_payload` and confirmed
 * in `system.information_schema.tables`. When that table is absent, nearby names (`<prefix>_<endpoint>_payload`,
 * any `<prefix>…payload`) are looked for and reported, so a renamed or legacy table is still found.
 */
import { ToolError } from '../../shared/tool-error.js';
import { formatTable, isIdentifierPart, type TableName } from '../../shared/sql-names.js';
import { SqlParams, type SqlStatement } from '../../shared/sql-statement.js';

export interface InferenceTableConfig {
  enabled?: boolean;
  catalog_name?: string;
  schema_name?: string;
  table_name_prefix?: string;
}

export interface ResolvedPayloadTable {
  table: TableName;
  /** How the table was found, for the output. */
  note: string;
}

export type RunStatement = (statement: SqlStatement) => Promise<Record<string, unknown>[]>;

export function tablesStatement(catalog: string, schema: string, exact: string, likePattern: string): SqlStatement {
  const params = new SqlParams();
  const sql =
    'SELECT table_name FROM `system`.`information_schema`.`tables` ' +
    `WHERE table_catalog = ${params.string('catalog', catalog)} AND table_schema = ${params.string('schema', schema)} ` +
    `AND (table_name = ${params.string('exact', exact)} OR table_name LIKE ${params.string('pattern', likePattern)}) ORDER BY table_name LIMIT 50`;
  return { sql, params: params.values };
}

/** Confirms an explicitly named table exists and is visible. */
export async function confirmTable(table: TableName, run: RunStatement): Promise<ResolvedPayloadTable> {
  const rows = await run(tablesStatement(table.catalog, table.schema, table.table.toLowerCase(), table.table.toLowerCase()));
  if (!rows.some((r) => String(r.table_name).toLowerCase() === table.table.toLowerCase())) {
    throw new ToolError(
      `The payload table ${formatTable(table)} was not found`,
      'system.information_schema.tables does not list it: it does not exist, or this principal lacks USE CATALOG / USE SCHEMA / SELECT on it',
      'Check the name, or pass endpoint instead so the table is located from the endpoint\'s inference table config',
      'PAYLOAD_TABLE_NOT_FOUND',
    );
  }
  return { table, note: `the table you named (${formatTable(table)}), confirmed in system.information_schema.tables` };
}

/** Locates the payload table of `endpoint` from its live inference table config. */
export async function locatePayloadTable(endpoint: string, config: InferenceTableConfig | undefined, run: RunStatement): Promise<ResolvedPayloadTable> {
  if (!config?.enabled || !config.catalog_name || !config.schema_name) {
    throw new ToolError(
      `Inference tables are not enabled on endpoint ${endpoint}`,
      'its ai_gateway.inference_table_config is missing or disabled, so no payloads are logged',
      'Enable inference tables on the gateway (inference_table_config), or pass table if payloads are logged elsewhere',
      'INFERENCE_TABLE_DISABLED',
    );
  }
  const catalog = config.catalog_name;
  const schema = config.schema_name;
  // Databricks documents the endpoint name as the default prefix when none is set.
  const prefix = config.table_name_prefix || endpoint.replace(/-/g, '_');
  for (const [what, value] of [['catalog', catalog], ['schema', schema]] as const) {
    if (!isIdentifierPart(value)) {
      throw new ToolError(`The inference table ${what} "${value}" of ${endpoint} is not a plain name`, 'it cannot be used safely in SQL', 'Pass table explicitly', 'INVALID_IDENTIFIER');
    }
  }
  const exact = `${prefix}_payload`.toLowerCase();
  const perEndpoint = `${prefix}_${endpoint.replace(/-/g, '_')}_payload`.toLowerCase();
  const rows = await run(tablesStatement(catalog, schema, exact, `${prefix}%payload`.toLowerCase()));
  const names = rows.map((r) => String(r.table_name)).filter((n) => n.toLowerCase().startsWith(prefix.toLowerCase()) && n.toLowerCase().endsWith('payload'));
  const where = `${catalog}.${schema}`;
  const found = (name: string, note: string): ResolvedPayloadTable => {
    if (!isIdentifierPart(name)) throw new ToolError(`The table name "${name}" is not a plain name`, 'it cannot be used safely in SQL', 'Pass table explicitly', 'INVALID_IDENTIFIER');
    return { table: { catalog, schema, table: name }, note };
  };
  const exactHit = names.find((n) => n.toLowerCase() === exact);
  if (exactHit) return found(exactHit, `from ${endpoint}'s inference_table_config: ${where}.${exactHit}, confirmed in system.information_schema.tables`);
  const endpointHit = names.find((n) => n.toLowerCase() === perEndpoint);
  if (endpointHit) return found(endpointHit, `${where}.${exact} is absent; found ${where}.${endpointHit} (prefix plus endpoint name) instead`);
  if (names.length === 1) return found(names[0]!, `${where}.${exact} is absent; the only ${prefix}…payload table there is ${where}.${names[0]}`);
  if (names.length > 1) {
    throw new ToolError(
      `The payload table of ${endpoint} is ambiguous`,
      `${where}.${exact} is absent and several tables match ${prefix}…payload: ${names.join(', ')}`,
      'Pass table with the one to read',
      'PAYLOAD_TABLE_AMBIGUOUS',
    );
  }
  throw new ToolError(
    `The payload table of ${endpoint} was not found`,
    `${where}.${exact} is not in system.information_schema.tables and no ${prefix}…payload table is there; the table appears only after the first logged request (up to an hour later), or this principal cannot see the schema`,
    'Send a request through the endpoint and retry within the hour, check USE CATALOG / USE SCHEMA / SELECT on the schema, or pass table',
    'PAYLOAD_TABLE_NOT_FOUND',
  );
}
