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
    .describe('spikes: days over spike_multiple × the 7-day median; chargeback: dollars per charge_to'),
  source: z
    .enum(['auto', 'serving', 'ai_gateway'])
    .default('auto'),
  usage_table: z.string().min(5).max(800).optional().describe('Read instead of the system tables'),
  endpoint: endpointNameInput.optional(),
  model_service: z
    .string()
    .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'a model service is catalog.schema.name')
    .optional(),
  since: instantInput.optional().describe('ISO date or time, UTC; omitted: 7 days back'),
  until: instantInput.optional(),
  user: z.string().min(1).max(320).optional(),
  served_entity: z.string().min(1).max(255).optional(),
  usage_context_key: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'a usage_context key is 1-64 letters, digits, "_", ".", ":" or "-"')
    .optional()
    .describe('usage_context key naming the team (omitted: "team")'),
  usage_context_value: z.string().min(1).max(255).optional(),
  group_by: z.array(z.enum(DIMENSION_NAMES)).min(1).max(3).optional().describe("Overrides the report's grouping"),
  charge_to: z.enum(['team', 'user', 'endpoint']).default('team'),
  limit: z.number().int().min(1).max(500).default(50).describe('Totals cover all rows'),
  prices: priceTableSchema
    .optional()
    .describe('Per million tokens, by entity or model; omitted: AIGW_PRICES_FILE'),
  budget: z.object({ monthly_usd: z.number().positive().max(1e12) }).optional().describe('Adds burn rate and month-end projection'),
  spike_multiple: z.number().min(1.5).max(1000).default(5),
  min_spike_tokens: z.number().int().min(0).max(1e12).default(10_000).describe('Days under this many tokens are no spike'),
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
  description: `Token usage of gateway endpoints and model services, aggregated in the SQL warehouse: totals, per day, user or entity, top users, error rates, runaway-agent spikes, chargeback in dollars with a budget projection. Use it to check that traffic is tracked, or who spends what. Returns rows, window totals and the SQL. Usage lags requests by up to an hour.`,
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
