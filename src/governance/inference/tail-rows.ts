/**
 * The statement that reads the newest rows of a payload table. Keyset paging on (request_time,
 * databricks_request_id): a page older than a cursor reads strictly below it in descending order, a page
 * newer than it (tail -f) strictly above it in ascending order, so no row is skipped or read twice even
 * while new rows land. Every read is bounded on `request_date` too, the table's clustering column.
 * Payloads are cut in the warehouse so a megabyte prompt never crosses the wire whole.
 */
import { quoteTable, type TableName } from '../../shared/sql-names.js';
import { SqlParams, type SqlStatement } from '../../shared/sql-statement.js';
import { sqlDate, sqlTimestamp, type TimeWindow } from '../usage/time-window.js';
import type { CursorPosition } from './tail-cursor.js';

export type PayloadProjection = 'request' | 'response' | 'both' | 'none';
export type StatusFilter = 'all' | 'errors' | 'ok' | number[];

export interface TailFilters {
  status: StatusFilter;
  requester?: string;
  databricks_request_id?: string;
  client_request_id?: string;
  served_entity_id?: string;
}

export interface TailQuery {
  table: TableName;
  window: TimeWindow;
  filters: TailFilters;
  cursor?: CursorPosition;
  limit: number;
  payloads: PayloadProjection;
  /** Characters of each payload read from the warehouse. */
  fetchChars: number;
}

export function tailStatement(query: TailQuery): SqlStatement {
  const params = new SqlParams();
  const { filters, cursor, window } = query;
  const columns = [
    'databricks_request_id',
    'client_request_id',
    'CAST(request_time AS STRING) AS request_time_key',
    'status_code',
    'requester',
    'served_entity_id',
    'execution_duration_ms',
    'logging_error_codes',
  ];
  const cut = query.payloads === 'none' ? undefined : params.integer('payload_chars', query.fetchChars);
  for (const payload of ['request', 'response'] as const) {
    if (query.payloads !== payload && query.payloads !== 'both') continue;
    columns.push(`length(${payload}) AS ${payload}_chars`, `substring(${payload}, 1, ${cut}) AS ${payload}`);
  }
  const where: string[] = [];
  // Newer pages follow from the cursor to now, whatever the original window's start was.
  const since = cursor?.direction === 'newer' ? undefined : window.since;
  if (since) {
    where.push(`request_date >= ${params.date('since_date', sqlDate(since))}`, `request_time >= ${params.timestamp('since', sqlTimestamp(since))}`);
  }
  where.push(`request_date <= ${params.date('until_date', sqlDate(window.until))}`, `request_time < ${params.timestamp('until', sqlTimestamp(window.until))}`);
  if (filters.status === 'errors') where.push('status_code >= 400');
  else if (filters.status === 'ok') where.push('status_code < 400');
  else if (Array.isArray(filters.status) && filters.status.length > 0) {
    where.push(`status_code IN (${filters.status.map((s) => params.integer('status', s)).join(', ')})`);
  }
  if (filters.requester !== undefined) where.push(`requester = ${params.string('requester', filters.requester)}`);
  if (filters.databricks_request_id !== undefined) where.push(`databricks_request_id = ${params.string('databricks_request_id', filters.databricks_request_id)}`);
  if (filters.client_request_id !== undefined) where.push(`client_request_id = ${params.string('client_request_id', filters.client_request_id)}`);
  if (filters.served_entity_id !== undefined) where.push(`served_entity_id = ${params.string('served_entity_id', filters.served_entity_id)}`);
  let order = 'request_time DESC, databricks_request_id DESC';
  if (cursor) {
    const time = params.timestamp('cursor_time', cursor.time);
    const id = params.string('cursor_request_id', cursor.requestId);
    const day = params.date('cursor_date', cursor.time.slice(0, 10));
    if (cursor.direction === 'older') {
      where.push(`request_date <= ${day}`, `(request_time < ${time} OR (request_time = ${time} AND databricks_request_id < ${id}))`);
    } else {
      where.push(`request_date >= ${day}`, `(request_time > ${time} OR (request_time = ${time} AND databricks_request_id > ${id}))`);
      order = 'request_time ASC, databricks_request_id ASC';
    }
  }
  // One row more than asked tells whether another page exists, without a COUNT over the table.
  const limit = params.integer('row_limit', query.limit + 1);
  const sql = `SELECT ${columns.join(', ')} FROM ${quoteTable(query.table)} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${limit}`;
  return { sql, params: params.values };
}

/** The newest row time, for "nothing found" answers; bounded on request_date like every read. */
export function newestRowStatement(table: TableName, notBefore: Date): SqlStatement {
  const params = new SqlParams();
  const sql = `SELECT CAST(MAX(request_time) AS STRING) AS newest, COUNT(*) AS recent_rows FROM ${quoteTable(table)} WHERE request_date >= ${params.date('since_date', sqlDate(notBefore))}`;
  return { sql, params: params.values };
}
