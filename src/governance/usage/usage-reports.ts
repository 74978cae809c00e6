/**
 * The usage reports, each one statement computed in the warehouse: rows are aggregates, and the totals over
 * the whole window ride along as window functions over the grouped rows (`SUM(x) OVER ()`), so they count
 * every group, not just the ones the LIMIT keeps, in the same single round trip.
 */
import { quotePart, quoteTable, type TableName } from '../../shared/sql-names.js';
import { SqlParams, type SqlStatement } from '../../shared/sql-statement.js';
import { dollarsSql, type PriceTable } from './prices.js';
import { usageRelationSql, type UsageSource } from './usage-sources.js';
import { addDays, sqlDate, sqlTimestamp, type TimeWindow } from './time-window.js';

export const REPORTS = ['summary', 'by_day', 'by_user', 'by_entity', 'top_users', 'errors', 'spikes', 'chargeback'] as const;
export type ReportName = (typeof REPORTS)[number];

/** What a report may be grouped by; each maps to one column of the normalised relation. */
export const DIMENSIONS = {
  day: { expr: 'CAST(request_time AS DATE)', column: 'day' },
  user: { expr: 'requester', column: 'requester' },
  endpoint: { expr: 'endpoint_name', column: 'endpoint_name' },
  served_entity: { expr: 'served_entity_name', column: 'served_entity_name' },
  model: { expr: 'entity_name', column: 'entity_name' },
  status_code: { expr: 'status_code', column: 'status_code' },
  context: { expr: 'context_value', column: 'context_value' },
  /** The MCP tool a request called through a Unity AI Gateway MCP service (system.ai_gateway.usage only). */
  mcp_tool: { expr: 'mcp_tool', column: 'mcp_tool' },
} as const;
export type Dimension = keyof typeof DIMENSIONS;
export const DIMENSION_NAMES = Object.keys(DIMENSIONS) as Dimension[];

export type ChargeTo = 'team' | 'user' | 'endpoint';

export interface UsageFilters {
  endpoint?: string;
  /**
   * A model service's full name: its rows carry it in `service_name`, not `endpoint_name`. Whether the column holds
   * `c.s.name` or the resource name `model-services/c.s.name` no source settles, so both match.
   */
  service?: string;
  user?: string;
  served_entity?: string;
  /** Keeps rows whose usage_context[contextKey] equals this. */
  context_value?: string;
}

export interface SpikeSettings {
  /** A day is a spike when its tokens exceed this multiple of the trailing 7-day median. */
  multiple: number;
  /** Days below this many tokens are never spikes (noise on idle principals). */
  minTokens: number;
}

export interface UsageQuery {
  report: ReportName;
  source: UsageSource;
  window: TimeWindow;
  filters: UsageFilters;
  contextKey?: string;
  groupBy?: Dimension[];
  chargeTo?: ChargeTo;
  limit: number;
  prices?: PriceTable;
  spike: SpikeSettings;
}

/** Trailing days a spike is measured against. */
export const SPIKE_BASELINE_DAYS = 7;

export interface BuiltReport {
  statement: SqlStatement;
  /** Window-function columns holding the totals; stripped from rows. */
  totalColumns: Record<string, string>;
  /** The dimensions the rows are grouped by. */
  dimensions: Dimension[];
  priced: boolean;
}

const GROUP_COUNT = 'group_count';

export function defaultDimensions(query: Pick<UsageQuery, 'report' | 'chargeTo'>): Dimension[] {
  switch (query.report) {
    case 'summary':
      return [];
    case 'by_day':
    case 'errors':
      return ['day'];
    case 'by_user':
    case 'top_users':
    case 'spikes':
      return ['user'];
    case 'by_entity':
      return ['endpoint', 'served_entity'];
    case 'chargeback':
      return [query.chargeTo === 'user' ? 'user' : query.chargeTo === 'endpoint' ? 'endpoint' : 'context'];
  }
}

export function buildReport(query: UsageQuery, params: SqlParams): BuiltReport {
  if (query.report === 'errors') return buildErrors(query, params);
  if (query.report === 'spikes') return buildSpikes(query, params);
  return buildGrouped(query, params);
}

function relationCte(query: UsageQuery, params: SqlParams, window: TimeWindow): string {
  const relation = usageRelationSql(query.source, params, {
    since: sqlTimestamp(window.since),
    until: sqlTimestamp(window.until),
    contextKey: query.contextKey,
  });
  const where: string[] = [];
  const { filters } = query;
  if (filters.endpoint !== undefined) where.push(`endpoint_name = ${params.string('endpoint', filters.endpoint)}`);
  if (filters.service !== undefined) {
    where.push(`service_name IN (${params.string('service', filters.service)}, ${params.string('service_resource', `model-services/${filters.service}`)})`);
  }
  if (filters.user !== undefined) where.push(`requester = ${params.string('user', filters.user)}`);
  if (filters.served_entity !== undefined) {
    const marker = params.string('served_entity', filters.served_entity);
    where.push(`(served_entity_name = ${marker} OR entity_name = ${marker})`);
  }
  if (filters.context_value !== undefined) where.push(`context_value = ${params.string('context_value', filters.context_value)}`);
  return `usage_rows AS (SELECT * FROM (${relation}) AS normalised${where.length ? ` WHERE ${where.join(' AND ')}` : ''})`;
}

const SUMS = [
  'COUNT(*) AS requests',
  'COALESCE(SUM(input_tokens), 0) AS input_tokens',
  'COALESCE(SUM(output_tokens), 0) AS output_tokens',
  'COALESCE(SUM(input_tokens + output_tokens), 0) AS total_tokens',
  'SUM(CASE WHEN status_code >= 400 THEN 1 ELSE 0 END) AS errors',
];
const ADDITIVE = ['requests', 'input_tokens', 'output_tokens', 'total_tokens', 'errors'];

function buildGrouped(query: UsageQuery, params: SqlParams): BuiltReport {
  const dimensions = query.groupBy && query.groupBy.length > 0 ? [...new Set(query.groupBy)] : defaultDimensions(query);
  const limit = params.integer('row_limit', query.limit);
  const priced = query.prices ? dollarsSql(query.prices, params) : undefined;
  const dims = dimensions.map((d) => `${DIMENSIONS[d].expr} AS ${DIMENSIONS[d].column}`);
  const measures = [...SUMS];
  const additive = [...ADDITIVE];
  if (dimensions.length === 0) {
    measures.push('COUNT(DISTINCT requester) AS users', 'MIN(request_time) AS first_request', 'MAX(request_time) AS last_request');
  } else if (!dimensions.includes('user')) {
    measures.push('COUNT(DISTINCT requester) AS users');
  }
  if (priced) {
    measures.push(`${priced.dollars} AS dollars`, `${priced.unpricedTokens} AS unpriced_tokens`);
    additive.push('dollars', 'unpriced_tokens');
  }
  const groupBy = dimensions.length ? ` GROUP BY ${dimensions.map((d) => DIMENSIONS[d].expr).join(', ')}` : '';
  const totalColumns: Record<string, string> = {};
  const windows = [`COUNT(*) OVER () AS ${GROUP_COUNT}`];
  for (const column of additive) {
    totalColumns[column] = `total_${column}`;
    windows.push(`SUM(${column}) OVER () AS total_${column}`);
  }
  if (query.report === 'top_users') windows.push('CAST(total_tokens AS DOUBLE) / NULLIF(SUM(total_tokens) OVER (), 0) AS share_of_tokens');
  const order = orderFor(query, dimensions, Boolean(priced));
  const sql =
    `WITH ${relationCte(query, params, query.window)}, ` +
    `grouped AS (SELECT ${[...dims, ...measures].join(', ')} FROM usage_rows${groupBy}) ` +
    `SELECT grouped.*, ${windows.join(', ')} FROM grouped ORDER BY ${order} LIMIT ${limit}`;
  return { statement: { sql, params: params.values }, totalColumns, dimensions, priced: Boolean(priced) };
}

function orderFor(query: UsageQuery, dimensions: Dimension[], priced: boolean): string {
  if (dimensions.length === 0) return 'requests DESC';
  const tieBreak = dimensions.map((d) => `${DIMENSIONS[d].column} ASC NULLS LAST`).join(', ');
  if (query.report === 'chargeback' && priced) return `dollars DESC NULLS LAST, total_tokens DESC, ${tieBreak}`;
  if (query.report === 'by_day' || (dimensions.length === 1 && dimensions[0] === 'day')) return tieBreak;
  if (query.report === 'by_user' && !query.groupBy) return tieBreak;
  return `total_tokens DESC, ${tieBreak}`;
}

/** How requests count as errors, shared by the errors report and the gateway's SQL alert. */
const ERROR_COUNTS = [
  'COUNT(*) AS requests',
  'SUM(CASE WHEN status_code = 429 THEN 1 ELSE 0 END) AS rate_limited',
  'SUM(CASE WHEN status_code >= 500 THEN 1 ELSE 0 END) AS server_errors',
  'SUM(CASE WHEN status_code = 400 THEN 1 ELSE 0 END) AS guardrail_blocks',
  'SUM(CASE WHEN status_code >= 400 THEN 1 ELSE 0 END) AS errors',
].join(', ');

const ENDPOINT_NAME = /^[A-Za-z0-9_-]{1,63}$/;
const ALERT_COLUMN = 'error_share';

/**
 * The 429/5xx share of one endpoint over the trailing `minutes`, in one row (column `error_share`, 0 when
 * idle): the query of the gateway's SQL alert. It is the errors report's relation and error counts over a
 * window relative to each run; Databricks stores an alert's query text and runs it as is, so the endpoint name
 * is a literal (a checked endpoint name, nothing to escape) instead of a parameter.
 */
export function errorShareSql(source: UsageSource, endpoint: string, minutes: number): { sql: string; column: string } {
  if (!ENDPOINT_NAME.test(endpoint)) throw new RangeError(`not an endpoint name: ${endpoint}`);
  if (!Number.isInteger(minutes) || minutes < 1) throw new RangeError('the alert window is a whole number of minutes');
  const params = new SqlParams();
  const relation = usageRelationSql(source, params, { boundsSql: { since: `current_timestamp() - INTERVAL ${minutes} MINUTES`, until: 'current_timestamp()' } });
  if (Object.keys(params.values).length > 0) throw new Error('an alert query cannot carry parameters');
  return { sql: errorShareOf(`SELECT * FROM (${relation}) AS normalised WHERE endpoint_name = '${endpoint}'`), column: ALERT_COLUMN };
}

/** A model service's full name: three Unity Catalog name parts, none holding a quote, backslash or space. */
const SERVICE_NAME = /^[A-Za-z0-9_-]{1,255}\.[A-Za-z0-9_-]{1,255}\.[A-Za-z0-9_-]{1,255}$/;

/** Where a model service's requests are in `system.ai_gateway.usage`: its time, status and service-name columns. */
export interface ServiceUsageColumns {
  table: TableName;
  time: string;
  status: string;
  service: string;
}

/**
 * The same share for a Unity AI Gateway model service, from `system.ai_gateway.usage` rows filtered on the column
 * that names the service (`service_name`). Columns go in as quoted identifiers; the full name is a string literal
 * only after the strict check above (a stored alert query binds no parameters), so nothing in it can end the literal.
 */
export function serviceErrorShareSql(columns: ServiceUsageColumns, service: string, minutes: number): { sql: string; column: string } {
  if (!SERVICE_NAME.test(service)) throw new RangeError(`not a model service name: ${service}`);
  if (!Number.isInteger(minutes) || minutes < 1) throw new RangeError('the alert window is a whole number of minutes');
  const time = quotePart(columns.time, 'column');
  const rows =
    `SELECT ${quotePart(columns.status, 'column')} AS status_code FROM ${quoteTable(columns.table)} ` +
    `WHERE ${quotePart(columns.service, 'column')} = '${service}' AND ${time} >= current_timestamp() - INTERVAL ${minutes} MINUTES AND ${time} < current_timestamp()`;
  return { sql: errorShareOf(rows), column: ALERT_COLUMN };
}

/** One row of error counts and the 429/5xx share over the rows `usageRows` selects (0 when there are none). */
function errorShareOf(usageRows: string): string {
  return (
    `WITH usage_rows AS (${usageRows}), ` +
    `totals AS (SELECT ${ERROR_COUNTS} FROM usage_rows) ` +
    `SELECT totals.*, COALESCE(ROUND(CAST(rate_limited + server_errors AS DOUBLE) / NULLIF(requests, 0), 4), 0) AS ${ALERT_COLUMN} FROM totals`
  );
}

function buildErrors(query: UsageQuery, params: SqlParams): BuiltReport {
  const limit = params.integer('row_limit', query.limit);
  const counts = ['rate_limited', 'server_errors', 'guardrail_blocks', 'errors'];
  const totalColumns: Record<string, string> = { requests: 'total_requests' };
  const windows = [`COUNT(*) OVER () AS ${GROUP_COUNT}`, 'SUM(requests) OVER () AS total_requests'];
  for (const c of counts) {
    totalColumns[c] = `total_${c}`;
    windows.push(`SUM(${c}) OVER () AS total_${c}`);
  }
  const sql =
    `WITH ${relationCte(query, params, query.window)}, ` +
    `daily AS (SELECT CAST(request_time AS DATE) AS day, ${ERROR_COUNTS} ` +
    'FROM usage_rows GROUP BY CAST(request_time AS DATE)) ' +
    'SELECT daily.*, ' +
    'ROUND(CAST(rate_limited AS DOUBLE) / NULLIF(requests, 0), 4) AS rate_limited_rate, ' +
    'ROUND(CAST(server_errors AS DOUBLE) / NULLIF(requests, 0), 4) AS server_error_rate, ' +
    'ROUND(CAST(guardrail_blocks AS DOUBLE) / NULLIF(requests, 0), 4) AS guardrail_block_rate, ' +
    'ROUND(CAST(errors AS DOUBLE) / NULLIF(requests, 0), 4) AS error_rate, ' +
    `${windows.join(', ')} FROM daily ORDER BY day ASC LIMIT ${limit}`;
  return { statement: { sql, params: params.values }, totalColumns, dimensions: ['day'], priced: false };
}

/**
 * Daily tokens per principal against the median of its previous 7 active days. The relation starts 7 days
 * before `since` so the first reported day has a baseline; only days inside the window are reported.
 */
function buildSpikes(query: UsageQuery, params: SqlParams): BuiltReport {
  const widened: TimeWindow = { since: addDays(query.window.since, -SPIKE_BASELINE_DAYS), until: query.window.until };
  const relation = relationCte(query, params, widened);
  const reportSince = params.date('report_since', sqlDate(query.window.since));
  const multiple = params.double('spike_multiple', query.spike.multiple);
  const minTokens = params.integer('min_tokens', query.spike.minTokens);
  const limit = params.integer('row_limit', query.limit);
  const sql =
    `WITH ${relation}, ` +
    'daily AS (SELECT requester, CAST(request_time AS DATE) AS day, COUNT(*) AS requests, ' +
    'SUM(input_tokens + output_tokens) AS total_tokens FROM usage_rows WHERE requester IS NOT NULL ' +
    'GROUP BY requester, CAST(request_time AS DATE)), ' +
    'scored AS (SELECT d.requester AS requester, d.day AS day, d.requests AS requests, d.total_tokens AS total_tokens, ' +
    'median(b.total_tokens) AS baseline_median_tokens, COUNT(b.day) AS baseline_days ' +
    `FROM daily AS d LEFT JOIN daily AS b ON b.requester = d.requester AND b.day < d.day AND b.day >= date_sub(d.day, ${SPIKE_BASELINE_DAYS}) ` +
    `WHERE d.day >= ${reportSince} GROUP BY d.requester, d.day, d.requests, d.total_tokens), ` +
    'spikes AS (SELECT scored.*, ROUND(CAST(total_tokens AS DOUBLE) / baseline_median_tokens, 2) AS ratio FROM scored ' +
    `WHERE baseline_median_tokens > 0 AND total_tokens > ${multiple} * baseline_median_tokens AND total_tokens >= ${minTokens}) ` +
    `SELECT spikes.*, COUNT(*) OVER () AS ${GROUP_COUNT}, SUM(total_tokens) OVER () AS total_total_tokens ` +
    `FROM spikes ORDER BY ratio DESC, total_tokens DESC, requester ASC, day ASC LIMIT ${limit}`;
  return {
    statement: { sql, params: params.values },
    totalColumns: { spike_days: GROUP_COUNT, total_tokens: 'total_total_tokens' },
    dimensions: ['user', 'day'],
    priced: false,
  };
}

export interface ReportRows {
  rows: Record<string, unknown>[];
  totals: Record<string, number>;
  /** Groups in the whole window (rows before the LIMIT). */
  groups: number;
}

/** Splits the window-function totals off the rows; an empty result has zero totals. */
export function splitTotals(built: BuiltReport, raw: Record<string, unknown>[]): ReportRows {
  const windowColumns = new Set([GROUP_COUNT, ...Object.values(built.totalColumns)]);
  const first = raw[0];
  const totals: Record<string, number> = {};
  for (const [name, column] of Object.entries(built.totalColumns)) totals[name] = toNumber(first?.[column]);
  const groups = toNumber(first?.[GROUP_COUNT]);
  const rows = raw.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) if (!windowColumns.has(key)) out[key] = value;
    return out;
  });
  return { rows, totals, groups };
}

function toNumber(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
}
