/**
 * The usage report: picks the usage source the caller can read, builds one aggregate statement for the
 * report and runs it in the SQL warehouse (totals always cover the whole window); the tool seam fits the rows into
 * the result budget. Prices come from the caller or the price settings file.
 */
import { loadPriceFile } from '../files/price-file.js';
import { workspaceWarehouse } from '../databricks/sql-workspace.js';
import { ToolError } from '../shared/tool-error.js';
import { budgetStatus, type BudgetStatus } from '../governance/usage/budget.js';
import { chooseSource, GRANT_HINT, type RunStatement, type SourceRequest } from '../governance/usage/choose-source.js';
import { checkPrices, type PriceTable } from '../governance/usage/prices.js';
import { buildReport, splitTotals, type ChargeTo, type Dimension, type ReportName } from '../governance/usage/usage-reports.js';
import { describeSource } from '../governance/usage/usage-sources.js';
import { isoInstant, resolveWindow } from '../governance/usage/time-window.js';
import { parseTableName } from '../shared/sql-names.js';
import { parameterValues, SqlParams } from '../shared/sql-statement.js';
import type { UseCaseCall } from './use-case-call.js';
import { cached } from './ttl-cache.js';

/** How long a usage source choice is reused: grants change rarely, probing costs two statements. */
const SOURCE_TTL_MS = 5 * 60_000;

export interface UsageRequest {
  report: ReportName;
  source: SourceRequest;
  usageTable?: string;
  endpoint?: string;
  /** A Unity AI Gateway model service (`catalog.schema.name`): its rows are in system.ai_gateway.usage. */
  modelService?: string;
  since?: string;
  until?: string;
  user?: string;
  servedEntity?: string;
  usageContextKey?: string;
  usageContextValue?: string;
  groupBy?: Dimension[];
  chargeTo: ChargeTo;
  limit: number;
  prices?: PriceTable;
  monthlyBudgetUsd?: number;
  spikeMultiple: number;
  minSpikeTokens: number;
  warehouseId?: string;
}

export interface UsageResult {
  report: ReportName;
  source: string;
  source_note: string;
  workspace: string;
  window: { since: string; until: string };
  rows: Record<string, unknown>[];
  totals: Record<string, number>;
  groups: number;
  truncated: boolean;
  narrow_hint?: string;
  sql: string;
  parameters: Record<string, unknown>;
  budget?: BudgetStatus;
  warnings: string[];
}

export async function usageReport(call: UseCaseCall, request: UsageRequest): Promise<UsageResult> {
  const args = forModelService(request);
  const window = resolveWindow({ since: args.since ?? (args.monthlyBudgetUsd && !args.until ? monthStart() : undefined), until: args.until }, 7);
  const usageTable = args.usageTable ? parseTableName(args.usageTable, 'usage_table') : undefined;
  const prices = await resolvePrices(args.prices, call);
  const warnings: string[] = [];
  const { workspace, warehouse } = workspaceWarehouse(call.runtime, args.warehouseId);
  const run: RunStatement = (statement) =>
    warehouse.query(statement, {
      signal: call.signal,
      onProgress: (ms) => void call.progress(Math.round(ms / 1000), undefined, `statement running on warehouse ${warehouse.target.warehouseId} for ${Math.round(ms / 1000)} s`),
    });
  const sourceKey = `${workspace.config.host}|${warehouse.target.warehouseId}|${args.source}|${args.usageTable ?? ''}`;
  const chosen = await withGrantHint(() => cached(call.runtime, 'usage-source', sourceKey, SOURCE_TTL_MS, () => chooseSource(args.source, usageTable, run)));
  const contextKey = args.usageContextKey ?? (needsContext(args) ? 'team' : undefined);
  if (args.usageContextValue !== undefined && !args.usageContextKey) {
    warnings.push('usage_context_value filters on the usage_context key "team" (usage_context_key was not given)');
  }
  if (args.modelService && !chosen.source.columns?.service_name) {
    throw new ToolError(
      `${describeSource(chosen.source)} has no service_name column here`,
      'rows of a call to a model service are told apart by service_name (not endpoint_name), and this workspace\'s table (read from system.information_schema.columns) lacks it',
      'Report by endpoint instead, or check the table\'s columns: SELECT column_name FROM system.information_schema.columns WHERE table_schema = \'ai_gateway\' AND table_name = \'usage\'',
      'USAGE_SOURCE_UNSUPPORTED',
    );
  }
  if (contextKey && chosen.source.kind !== 'serving' && !chosen.source.columns?.usage_context) {
    warnings.push(`${describeSource(chosen.source)} has no usage_context column: context values are empty`);
  }
  if (args.report === 'chargeback' && !prices) warnings.push('No prices given (input prices or AIGW_PRICES_FILE): chargeback shows tokens only');
  if (args.monthlyBudgetUsd && !prices) throw new ToolError('A budget needs prices', 'dollars are computed from a price per served entity', 'Pass prices or set AIGW_PRICES_FILE', 'PRICES_MISSING');
  const built = buildReport(
    {
      report: args.report,
      source: chosen.source,
      window,
      filters: { endpoint: args.endpoint, service: args.modelService, user: args.user, served_entity: args.servedEntity, context_value: args.usageContextValue },
      contextKey,
      groupBy: args.report === 'errors' || args.report === 'spikes' ? undefined : args.groupBy,
      chargeTo: args.chargeTo,
      limit: args.limit,
      prices,
      spike: { multiple: args.spikeMultiple, minTokens: args.minSpikeTokens },
    },
    new SqlParams(),
  );
  const raw = await withGrantHint(() => run(built.statement));
  const { rows, totals, groups } = splitTotals(built, raw);
  if (built.priced && (totals.unpriced_tokens ?? 0) > 0) warnings.push(`${totals.unpriced_tokens} tokens have no price: their dollars are not counted`);
  const base: Omit<UsageResult, 'rows' | 'truncated'> = {
    report: args.report,
    source: describeSource(chosen.source),
    source_note: chosen.note,
    workspace: workspace.label,
    window: { since: isoInstant(window.since), until: isoInstant(window.until) },
    totals,
    groups,
    sql: built.statement.sql,
    parameters: parameterValues(built.statement),
    ...(args.monthlyBudgetUsd && built.priced ? { budget: budgetStatus({ monthly_usd: args.monthlyBudgetUsd }, totals.dollars ?? 0, window.since, window.until) } : {}),
    warnings,
  };
  const truncated = groups > rows.length;
  return { ...base, rows, truncated, ...(truncated ? { narrow_hint: usageNarrowHint(rows.length, groups) } : {}) };
}

/** What a result that shows `kept` of `groups` rows says about the rest. */
export function usageNarrowHint(kept: number, groups: number): string {
  return (
    `${kept} of ${groups} rows shown (totals cover all of them). ` +
    'Narrow with endpoint, user, served_entity or a shorter since/until window, or page the ranking with a smaller group_by'
  );
}

/** A model service's rows are in system.ai_gateway.usage, told apart by service_name (see UsageFilters.service). */
function forModelService(request: UsageRequest): UsageRequest {
  if (!request.modelService) return request;
  if (request.endpoint) {
    throw new ToolError('Both endpoint and model_service were given', 'a usage row belongs to one gateway', 'Pass one of them', 'INVALID_INPUT');
  }
  if (request.source === 'serving') {
    throw new ToolError(`Model service ${request.modelService} has no rows in system.serving`, 'Unity AI Gateway model services log usage to system.ai_gateway.usage only', 'Use source "ai_gateway" (or "auto")', 'INVALID_INPUT');
  }
  return { ...request, source: 'ai_gateway' };
}

function needsContext(args: UsageRequest): boolean {
  return (args.report === 'chargeback' && args.chargeTo === 'team' && !args.groupBy) || Boolean(args.groupBy?.includes('context')) || args.usageContextValue !== undefined;
}

async function resolvePrices(given: PriceTable | undefined, call: UseCaseCall): Promise<PriceTable | undefined> {
  if (given) return Object.keys(given).length ? checkPrices(given, 'the prices input') : undefined;
  const file = call.runtime.env.AIGW_PRICES_FILE;
  return file ? loadPriceFile(file, call.runtime.cwd) : undefined;
}

/** A refusal on a system table says who can grant what. */
async function withGrantHint<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const e = error as { failure?: string; detail?: string };
    if (error instanceof ToolError && e.failure === 'permission') {
      throw new ToolError(`Permission denied reading usage: ${e.detail ?? error.why}`, 'the principal lacks USE SCHEMA and SELECT on the usage tables', GRANT_HINT, 'USAGE_NOT_READABLE');
    }
    throw error;
  }
}

function monthStart(now = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
}

