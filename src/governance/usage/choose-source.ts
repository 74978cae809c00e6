/**
 * Picks the usage source a report reads. `auto` tries what the principal can read, in order: the serving
 * system tables (the AI Gateway on serving endpoints), then `system.ai_gateway.usage` (the newer gateway),
 * and says which it chose and why. A permission refusal names the grants that would open it.
 */
import { ToolError } from '../../shared/tool-error.js';
import { formatTable, type TableName } from '../../shared/sql-names.js';
import { SqlParams, type SqlStatement } from '../../shared/sql-statement.js';
import {
  AI_GATEWAY_USAGE,
  columnsStatement,
  ENDPOINT_USAGE,
  mapColumns,
  probeStatement,
  SERVED_ENTITIES,
  servingSource,
  type ColumnInfo,
  type UsageSource,
} from './usage-sources.js';

export type SourceRequest = 'auto' | 'serving' | 'ai_gateway';

/** Runs one statement; throws errors carrying a `failure` kind (SqlError) on refusal. */
export type RunStatement = (statement: SqlStatement) => Promise<Record<string, unknown>[]>;

export interface ChosenSource {
  source: UsageSource;
  note: string;
}

type Failure = { failure?: string; detail?: string; message?: string };

export async function chooseSource(request: SourceRequest, usageTable: TableName | undefined, run: RunStatement): Promise<ChosenSource> {
  if (usageTable) return { source: await mappedSource('table', usageTable, run), note: `the usage table ${formatTable(usageTable)} you named` };
  if (request === 'serving') {
    await probe([ENDPOINT_USAGE, SERVED_ENTITIES], run);
    return { source: servingSource(), note: 'system.serving (requested)' };
  }
  if (request === 'ai_gateway') {
    await probe([AI_GATEWAY_USAGE], run);
    return { source: await mappedSource('ai_gateway', AI_GATEWAY_USAGE, run), note: 'system.ai_gateway.usage (requested)' };
  }
  const refusals: string[] = [];
  try {
    await probe([ENDPOINT_USAGE, SERVED_ENTITIES], run);
    return { source: servingSource(), note: 'auto: system.serving.endpoint_usage is readable (serving-endpoint AI Gateway usage)' };
  } catch (error) {
    if (!isRefusal(error)) throw error;
    refusals.push(`system.serving: ${reason(error)}`);
  }
  try {
    await probe([AI_GATEWAY_USAGE], run);
    return {
      source: await mappedSource('ai_gateway', AI_GATEWAY_USAGE, run),
      note: `auto: system.serving is not readable (${refusals[0]}), so system.ai_gateway.usage was used`,
    };
  } catch (error) {
    if (!isRefusal(error)) throw error;
    refusals.push(`system.ai_gateway.usage: ${reason(error)}`);
  }
  throw new ToolError(
    'No usage table is readable by this principal',
    refusals.join('; '),
    `${GRANT_HINT}. Or pass usage_table with a workspace-scoped usage table you can read`,
    'USAGE_NOT_READABLE',
  );
}

export const GRANT_HINT =
  'Usage system tables are readable only by account admins until access is granted: ask an account admin or metastore admin to run ' +
  '`GRANT USE SCHEMA ON SCHEMA system.serving TO <principal>` and `GRANT SELECT ON SCHEMA system.serving TO <principal>` ' +
  '(for the newer gateway: the same on system.ai_gateway), where <principal> is the user or service principal this server runs as';

async function probe(tables: TableName[], run: RunStatement): Promise<void> {
  for (const table of tables) await run(probeStatement(table));
}

async function mappedSource(kind: 'ai_gateway' | 'table', table: TableName, run: RunStatement): Promise<UsageSource> {
  const rows = await run(columnsStatement(table, new SqlParams()));
  const columns: ColumnInfo[] = rows.map((r) => ({ column_name: String(r.column_name), data_type: String(r.data_type ?? ''), ...(r.full_data_type ? { full_data_type: String(r.full_data_type) } : {}) }));
  return { kind, tables: [table], columns: mapColumns(table, columns) };
}

function isRefusal(error: unknown): boolean {
  const failure = (error as Failure).failure;
  return failure === 'permission' || failure === 'not_found';
}

function reason(error: unknown): string {
  const e = error as Failure;
  return `${e.failure === 'permission' ? 'permission denied' : 'not found'}${e.detail ? ` (${e.detail.slice(0, 160)})` : ''}`;
}
