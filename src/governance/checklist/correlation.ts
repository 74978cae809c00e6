/**
 * Request-id correlation: how many of the gateway's requests carry a client request id, the inference table's
 * `client_request_id` (the documented body field `client_request_id`; the consumer snippets set it to the
 * active MLflow trace id). Without it, joining a trace to its provider-level payload takes a fuzzy timestamp
 * match. Read from the payload table, overall and per caller.
 */
import { quoteTable, type TableName } from '../../shared/sql-names.js';
import { SqlParams, type SqlStatement } from '../../shared/sql-statement.js';
import { sqlDate, sqlTimestamp, type TimeWindow } from '../usage/time-window.js';
import { entry, type ChecklistEntry } from './checklist-items.js';

/** The share of requests that must carry a request id unless the caller asks for another. */
export const DEFAULT_MIN_REQUEST_ID_SHARE = 0.95;
const MAX_CALLERS = 50;

export function correlationStatement(table: TableName, window: TimeWindow): SqlStatement {
  const params = new SqlParams();
  const sinceDate = params.date('since_date', sqlDate(window.since));
  const since = params.timestamp('since', sqlTimestamp(window.since));
  const until = params.timestamp('until', sqlTimestamp(window.until));
  const limit = params.integer('row_limit', MAX_CALLERS);
  const sql =
    'WITH callers AS (SELECT requester, COUNT(*) AS requests, ' +
    "SUM(CASE WHEN client_request_id IS NULL OR TRIM(client_request_id) = '' THEN 0 ELSE 1 END) AS with_request_id " +
    `FROM ${quoteTable(table)} WHERE request_date >= ${sinceDate} AND request_time >= ${since} AND request_time < ${until} GROUP BY requester) ` +
    'SELECT callers.*, CAST(with_request_id AS DOUBLE) / requests AS request_id_share, ' +
    'COUNT(*) OVER () AS callers_count, SUM(requests) OVER () AS total_requests, SUM(with_request_id) OVER () AS total_with_request_id ' +
    `FROM callers ORDER BY request_id_share ASC, requests DESC, requester ASC LIMIT ${limit}`;
  return { sql, params: params.values };
}

const num = (v: unknown) => Number(v ?? 0);
const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

export function correlationItem(table: string, rows: readonly Record<string, unknown>[], minShare: number, window: TimeWindow): ChecklistEntry {
  const windowDays = Math.round((window.until.getTime() - window.since.getTime()) / 86_400_000);
  const total = num(rows[0]?.total_requests);
  const withId = num(rows[0]?.total_with_request_id);
  const callers = rows.map((r) => ({
    requester: r.requester === null ? '(unknown)' : String(r.requester),
    requests: num(r.requests),
    with_request_id: num(r.with_request_id),
    share: num(r.request_id_share),
  }));
  if (total === 0) {
    return entry('request-id-correlation', 'unknown', `${table} holds no requests from the last ${windowDays} days, so there is nothing to measure`, 'Send traffic through the gateway, then check again (payload rows can take up to an hour to land)');
  }
  const share = withId / total;
  const below = callers.filter((c) => c.share < minShare);
  const details = { table, since: window.since.toISOString(), until: window.until.toISOString(), requests: total, with_request_id: withId, share, min_share: minShare, callers };
  const overall = `${percent(share)} of ${total} requests in ${table} over the last ${windowDays} days carry client_request_id (threshold ${percent(minShare)})`;
  if (share >= minShare && below.length === 0) return entry('request-id-correlation', 'pass', overall, 'Nothing to do', details);
  const named = below.slice(0, 10).map((c) => `${c.requester} ${percent(c.share)} of ${c.requests}`).join(', ');
  return entry(
    'request-id-correlation',
    'fail',
    `${overall}; callers below it: ${named}${below.length > 10 ? ', …' : ''}`,
    'Have these callers send the active MLflow trace id as client_request_id in the request body (the wire_consumer prompt writes the snippet), so payload rows join to traces exactly',
    details,
  );
}
