/** query_usage: token usage, errors, spikes and chargeback, aggregated in the SQL warehouse. */
import { z } from 'zod';
import { ToolError } from '../errors.js';
import { parseTableName } from '../databricks/sql-names.js';
import { parameterValues, SqlParams } from '../databricks/sql-statement.js';
import { workspaceWarehouse } from '../databricks/sql-workspace.js';
import { budgetStatus } from '../governance/usage/budget.js';
import { chooseSource, GRANT_HINT, type RunStatement } from '../governance/usage/choose-source.js';
import { checkPrices, loadPriceFile, priceTableSchema, type PriceTable } from '../governance/usage/prices.js';
import { buildReport, DIMENSION_NAMES, REPORTS, splitTotals } from '../governance/usage/reports.js';
import { describeSource } from '../governance/usage/sources.js';
import { isoInstant, resolveWindow } from '../governance/usage/window.js';
import { USAGE_VIEW_URI } from '../ui/uris.js';
import { defineTool, type ToolCall } from './define.js';
import { table } from './format.js';
import { fitRows } from './size-fit.js';
import { cached } from './ttl-cache.js';
import { endpointNameInput, instantInput, warehouseIdInput } from './warehouse-inputs.js';

/** How long a usage source choice is reused: grants change rarely, probing costs two statements. */
const SOURCE_TTL_MS = 5 * 60_000;

const input = z.object({
  report: z
    .enum(REPORTS)
    .default('summary')
    .describe(
      'summary: one row of totals. by_day / by_user / by_entity: tokens per day, principal, endpoint+served entity. top_users: principals by tokens with their share. ' +
        'errors: per day 429s, 5xx and guardrail blocks (status 400) with rates. spikes: days where a principal used more than spike_multiple × its trailing 7-day median (runaway agents). ' +
        'chargeback: tokens and dollars per team (usage_context key), user or endpoint',
    ),
  source: z
    .enum(['auto', 'serving', 'ai_gateway'])
    .default('auto')
    .describe('auto: system.serving usage tables if readable, else system.ai_gateway.usage. Ignored when usage_table is given'),
  usage_table: z.string().min(5).max(800).optional().describe('A workspace-scoped usage table as catalog.schema.table, read instead of the system tables'),
  endpoint: endpointNameInput.optional(),
  since: instantInput.optional().describe('Start (inclusive), ISO date or timestamp, UTC. Default: 7 days before until (month start with a budget)'),
  until: instantInput.optional().describe('End (exclusive), ISO date or timestamp, UTC. Default: now'),
  user: z.string().min(1).max(320).optional().describe('Only this requester (user e-mail or service principal application id)'),
  served_entity: z.string().min(1).max(255).optional().describe('Only this served entity (its name on the endpoint, or the model it serves)'),
  usage_context_key: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'a usage_context key is 1-64 letters, digits, "_", ".", ":" or "-"')
    .optional()
    .describe('usage_context key carrying the team (default "team" for chargeback by team); the group_by dimension "context" reads it'),
  usage_context_value: z.string().min(1).max(255).optional().describe('Only rows whose usage_context[usage_context_key] equals this'),
  group_by: z.array(z.enum(DIMENSION_NAMES)).min(1).max(3).optional().describe('Override the grouping of summary/by_*/top_users/chargeback'),
  charge_to: z.enum(['team', 'user', 'endpoint']).default('team').describe('chargeback: who pays'),
  limit: z.number().int().min(1).max(500).default(50).describe('Rows returned (totals always cover the whole window)'),
  prices: priceTableSchema
    .optional()
    .describe('Dollars per million tokens by served entity or model name, e.g. {"databricks-claude-sonnet-4-6": {"input_per_million": 3, "output_per_million": 15}}. Default: the AIGW_PRICES_FILE settings file'),
  budget: z.object({ monthly_usd: z.number().positive().max(1e12) }).optional().describe('Monthly budget: adds burn rate and projected month-end spend'),
  spike_multiple: z.number().min(1.5).max(1000).default(5).describe('spikes: the multiple of the trailing median that counts as a spike'),
  min_spike_tokens: z.number().int().min(0).max(1e12).default(10_000).describe('spikes: days under this many tokens never count'),
  warehouse_id: warehouseIdInput,
});

const budgetOutput = z.object({
  monthly_usd: z.number(),
  spent_usd: z.number(),
  window_days: z.number(),
  daily_burn_usd: z.number(),
  month: z.string(),
  projected_month_end_usd: z.number(),
  projected_share_of_budget: z.number(),
  on_track: z.boolean(),
  exhausted_on: z.string().optional(),
  basis: z.string(),
});

const output = z.object({
  report: z.enum(REPORTS),
  source: z.string(),
  source_note: z.string(),
  workspace: z.string(),
  window: z.object({ since: z.string(), until: z.string() }),
  rows: z.array(z.record(z.string(), z.unknown())),
  totals: z.record(z.string(), z.number()),
  /** Rows in the whole window before the limit. */
  groups: z.number(),
  truncated: z.boolean(),
  narrow_hint: z.string().optional(),
  sql: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  budget: budgetOutput.optional(),
  warnings: z.array(z.string()),
});

type Output = z.output<typeof output>;

export const queryUsageTool = defineTool({
  name: 'query_usage',
  title: 'Query AI Gateway token usage',
  description: `Token usage of AI Gateway serving endpoints, aggregated in the SQL warehouse (never raw rows): totals, per day/user/entity, top users, error rates (429, 5xx, guardrail 400s), runaway-agent spikes, and chargeback in dollars with an optional monthly budget projection.
Use it after create_gateway to verify traffic flows and is tracked, or to answer "who spends what". Needs a SQL warehouse (warehouse_id or DATABRICKS_WAREHOUSE_ID) and SELECT on the usage tables; source "auto" says which table it read. Default window: the last 7 days (UTC).
Returns rows (at most limit), totals over the whole window, the exact sql and parameters run, and truncated + narrow_hint when rows were cut. Usage rows can lag requests by up to an hour. Read-only.`,
  kind: 'read',
  idempotent: true,
  openWorld: true,
  ui: { resourceUri: USAGE_VIEW_URI },
  input,
  output,
  async run(args, call) {
    const window = resolveWindow({ since: args.since ?? (args.budget && !args.until ? monthStart() : undefined), until: args.until }, 7);
    const usageTable = args.usage_table ? parseTableName(args.usage_table, 'usage_table') : undefined;
    const prices = await resolvePrices(args.prices, call);
    const warnings: string[] = [];
    const { workspace, warehouse } = workspaceWarehouse(call.runtime, args.warehouse_id);
    const run: RunStatement = (statement) =>
      warehouse.query(statement, {
        signal: call.signal,
        onProgress: (ms) => void call.progress(Math.round(ms / 1000), undefined, `statement running on warehouse ${warehouse.target.warehouseId} for ${Math.round(ms / 1000)} s`),
      });
    const sourceKey = `${workspace.config.host}|${warehouse.target.warehouseId}|${args.source}|${args.usage_table ?? ''}`;
    const chosen = await withGrantHint(() => cached(call.runtime, 'usage-source', sourceKey, SOURCE_TTL_MS, () => chooseSource(args.source, usageTable, run)));
    const contextKey = args.usage_context_key ?? (needsContext(args) ? 'team' : undefined);
    if (args.usage_context_value !== undefined && !args.usage_context_key) {
      warnings.push('usage_context_value filters on the usage_context key "team" (usage_context_key was not given)');
    }
    if (contextKey && chosen.source.kind !== 'serving' && !chosen.source.columns?.usage_context) {
      warnings.push(`${describeSource(chosen.source)} has no usage_context column: context values are empty`);
    }
    if (args.report === 'chargeback' && !prices) warnings.push('No prices given (input prices or AIGW_PRICES_FILE): chargeback shows tokens only');
    if (args.budget && !prices) throw new ToolError('A budget needs prices', 'dollars are computed from a price per served entity', 'Pass prices or set AIGW_PRICES_FILE', 'PRICES_MISSING');
    const built = buildReport(
      {
        report: args.report,
        source: chosen.source,
        window,
        filters: { endpoint: args.endpoint, user: args.user, served_entity: args.served_entity, context_value: args.usage_context_value },
        contextKey,
        groupBy: args.report === 'errors' || args.report === 'spikes' ? undefined : args.group_by,
        chargeTo: args.charge_to,
        limit: args.limit,
        prices,
        spike: { multiple: args.spike_multiple, minTokens: args.min_spike_tokens },
      },
      new SqlParams(),
    );
    const raw = await withGrantHint(() => run(built.statement));
    const { rows, totals, groups } = splitTotals(built, raw);
    if (built.priced && (totals.unpriced_tokens ?? 0) > 0) warnings.push(`${totals.unpriced_tokens} tokens have no price: their dollars are not counted`);
    const base: Omit<Output, 'rows' | 'truncated'> = {
      report: args.report,
      source: describeSource(chosen.source),
      source_note: chosen.note,
      workspace: workspace.label,
      window: { since: isoInstant(window.since), until: isoInstant(window.until) },
      totals,
      groups,
      sql: built.statement.sql,
      parameters: parameterValues(built.statement),
      ...(args.budget && built.priced ? { budget: budgetStatus(args.budget, totals.dollars ?? 0, window.since, window.until) } : {}),
      warnings,
    };
    const limited = groups > rows.length;
    const { result, kept } = fitRows(rows, (kept) => ({ ...base, rows: kept, truncated: limited || kept.length < rows.length }), renderUsage);
    if (result.truncated) {
      result.narrow_hint =
        `${kept} of ${groups} rows shown (totals cover all of them). ` +
        'Narrow with endpoint, user, served_entity or a shorter since/until window, or page the ranking with a smaller group_by';
    }
    return result;
  },
  text: renderUsage,
});

function needsContext(args: { report: string; charge_to: string; group_by?: string[]; usage_context_value?: string }): boolean {
  return (args.report === 'chargeback' && args.charge_to === 'team' && !args.group_by) || Boolean(args.group_by?.includes('context')) || args.usage_context_value !== undefined;
}

async function resolvePrices(given: PriceTable | undefined, call: ToolCall): Promise<PriceTable | undefined> {
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

function renderUsage(result: Output): string {
  const lines = [`${result.report} · ${result.source} · ${result.window.since} → ${result.window.until} · workspace ${result.workspace}`];
  const columns = result.rows[0] ? Object.keys(result.rows[0]) : [];
  if (columns.length) lines.push(table(columns, result.rows.map((row) => columns.map((c) => formatCell(row[c])))));
  else lines.push('(no rows in this window)');
  lines.push(`totals: ${Object.entries(result.totals).map(([k, v]) => `${k}=${formatCell(v)}`).join(' ')} · groups=${result.groups}`);
  if (result.budget) {
    const b = result.budget;
    lines.push(`budget ${b.month}: spent $${b.spent_usd} · burn $${b.daily_burn_usd}/day · projected $${b.projected_month_end_usd} of $${b.monthly_usd} (${Math.round(b.projected_share_of_budget * 100)}%)${b.exhausted_on ? ` · runs out ${b.exhausted_on}` : ''} · ${b.on_track ? 'on track' : 'OVER BUDGET'}`);
  }
  if (result.narrow_hint) lines.push(`truncated: ${result.narrow_hint}`);
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  lines.push(`source: ${result.source_note}`);
  lines.push(`sql: ${result.sql}`);
  return lines.join('\n');
}

function formatCell(value: unknown): string {
  // A null group key is traffic without that tag (e.g. no usage_context team): say so rather than show a blank.
  if (value === null || value === undefined) return '(none)';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4).replace(/\.?0+$/, '');
  return String(value);
}
