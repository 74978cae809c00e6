/**
 * "Inference tables visible in Unity Catalog within 30 minutes of first traffic": the gateway's first request
 * (from the usage tables, since the endpoint was created) against the payload table's rows. Databricks gives no
 * landing time per row, so the check is: once 30 minutes have passed since the first request, the payload
 * table exists and holds rows; before that, it is too early to say.
 */
import { quoteTable, type TableName } from '../../shared/sql-names.js';
import { SqlParams, type SqlStatement } from '../../shared/sql-statement.js';
import { servingSource, usageRelationSql } from '../usage/usage-sources.js';
import { sqlDate, sqlTimestamp, type TimeWindow } from '../usage/time-window.js';
import { entry, type ChecklistEntry } from './checklist-items.js';

/** How long after the first request the F4 step allows for the payload table to appear. */
export const VISIBLE_WITHIN_MS = 30 * 60_000;

export function firstRequestStatement(gateway: string, window: TimeWindow): SqlStatement {
  const params = new SqlParams();
  const relation = usageRelationSql(servingSource(), params, { since: sqlTimestamp(window.since), until: sqlTimestamp(window.until) });
  const sql = `SELECT MIN(request_time) AS first_request, COUNT(*) AS requests FROM (${relation}) AS normalised WHERE endpoint_name = ${params.string('gateway', gateway)}`;
  return { sql, params: params.values };
}

export function payloadRowsStatement(table: TableName, window: TimeWindow): SqlStatement {
  const params = new SqlParams();
  const sql =
    'SELECT COUNT(*) AS logged, MIN(request_time) AS first_logged, MAX(request_time) AS last_logged ' +
    `FROM ${quoteTable(table)} WHERE request_date >= ${params.date('since_date', sqlDate(window.since))} AND request_time >= ${params.timestamp('since', sqlTimestamp(window.since))}`;
  return { sql, params: params.values };
}

export interface VisibilityEvidence {
  gateway: string;
  now: Date;
  /** Undefined when inference tables are off. */
  table?: string;
  /** The first request through the gateway, null when none yet; undefined when the usage tables could not be read. */
  firstRequest?: Date | null;
  firstRequestProblem?: string;
  /** Rows in the payload table since the endpoint was created; undefined when the table is not visible. */
  logged?: { rows: number; first?: Date; last?: Date };
  /** Why the payload table could not be found or read. */
  tableProblem?: string;
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

export function visibilityItem(e: VisibilityEvidence): ChecklistEntry {
  const item = 'inference-tables-visible';
  if (e.table === undefined) {
    return entry(item, 'fail', `inference tables are not enabled on ${e.gateway}, so no payload table will ever appear`, 'Enable ai_gateway.inference_table_config (catalog, team schema, prefix) on the gateway');
  }
  const details: Record<string, unknown> = {
    table: e.table,
    first_request: e.firstRequest ? e.firstRequest.toISOString() : e.firstRequest,
    ...(e.logged ? { logged_rows: e.logged.rows, first_logged: e.logged.first?.toISOString(), last_logged: e.logged.last?.toISOString() } : {}),
  };
  if (e.logged && e.logged.rows > 0) {
    const since = e.firstRequest ? `; the gateway's first request was at ${e.firstRequest.toISOString()}` : '';
    return entry(item, 'pass', `${e.table} is visible and holds ${e.logged.rows} rows (first logged request ${e.logged.first?.toISOString() ?? '?'})${since}`, 'Nothing to do', details);
  }
  if (e.firstRequest === undefined) {
    return entry(item, 'unknown', `${e.table} ${e.logged ? 'holds no rows yet' : `is not visible (${e.tableProblem ?? 'not found'})`}, and the gateway's first request could not be read: ${e.firstRequestProblem ?? 'unknown'}`, 'Ask an account admin for USE SCHEMA and SELECT on system.serving, so the time since the first request can be judged', details);
  }
  if (e.firstRequest === null) {
    return entry(item, 'unknown', `${e.gateway} has had no traffic yet, so the table is not due`, 'Send a request through the gateway, then check again after 30 minutes', details);
  }
  const elapsed = e.now.getTime() - e.firstRequest.getTime();
  const state = e.logged ? 'holds no rows' : `is not visible to this principal (${e.tableProblem ?? 'not found'})`;
  if (elapsed < VISIBLE_WITHIN_MS) {
    return entry(item, 'unknown', `${e.table} ${state}, but the first request was only ${minutes(elapsed)} ago (the step allows 30 min)`, `Check again after ${e.firstRequest.toISOString().slice(0, 16)}Z + 30 min`, details);
  }
  return entry(
    item,
    'fail',
    `${e.table} ${state} ${minutes(elapsed)} after the gateway's first request (${e.firstRequest.toISOString()})`,
    'Check that inference tables are enabled on the gateway and the schema exists and is writable; if the table exists, ask its owner for USE CATALOG, USE SCHEMA and SELECT so it is visible',
    details,
  );
}
