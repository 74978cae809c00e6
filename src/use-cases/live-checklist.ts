/**
 * The F4 checklist of a live gateway: the config-shaped items from the rule findings, and the four that only the
 * workspace's data answers — the 429/5xx alert (Alerts v2), direct traffic and request-id correlation (usage
 * and payload tables through the SQL warehouse), and the payload table's arrival after the first request. Each
 * data item is gathered on its own: one the caller cannot see is `unknown` with the reason and the grant or wait
 * that resolves it, and the others are still reported.
 */
import { SqlError } from '../databricks/sql-client.js';
import { workspaceWarehouse } from '../databricks/sql-workspace.js';
import type { ServingEndpoint } from '../databricks/serving-endpoints.api.js';
import { getWorkspace } from '../databricks/workspace-clients.js';
import { ToolError } from '../shared/tool-error.js';
import { alertItem } from '../governance/checklist/alert-item.js';
import { correlationItem, correlationStatement } from '../governance/checklist/correlation.js';
import { configItems, entry, inStepOrder, type ChecklistEntry, type ChecklistItem, type ConfigEvidence } from '../governance/checklist/checklist-items.js';
import { directTrafficStatement, frontedEndpoints, trafficItem } from '../governance/checklist/traffic.js';
import { firstRequestStatement, payloadRowsStatement, visibilityItem, type VisibilityEvidence } from '../governance/checklist/visibility.js';
import { locatePayloadTable, type InferenceTableConfig, type ResolvedPayloadTable, type RunStatement } from '../governance/inference/payload-table.js';
import { GRANT_HINT } from '../governance/usage/choose-source.js';
import { addDays } from '../governance/usage/time-window.js';
import { formatTable } from '../shared/sql-names.js';
import type { Runtime } from '../runtime/process-runtime.js';

export interface ChecklistRequest extends Omit<ConfigEvidence, 'endpoint' | 'aiGateway'> {
  endpoint: ServingEndpoint;
  warehouseId?: string;
  /** Share of requests that must carry a client request id (0..1). */
  minRequestIdShare: number;
  /** Days of usage the traffic and correlation items look at. */
  windowDays: number;
  /** The gateway's SQL alert, when the operator names it (a query of their own) rather than create_gateway's. */
  alertId?: string;
  signal: AbortSignal;
}

/** How far back the first request is looked for when the endpoint does not say when it was created. */
const FIRST_REQUEST_LOOKBACK_DAYS = 90;

export async function liveChecklist(runtime: Runtime, request: ChecklistRequest): Promise<ChecklistEntry[]> {
  const { endpoint, signal } = request;
  const gateway = endpoint.name;
  const config = configItems({ ...request, endpoint: gateway, aiGateway: endpoint.ai_gateway });
  const workspace = getWorkspace(runtime);
  const now = new Date();
  const window = { since: addDays(now, -request.windowDays), until: now };
  const created = typeof endpoint.creation_timestamp === 'number' ? new Date(endpoint.creation_timestamp) : addDays(now, -FIRST_REQUEST_LOOKBACK_DAYS);
  const sinceCreation = { since: created, until: now };

  let run: RunStatement | undefined;
  let noWarehouse: unknown;
  try {
    const { warehouse } = workspaceWarehouse(runtime, request.warehouseId);
    run = (statement) => warehouse.query(statement, { signal });
  } catch (error) {
    noWarehouse = error;
  }
  const sql = (): RunStatement => {
    if (!run) throw noWarehouse;
    return run;
  };
  const tableConfig = endpoint.ai_gateway?.inference_table_config as InferenceTableConfig | undefined;
  const payloadTable: Promise<ResolvedPayloadTable> | undefined = tableConfig?.enabled ? Promise.resolve().then(() => locatePayloadTable(gateway, tableConfig, sql())) : undefined;
  payloadTable?.catch(() => undefined);

  const gathered = await Promise.all([
    guarded('error-alert', signal, async () => alertItem(gateway, await workspace.alerts.list(signal), request.alertId)),
    guarded('gateway-url', signal, async () => {
      const fronted = frontedEndpoints(endpoint.config?.served_entities ?? endpoint.pending_config?.served_entities ?? []);
      const rows = fronted.length === 0 ? [] : await sql()(directTrafficStatement(gateway, fronted, window));
      return trafficItem(gateway, fronted, rows, window, `${workspace.config.host}/serving-endpoints`);
    }),
    guarded('request-id-correlation', signal, async () => {
      if (!payloadTable) return entry('request-id-correlation', 'fail', `inference tables are not enabled on ${gateway}, so no request's client_request_id is recorded`, 'Enable ai_gateway.inference_table_config on the gateway');
      const { table } = await payloadTable;
      return correlationItem(formatTable(table), await sql()(correlationStatement(table, window)), request.minRequestIdShare, window);
    }),
    visibility(gateway, payloadTable && { expected: expectedPayloadTable(gateway, tableConfig!), located: payloadTable }, sql, sinceCreation, now, signal),
  ]);
  return inStepOrder([...config, ...gathered]);
}

/** The payload table's name as the config implies it, for evidence when the table cannot be found. */
function expectedPayloadTable(gateway: string, config: InferenceTableConfig): string {
  return `${config.catalog_name}.${config.schema_name}.${config.table_name_prefix || gateway.replace(/-/g, '_')}_payload`;
}

async function visibility(
  gateway: string,
  payloadTable: { expected: string; located: Promise<ResolvedPayloadTable> } | undefined,
  sql: () => RunStatement,
  sinceCreation: { since: Date; until: Date },
  now: Date,
  signal: AbortSignal,
): Promise<ChecklistEntry> {
  return guarded('inference-tables-visible', signal, async () => {
    const evidence: VisibilityEvidence = { gateway, now };
    if (!payloadTable) return visibilityItem(evidence);
    const run = sql();
    evidence.table = payloadTable.expected;
    await Promise.all([
      run(firstRequestStatement(gateway, sinceCreation)).then(
        ([row]) => {
          evidence.firstRequest = Number(row?.requests ?? 0) > 0 ? new Date(row!.first_request as string | Date) : null;
        },
        (error: unknown) => {
          rethrowIfCancelled(error, signal);
          evidence.firstRequestProblem = unknownReason(error).evidence;
        },
      ),
      payloadTable.located.then(
        async ({ table }) => {
          evidence.table = formatTable(table);
          const [row] = await run(payloadRowsStatement(table, sinceCreation));
          const at = (v: unknown) => (v === null || v === undefined ? undefined : new Date(v as string | Date));
          evidence.logged = { rows: Number(row?.logged ?? 0), first: at(row?.first_logged), last: at(row?.last_logged) };
        },
        (error: unknown) => {
          rethrowIfCancelled(error, signal);
          if (!(error instanceof ToolError && error.code === 'PAYLOAD_TABLE_NOT_FOUND')) throw error;
          evidence.tableProblem = error.why;
        },
      ),
    ]);
    return visibilityItem(evidence);
  });
}

/** Runs one item's check; a failure to see its evidence becomes `unknown` with the reason and the way out. */
async function guarded(item: ChecklistItem, signal: AbortSignal, check: () => Promise<ChecklistEntry>): Promise<ChecklistEntry> {
  try {
    return await check();
  } catch (error) {
    rethrowIfCancelled(error, signal);
    const { evidence, fix } = unknownReason(error);
    return entry(item, 'unknown', evidence, fix);
  }
}

function rethrowIfCancelled(error: unknown, signal: AbortSignal): void {
  if (signal.aborted) throw error;
}

/** Why the evidence could not be seen, and what grant or setting resolves it. */
function unknownReason(error: unknown): { evidence: string; fix: string } {
  if (!(error instanceof ToolError)) return { evidence: `the check failed: ${error instanceof Error ? error.message : String(error)}`, fix: 'Retry; if it fails again, report it' };
  const sqlFailure = error instanceof SqlError ? error : undefined;
  if (error.code === 'WAREHOUSE_NOT_CONFIGURED') return { evidence: `no SQL warehouse to read the usage and payload tables: ${error.why}`, fix: error.next };
  if (sqlFailure?.failure === 'permission') {
    const system = /system\./i.test(sqlFailure.detail);
    return {
      evidence: `permission denied reading ${system ? 'the usage system tables' : 'the payload table'}: ${sqlFailure.detail}`,
      fix: system ? GRANT_HINT : "Ask the payload table's owner or a metastore admin for USE CATALOG, USE SCHEMA and SELECT on it",
    };
  }
  return { evidence: `${error.what}: ${error.why}`, fix: error.next };
}
