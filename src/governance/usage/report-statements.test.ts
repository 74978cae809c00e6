/**
 * What each usage report asks the warehouse: its groups, measures, totals, order and bound values. The Spark
 * grammar check of every statement lives in usage-reports.test.ts; here each report's meaning is pinned, clause by
 * clause, because the end-to-end suites only see the numbers a few of them return.
 */
import { describe, expect, it } from 'vitest';
import { parameterValues, SqlParams } from '../../shared/sql-statement.js';
import { buildReport, defaultDimensions, errorShareSql, splitTotals, type ChargeTo, type Dimension, type ReportName, type UsageQuery } from './usage-reports.js';
import { servingSource } from './usage-sources.js';

const window = { since: new Date('2026-11-20T00:00:00Z'), until: new Date('2026-11-27T00:00:00Z') };
const prices = { 'claude-sonnet-46': { input_per_million: 3, output_per_million: 15 } };

function query(overrides: Partial<UsageQuery>): UsageQuery {
  return { report: 'summary', source: servingSource(), window, filters: {}, limit: 50, spike: { multiple: 5, minTokens: 1000 }, ...overrides };
}

const build = (overrides: Partial<UsageQuery>) => buildReport(query(overrides), new SqlParams());

/** The SELECT list of the `grouped` CTE: dimensions first, then the measures. */
const groupedSelect = (sql: string) => /grouped AS \(SELECT (.*?) FROM usage_rows(?: GROUP BY (.*?))?\) SELECT grouped\.\*/.exec(sql);
/** The outer SELECT's window columns, after `grouped.*`. */
const outerColumns = (sql: string) => /SELECT grouped\.\*, (.*) FROM grouped ORDER BY/.exec(sql)?.[1];
const orderBy = (sql: string) => / ORDER BY ((?:(?! ORDER BY ).)*) LIMIT :row_limit$/.exec(sql)?.[1];
/** The filter clause on the normalised relation, or undefined when there is none. */
const relationFilter = (sql: string) => /\) AS normalised(?: WHERE (.*?))?\), /.exec(sql)?.[1];

const SUMS = [
  'COUNT(*) AS requests',
  'COALESCE(SUM(input_tokens), 0) AS input_tokens',
  'COALESCE(SUM(output_tokens), 0) AS output_tokens',
  'COALESCE(SUM(input_tokens + output_tokens), 0) AS total_tokens',
  'SUM(CASE WHEN status_code >= 400 THEN 1 ELSE 0 END) AS errors',
].join(', ');
const TOTALS = {
  requests: 'total_requests',
  input_tokens: 'total_input_tokens',
  output_tokens: 'total_output_tokens',
  total_tokens: 'total_total_tokens',
  errors: 'total_errors',
};
const TOTAL_WINDOWS = [
  'COUNT(*) OVER () AS group_count',
  'SUM(requests) OVER () AS total_requests',
  'SUM(input_tokens) OVER () AS total_input_tokens',
  'SUM(output_tokens) OVER () AS total_output_tokens',
  'SUM(total_tokens) OVER () AS total_total_tokens',
  'SUM(errors) OVER () AS total_errors',
].join(', ');

describe('default grouping per report', () => {
  it.each<[ReportName, ChargeTo | undefined, Dimension[]]>([
    ['summary', undefined, []],
    ['by_day', undefined, ['day']],
    ['errors', undefined, ['day']],
    ['by_user', undefined, ['user']],
    ['top_users', undefined, ['user']],
    ['spikes', undefined, ['user']],
    ['by_entity', undefined, ['endpoint', 'served_entity']],
    ['chargeback', undefined, ['context']],
    ['chargeback', 'team', ['context']],
    ['chargeback', 'user', ['user']],
    ['chargeback', 'endpoint', ['endpoint']],
  ])('%s charged to %s groups by %j', (report, chargeTo, dimensions) => {
    expect(defaultDimensions({ report, chargeTo })).toEqual(dimensions);
  });
});

describe('grouped reports', () => {
  it('summary: one row over the whole window with distinct users and the first and last request, largest first', () => {
    const built = build({ report: 'summary' });
    const { sql } = built.statement;
    const grouped = groupedSelect(sql);
    expect(grouped?.[1]).toBe(`${SUMS}, COUNT(DISTINCT requester) AS users, MIN(request_time) AS first_request, MAX(request_time) AS last_request`);
    expect(grouped?.[2]).toBeUndefined();
    expect(outerColumns(sql)).toBe(TOTAL_WINDOWS);
    expect(orderBy(sql)).toBe('requests DESC');
    expect(built).toMatchObject({ dimensions: [], priced: false, totalColumns: TOTALS });
    expect(parameterValues(built.statement)).toMatchObject({ row_limit: 50 });
    expect(built.statement.params.row_limit).toEqual({ type: 'INTEGER', value: 50 });
  });

  it('by_day: one row per day, in calendar order', () => {
    const { sql } = build({ report: 'by_day' }).statement;
    expect(groupedSelect(sql)?.slice(1)).toEqual([`CAST(request_time AS DATE) AS day, ${SUMS}, COUNT(DISTINCT requester) AS users`, 'CAST(request_time AS DATE)']);
    expect(orderBy(sql)).toBe('day ASC NULLS LAST');
  });

  it('by_user: one row per requester, without a user count, in name order', () => {
    const built = build({ report: 'by_user' });
    expect(groupedSelect(built.statement.sql)?.slice(1)).toEqual([`requester AS requester, ${SUMS}`, 'requester']);
    expect(orderBy(built.statement.sql)).toBe('requester ASC NULLS LAST');
    expect(built.dimensions).toEqual(['user']);
  });

  it('by_user grouped explicitly by user ranks by tokens instead', () => {
    expect(orderBy(build({ report: 'by_user', groupBy: ['user'] }).statement.sql)).toBe('total_tokens DESC, requester ASC NULLS LAST');
  });

  it('by_entity: endpoint and served entity, heaviest first, ties by name', () => {
    const { sql } = build({ report: 'by_entity' }).statement;
    expect(groupedSelect(sql)?.slice(1)).toEqual([
      `endpoint_name AS endpoint_name, served_entity_name AS served_entity_name, ${SUMS}, COUNT(DISTINCT requester) AS users`,
      'endpoint_name, served_entity_name',
    ]);
    expect(orderBy(sql)).toBe('total_tokens DESC, endpoint_name ASC NULLS LAST, served_entity_name ASC NULLS LAST');
  });

  it('by_day keeps the order of its groups whatever it is grouped by', () => {
    expect(orderBy(build({ report: 'by_day', groupBy: ['endpoint', 'day'] }).statement.sql)).toBe('endpoint_name ASC NULLS LAST, day ASC NULLS LAST');
  });

  it('a report regrouped by day alone keeps calendar order', () => {
    expect(orderBy(build({ report: 'by_entity', groupBy: ['day'] }).statement.sql)).toBe('day ASC NULLS LAST');
    expect(orderBy(build({ report: 'by_entity', groupBy: ['day', 'model'] }).statement.sql)).toBe('total_tokens DESC, day ASC NULLS LAST, entity_name ASC NULLS LAST');
  });

  it('groups each dimension once, and falls back to the report default when group_by is empty', () => {
    const twice = build({ report: 'by_entity', groupBy: ['status_code', 'mcp_tool', 'status_code'] });
    expect(twice.dimensions).toEqual(['status_code', 'mcp_tool']);
    expect(groupedSelect(twice.statement.sql)?.[2]).toBe('status_code, mcp_tool');
    expect(build({ report: 'by_day', groupBy: [] }).dimensions).toEqual(['day']);
  });

  it('top_users: each requester\'s share of all tokens in the window, heaviest first', () => {
    const { sql } = build({ report: 'top_users' }).statement;
    expect(outerColumns(sql)).toBe(`${TOTAL_WINDOWS}, CAST(total_tokens AS DOUBLE) / NULLIF(SUM(total_tokens) OVER (), 0) AS share_of_tokens`);
    expect(orderBy(sql)).toBe('total_tokens DESC, requester ASC NULLS LAST');
    expect(outerColumns(build({ report: 'by_user' }).statement.sql)).not.toContain('share_of_tokens');
  });

  it('chargeback with prices: dollars and unpriced tokens per team, costliest first, with their totals', () => {
    const built = build({ report: 'chargeback', contextKey: 'team', prices });
    const { sql } = built.statement;
    const measures = groupedSelect(sql)?.[1] ?? '';
    expect(measures).toMatch(/^context_value AS context_value, /);
    expect(measures).toMatch(/ AS dollars, SUM\(CASE WHEN .* THEN 0 ELSE input_tokens \+ output_tokens END\) AS unpriced_tokens$/);
    expect(outerColumns(sql)).toBe(`${TOTAL_WINDOWS}, SUM(dollars) OVER () AS total_dollars, SUM(unpriced_tokens) OVER () AS total_unpriced_tokens`);
    expect(orderBy(sql)).toBe('dollars DESC NULLS LAST, total_tokens DESC, context_value ASC NULLS LAST');
    expect(built).toMatchObject({ priced: true, totalColumns: { ...TOTALS, dollars: 'total_dollars', unpriced_tokens: 'total_unpriced_tokens' } });
  });

  it('chargeback without prices ranks by tokens and carries no dollar columns', () => {
    const built = build({ report: 'chargeback', chargeTo: 'endpoint' });
    expect(orderBy(built.statement.sql)).toBe('total_tokens DESC, endpoint_name ASC NULLS LAST');
    expect(built.statement.sql).not.toContain('dollars');
    expect(built.priced).toBe(false);
    expect(Object.keys(built.totalColumns)).toEqual(Object.keys(TOTALS));
  });

  it('prices on another report add dollars but keep its order', () => {
    const built = build({ report: 'by_entity', prices });
    expect(built.priced).toBe(true);
    expect(orderBy(built.statement.sql)).toBe('total_tokens DESC, endpoint_name ASC NULLS LAST, served_entity_name ASC NULLS LAST');
    expect(build({ report: 'by_entity', prices: {} }).priced).toBe(false);
  });
});

describe('filters on the relation', () => {
  it('reads every row of the window when nothing is filtered', () => {
    expect(build({}).statement.sql).toContain(') AS normalised), grouped AS (SELECT ');
  });

  it.each<[keyof UsageQuery['filters'], string, string]>([
    ['endpoint', 'endpoint_name = :endpoint', 'endpoint'],
    ['user', 'requester = :user', 'user'],
    ['served_entity', '(served_entity_name = :served_entity OR entity_name = :served_entity)', 'served_entity'],
    ['context_value', 'context_value = :context_value', 'context_value'],
  ])('%s keeps only matching rows, its value bound as a STRING parameter', (filter, clause, param) => {
    const built = build({ filters: { [filter]: 'ops-team' } });
    expect(relationFilter(built.statement.sql)).toBe(clause);
    expect(built.statement.params[param]).toEqual({ type: 'STRING', value: 'ops-team' });
  });

  it('joins several filters with AND, on every report kind', () => {
    const filters = { endpoint: 'gw', user: 'a@b.c', served_entity: 'claude', context_value: 'ops' };
    const expected = 'endpoint_name = :endpoint AND requester = :user AND (served_entity_name = :served_entity OR entity_name = :served_entity) AND context_value = :context_value';
    for (const report of ['by_day', 'errors', 'spikes'] as const) expect(relationFilter(build({ report, filters }).statement.sql)).toBe(expected);
  });

  it('binds the window as TIMESTAMP parameters', () => {
    expect(build({}).statement.params).toMatchObject({
      since: { type: 'TIMESTAMP', value: '2026-11-20 00:00:00.000' },
      until: { type: 'TIMESTAMP', value: '2026-11-27 00:00:00.000' },
    });
  });
});

describe('errors report', () => {
  // Built inside each test: what a test builds is what its mutation coverage sees.
  const errors = () => build({ report: 'errors', limit: 31 });

  it('counts 429s as rate limited, 5xx as server errors, 400s as guardrail blocks and every 4xx/5xx as an error, per day', () => {
    expect(errors().statement.sql).toContain(
      'daily AS (SELECT CAST(request_time AS DATE) AS day, COUNT(*) AS requests, ' +
        'SUM(CASE WHEN status_code = 429 THEN 1 ELSE 0 END) AS rate_limited, ' +
        'SUM(CASE WHEN status_code >= 500 THEN 1 ELSE 0 END) AS server_errors, ' +
        'SUM(CASE WHEN status_code = 400 THEN 1 ELSE 0 END) AS guardrail_blocks, ' +
        'SUM(CASE WHEN status_code >= 400 THEN 1 ELSE 0 END) AS errors FROM usage_rows GROUP BY CAST(request_time AS DATE))',
    );
  });

  it('gives each count as a rate of the day\'s requests, with window totals, in calendar order', () => {
    const built = errors();
    expect(built.statement.sql).toContain(
      'SELECT daily.*, ROUND(CAST(rate_limited AS DOUBLE) / NULLIF(requests, 0), 4) AS rate_limited_rate, ' +
        'ROUND(CAST(server_errors AS DOUBLE) / NULLIF(requests, 0), 4) AS server_error_rate, ' +
        'ROUND(CAST(guardrail_blocks AS DOUBLE) / NULLIF(requests, 0), 4) AS guardrail_block_rate, ' +
        'ROUND(CAST(errors AS DOUBLE) / NULLIF(requests, 0), 4) AS error_rate, ' +
        'COUNT(*) OVER () AS group_count, SUM(requests) OVER () AS total_requests, SUM(rate_limited) OVER () AS total_rate_limited, ' +
        'SUM(server_errors) OVER () AS total_server_errors, SUM(guardrail_blocks) OVER () AS total_guardrail_blocks, ' +
        'SUM(errors) OVER () AS total_errors FROM daily ORDER BY day ASC LIMIT :row_limit',
    );
    expect(built).toMatchObject({
      dimensions: ['day'],
      priced: false,
      totalColumns: { requests: 'total_requests', rate_limited: 'total_rate_limited', server_errors: 'total_server_errors', guardrail_blocks: 'total_guardrail_blocks', errors: 'total_errors' },
    });
    expect(built.statement.params.row_limit).toEqual({ type: 'INTEGER', value: 31 });
  });
});

describe('spikes report', () => {
  const spikes = () => build({ report: 'spikes', spike: { multiple: 2.5, minTokens: 5000 }, limit: 20 });

  it('scores each principal\'s day against the median of its previous 7 active days', () => {
    const { sql } = spikes().statement;
    expect(sql).toContain(
      'daily AS (SELECT requester, CAST(request_time AS DATE) AS day, COUNT(*) AS requests, SUM(input_tokens + output_tokens) AS total_tokens ' +
        'FROM usage_rows WHERE requester IS NOT NULL GROUP BY requester, CAST(request_time AS DATE)), ',
    );
    expect(sql).toContain(
      'scored AS (SELECT d.requester AS requester, d.day AS day, d.requests AS requests, d.total_tokens AS total_tokens, ' +
        'median(b.total_tokens) AS baseline_median_tokens, COUNT(b.day) AS baseline_days ' +
        'FROM daily AS d LEFT JOIN daily AS b ON b.requester = d.requester AND b.day < d.day AND b.day >= date_sub(d.day, 7) ' +
        'WHERE d.day >= :report_since GROUP BY d.requester, d.day, d.requests, d.total_tokens), ',
    );
  });

  it('keeps days above the multiple of a non-zero baseline and the token floor, largest ratio first', () => {
    const { sql } = spikes().statement;
    expect(sql).toContain(
      'spikes AS (SELECT scored.*, ROUND(CAST(total_tokens AS DOUBLE) / baseline_median_tokens, 2) AS ratio FROM scored ' +
        'WHERE baseline_median_tokens > 0 AND total_tokens > :spike_multiple * baseline_median_tokens AND total_tokens >= :min_tokens) ',
    );
    expect(sql).toMatch(
      / SELECT spikes\.\*, COUNT\(\*\) OVER \(\) AS group_count, SUM\(total_tokens\) OVER \(\) AS total_total_tokens FROM spikes ORDER BY ratio DESC, total_tokens DESC, requester ASC, day ASC LIMIT :row_limit$/,
    );
  });

  it('binds the thresholds, reads 7 days before the window and reports only days inside it', () => {
    const built = spikes();
    expect(built.statement.params).toMatchObject({
      since: { type: 'TIMESTAMP', value: '2026-11-13 00:00:00.000' },
      until: { type: 'TIMESTAMP', value: '2026-11-27 00:00:00.000' },
      report_since: { type: 'DATE', value: '2026-11-20' },
      spike_multiple: { type: 'DOUBLE', value: 2.5 },
      min_tokens: { type: 'INTEGER', value: 5000 },
      row_limit: { type: 'INTEGER', value: 20 },
    });
    expect(built).toMatchObject({ dimensions: ['user', 'day'], priced: false, totalColumns: { spike_days: 'group_count', total_tokens: 'total_total_tokens' } });
  });
});

describe('the gateway alert query', () => {
  it('is the 429 and 5xx share of one endpoint over the trailing minutes, the name a literal and nothing bound', () => {
    const { sql, column } = errorShareSql(servingSource(), 'skyloyalty-gw_2', 15);
    expect(column).toBe('error_share');
    expect(sql).toContain('WHERE u.request_time >= current_timestamp() - INTERVAL 15 MINUTES AND u.request_time < current_timestamp()');
    expect(sql).toContain(") AS normalised WHERE endpoint_name = 'skyloyalty-gw_2'), totals AS (SELECT COUNT(*) AS requests, SUM(CASE WHEN status_code = 429");
    expect(sql).toMatch(/ FROM usage_rows\) SELECT totals\.\*, COALESCE\(ROUND\(CAST\(rate_limited \+ server_errors AS DOUBLE\) \/ NULLIF\(requests, 0\), 4\), 0\) AS error_share FROM totals$/);
    expect(sql).not.toContain(':');
  });

  it.each(['a', 'x'.repeat(63)])('accepts the endpoint name %j', (name) => {
    expect(errorShareSql(servingSource(), name, 1).sql).toContain(`endpoint_name = '${name}'`);
  });

  it.each(["gw' OR 1=1 --", 'gw ops', 'x'.repeat(64), '', ' gw', 'gw\n'])('refuses %j as an endpoint name', (name) => {
    expect(() => errorShareSql(servingSource(), name, 15)).toThrow(expect.objectContaining({ name: 'RangeError', message: `not an endpoint name: ${name}` }));
  });

  it.each([0, -5, 1.5, Number.NaN])('refuses a window of %s minutes', (minutes) => {
    expect(() => errorShareSql(servingSource(), 'gw', minutes)).toThrow('the alert window is a whole number of minutes');
  });
});

describe('splitTotals', () => {
  const errors = () => build({ report: 'errors' });

  it('reads totals the driver returns as strings or bigints, and zero for a missing or non-finite one', () => {
    const split = splitTotals(errors(), [
      { day: '2026-11-20', requests: 4, group_count: '3', total_requests: '12', total_rate_limited: 5n, total_server_errors: null, total_guardrail_blocks: 'n/a', total_errors: Infinity },
    ]);
    expect(split.totals).toEqual({ requests: 12, rate_limited: 5, server_errors: 0, guardrail_blocks: 0, errors: 0 });
    expect(split.groups).toBe(3);
  });

  it('strips the window columns from every row and keeps the rest, nulls included', () => {
    const split = splitTotals(errors(), [
      { day: '2026-11-20', requests: 4, error_rate: null, group_count: 2, total_requests: 7, total_errors: 1 },
      { day: '2026-11-21', requests: 3, error_rate: 0.5, group_count: 2, total_requests: 7, total_errors: 1 },
    ]);
    expect(split.rows).toEqual([
      { day: '2026-11-20', requests: 4, error_rate: null },
      { day: '2026-11-21', requests: 3, error_rate: 0.5 },
    ]);
    expect(split.totals.requests).toBe(7);
  });

  it('gives zero groups and zero totals for an empty result', () => {
    expect(splitTotals(errors(), [])).toEqual({ rows: [], totals: { requests: 0, rate_limited: 0, server_errors: 0, guardrail_blocks: 0, errors: 0 }, groups: 0 });
  });
});
