/**
 * The session's `STATEMENT_TIMEOUT` (seconds, 0 to 172800; DOCS `sql/language-manual/parameters/statement_timeout`):
 * set in the session configuration the driver sends at OpenSession, or by `SET STATEMENT_TIMEOUT = n`, reset by
 * `RESET STATEMENT_TIMEOUT`. A statement running longer is cancelled with QUERY_EXECUTION_TIMEOUT_EXCEEDED
 * (SQLSTATE 57KD0) and the opening sentence public code quotes from real warehouses; whatever else a workspace
 * adds to that message is unknown, so nothing else is added here.
 */
import { sqlError, SqlFailure, type SqlError } from './warehouse-errors.js';

export const STATEMENT_TIMEOUT = 'STATEMENT_TIMEOUT';
/** The system default: two days, the largest value allowed. */
export const DEFAULT_STATEMENT_TIMEOUT_SECONDS = 172_800;

/** Seconds from a configuration value; refused as Spark refuses a bad conf value. */
export function parseStatementTimeout(value: string): number {
  const text = value.trim();
  const seconds = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(seconds >= 0 && seconds <= DEFAULT_STATEMENT_TIMEOUT_SECONDS)) {
    throw new SqlFailure(
      sqlError('INVALID_CONF_VALUE', '22022', `The value '${value}' in the config "${STATEMENT_TIMEOUT}" is invalid. Set a whole number of seconds from 0 to ${DEFAULT_STATEMENT_TIMEOUT_SECONDS}.`),
    );
  }
  return seconds;
}

/** The timeout a session configuration asks for (keys are case-insensitive), if any. */
export function configuredTimeout(configuration: Record<string, string> | undefined): number | undefined {
  const entry = Object.entries(configuration ?? {}).find(([key]) => key.toUpperCase() === STATEMENT_TIMEOUT);
  return entry ? parseStatementTimeout(entry[1]) : undefined;
}

const SET = /^\s*SET\s+STATEMENT_TIMEOUT\s*=\s*(\S+?)\s*;?\s*$/i;
const RESET = /^\s*RESET\s+STATEMENT_TIMEOUT\s*;?\s*$/i;

/** A `SET`/`RESET STATEMENT_TIMEOUT` statement: the new timeout (the default for RESET), or undefined for other SQL. */
export function timeoutStatement(sql: string): number | undefined {
  if (RESET.test(sql)) return DEFAULT_STATEMENT_TIMEOUT_SECONDS;
  const set = SET.exec(sql);
  return set ? parseStatementTimeout(set[1]!.replace(/^'(.*)'$/, '$1')) : undefined;
}

export const timedOut = (seconds: number): SqlError =>
  sqlError('QUERY_EXECUTION_TIMEOUT_EXCEEDED', '57KD0', `Query execution was cancelled due to exceeding the timeout (${seconds}s).`);
