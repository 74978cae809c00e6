/**
 * What to draw for a query_usage result, as plain data: which chart (a time series over days, a ranking of
 * groups, or none for the one-row summary), which measure, the stacked parts of each mark and the words a
 * screen reader hears. No DOM here, so the rules are unit-tested on their own.
 */
import type { ValueKind } from './format.js';

export type Row = Record<string, unknown>;

/** The query_usage structured content, as its output schema pins it (test/__toolsnaps__/query_usage.json). */
export interface UsageResult {
  report: string;
  source: string;
  source_note: string;
  workspace: string;
  window: { since: string; until: string };
  rows: Row[];
  totals: Record<string, number>;
  groups: number;
  truncated: boolean;
  narrow_hint?: string;
  sql: string;
  parameters: Record<string, unknown>;
  budget?: { month: string; spent_usd: number; monthly_usd: number; projected_month_end_usd: number; on_track: boolean };
  warnings: string[];
}

export const REPORTS = ['summary', 'by_day', 'by_user', 'by_entity', 'top_users', 'errors', 'spikes', 'chargeback'] as const;

export const REPORT_TITLES: Record<string, string> = {
  summary: 'Summary',
  by_day: 'By day',
  by_user: 'By user',
  by_entity: 'By endpoint and entity',
  top_users: 'Top users',
  errors: 'Error rates by status',
  spikes: 'Spikes',
  chargeback: 'Chargeback',
};

export type Measure = 'tokens' | 'requests' | 'dollars' | 'error_rate' | 'spike';

interface MeasureSpec {
  label: string;
  kind: ValueKind;
  /** Stacked from the baseline up, in this order; the mark's value is `value`, which may exceed their sum. */
  series: Array<{ id: string; label: string; column: string }>;
  value: string;
}

const MEASURES: Record<Measure, MeasureSpec> = {
  tokens: {
    label: 'Tokens',
    kind: 'count',
    series: [
      { id: 'input', label: 'Input tokens', column: 'input_tokens' },
      { id: 'output', label: 'Output tokens', column: 'output_tokens' },
    ],
    value: 'total_tokens',
  },
  requests: { label: 'Requests', kind: 'count', series: [{ id: 'requests', label: 'Requests', column: 'requests' }], value: 'requests' },
  dollars: { label: 'Dollars', kind: 'usd', series: [{ id: 'dollars', label: 'Dollars', column: 'dollars' }], value: 'dollars' },
  error_rate: {
    label: 'Error rate',
    kind: 'rate',
    series: [
      { id: 'status-429', label: '429 rate limited', column: 'rate_limited_rate' },
      { id: 'status-5xx', label: '5xx server errors', column: 'server_error_rate' },
      { id: 'status-400', label: '400 guardrail blocks', column: 'guardrail_block_rate' },
    ],
    value: 'error_rate',
  },
  spike: { label: 'Tokens on the spike day', kind: 'count', series: [{ id: 'spike', label: 'Tokens that day', column: 'total_tokens' }], value: 'total_tokens' },
};

/** Errors that are none of 429, 5xx and 400: other 4xx statuses (401, 403, 404...), stacked on top. */
const OTHER_ERRORS = { id: 'status-other', label: 'Other 4xx' };

export interface Series {
  id: string;
  label: string;
}

export interface Datum {
  /** The group's identity: the day's ISO timestamp on a time series, the joined group keys on a ranking. */
  key: string;
  label: string;
  value: number;
  /** Aligned with the model's series. */
  parts: number[];
  /** spikes: the principal's trailing 7-day median, drawn as a tick on its bar. */
  baseline?: number;
  /** A fact beyond the value: a share of tokens, a spike ratio. */
  note?: string;
  /** The same fact in a word, printed beside the bar. */
  tag?: string;
  row: Row;
}

export interface ChartModel {
  shape: 'time' | 'ranking' | 'none';
  measure: Measure;
  measureLabel: string;
  kind: ValueKind;
  series: Series[];
  data: Datum[];
}

/** A principal's spike, by UTC day, from the spikes report run over the same window and filters. */
export interface Spike {
  requester: string;
  ratio: number;
  tokens: number;
}

export function isUsageResult(value: unknown): value is UsageResult {
  const v = value as Partial<UsageResult> | null;
  return Boolean(v && typeof v.report === 'string' && Array.isArray(v.rows) && typeof v.sql === 'string' && v.window && v.totals);
}

/** The measures a result can be drawn by; the first is the default. */
export function measuresOf(result: UsageResult): Measure[] {
  if (result.report === 'errors') return ['error_rate'];
  if (result.report === 'spikes') return ['spike'];
  const has = (column: string) => result.rows.some((row) => typeof row[column] === 'number');
  const measures: Measure[] = [];
  if (has('total_tokens')) measures.push('tokens');
  if (has('requests')) measures.push('requests');
  if (has('dollars')) measures.push('dollars');
  // Chargeback is about money: lead with dollars when prices were given.
  if (result.report === 'chargeback' && measures.includes('dollars')) return ['dollars', ...measures.filter((m) => m !== 'dollars')];
  return measures;
}

export function measureLabel(measure: Measure): string {
  return MEASURES[measure].label;
}

export function chartOf(result: UsageResult, wanted?: Measure): ChartModel {
  const measures = measuresOf(result);
  const measure = wanted && measures.includes(wanted) ? wanted : (measures[0] ?? 'tokens');
  const spec = MEASURES[measure];
  const withOther = measure === 'error_rate';
  const series = [...spec.series.map(({ id, label }) => ({ id, label })), ...(withOther ? [OTHER_ERRORS] : [])];
  const shape = result.report === 'summary' || result.rows.length === 0 ? 'none' : isDaily(result) ? 'time' : 'ranking';
  const data = result.rows.map((row): Datum => {
    const value = num(row[spec.value]);
    const parts = spec.series.map((s) => num(row[s.column]));
    if (withOther) parts.push(otherErrorRate(row));
    return { key: keyOf(row, shape), label: labelOf(row, shape), value, parts, ...extras(result.report, measure, row), row };
  });
  if (shape === 'time') data.sort((a, b) => a.key.localeCompare(b.key));
  return { shape, measure, measureLabel: spec.label, kind: spec.kind, series, data };
}

/** A time series needs exactly one row per day: a by_day grouped further (say by user) is a ranking instead. */
function isDaily(result: UsageResult): boolean {
  if (result.report === 'spikes') return false;
  const days = result.rows.map((row) => row.day);
  if (!days.every((d) => typeof d === 'string')) return false;
  if (new Set(days).size !== days.length) return false;
  return result.rows.every((row) => groupKeys(row).length === 1);
}

/** The columns that name a group (text or null), as opposed to its measures. */
function groupKeys(row: Row): string[] {
  return Object.keys(row).filter((k) => k !== 'first_request' && k !== 'last_request' && (typeof row[k] === 'string' || row[k] === null));
}

function keyOf(row: Row, shape: ChartModel['shape']): string {
  if (shape === 'time') return String(row.day);
  return groupKeys(row).map((k) => String(row[k] ?? '')).join('\u001f');
}

function labelOf(row: Row, shape: ChartModel['shape']): string {
  if (shape === 'time') return String(row.day);
  // A null group key is traffic without that tag (say, no usage_context team): say so rather than show a blank.
  return groupKeys(row)
    .map((k) => (row[k] === null ? '(none)' : k === 'day' ? String(row[k]).slice(0, 10) : String(row[k])))
    .join(' · ');
}

function extras(report: string, measure: Measure, row: Row): Pick<Datum, 'baseline' | 'note' | 'tag'> {
  if (report === 'top_users' && measure === 'tokens' && typeof row.share_of_tokens === 'number') {
    const share = `${(row.share_of_tokens * 100).toFixed(1)}%`;
    return { note: `${share} of all tokens`, tag: share };
  }
  if (report === 'spikes') return { baseline: num(row.baseline_median_tokens), note: `${num(row.ratio)}× its 7-day median`, tag: `${Math.round(num(row.ratio))}×` };
  return {};
}

/** From the counts: the rates are rounded to 4 places, so their difference would show rounding as errors. */
function otherErrorRate(row: Row): number {
  const requests = num(row.requests);
  const other = num(row.errors) - num(row.rate_limited) - num(row.server_errors) - num(row.guardrail_blocks);
  return requests > 0 && other > 0 ? other / requests : 0;
}

/** Spike rows grouped by UTC day (YYYY-MM-DD), to mark the days of a time series. */
export function spikesByDay(rows: Row[]): Map<string, Spike[]> {
  const byDay = new Map<string, Spike[]>();
  for (const row of rows) {
    if (typeof row.day !== 'string') continue;
    const day = row.day.slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), { requester: String(row.requester), ratio: num(row.ratio), tokens: num(row.total_tokens) }]);
  }
  return byDay;
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
