/** query_usage: token usage, errors, spikes and chargeback, aggregated in the SQL warehouse. */
import { z } from 'zod';
import { priceTableSchema } from '../governance/usage/prices.js';
import { DIMENSION_NAMES, REPORTS } from '../governance/usage/usage-reports.js';
import { usageNarrowHint, usageReport } from '../use-cases/usage-report.js';
import { USAGE_VIEW_URI } from '../ui/uris.js';
import { defineTool } from './define-tool.js';
import { largestFitting } from './result-budget.js';
import { table } from './text-format.js';
import { endpointNameInput, instantInput, warehouseIdInput } from './warehouse-inputs.js';

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
  model_service: z
    .string()
    .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'a model service is catalog.schema.name')
    .optional()
    .describe('Only this Unity AI Gateway model service (catalog.schema.name), read from system.ai_gateway.usage (source auto becomes ai_gateway)'),
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
  run: (args, call) =>
    usageReport(call, {
      report: args.report,
      source: args.source,
      usageTable: args.usage_table,
      endpoint: args.endpoint,
      modelService: args.model_service,
      since: args.since,
      until: args.until,
      user: args.user,
      servedEntity: args.served_entity,
      usageContextKey: args.usage_context_key,
      usageContextValue: args.usage_context_value,
      groupBy: args.group_by,
      chargeTo: args.charge_to,
      limit: args.limit,
      prices: args.prices,
      monthlyBudgetUsd: args.budget?.monthly_usd,
      spikeMultiple: args.spike_multiple,
      minSpikeTokens: args.min_spike_tokens,
      warehouseId: args.warehouse_id,
    }),
  // Drop trailing rows until the result fits; totals still cover the whole window.
  fit: (result, fits) =>
    largestFitting(
      result.rows.length,
      (keep) => (keep === result.rows.length ? result : { ...result, rows: result.rows.slice(0, keep), truncated: true, narrow_hint: usageNarrowHint(keep, result.groups) }),
      fits,
    ).result,
  text: renderUsage,
});

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
