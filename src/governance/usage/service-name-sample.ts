/**
 * README Known limits: what `system.ai_gateway.usage.service_name` holds (`c.s.name` or `model-services/c.s.name`)
 * and what `endpoint_name` holds on those rows. The doctor reads a few rows to settle it on the user's workspace;
 * these are the statements and the reading of their answer. Pure.
 */
import { quoteTable } from '../../shared/sql-names.js';
import type { SqlStatement } from '../../shared/sql-statement.js';
import { AI_GATEWAY_USAGE } from './usage-sources.js';

const SAMPLE_ROWS = 5;

/** The newest rows that name a service: only the two columns in question. */
export function serviceNameSample(): SqlStatement {
  return {
    sql: `SELECT service_name, endpoint_name FROM ${quoteTable(AI_GATEWAY_USAGE)} WHERE service_name IS NOT NULL ORDER BY event_time DESC LIMIT ${SAMPLE_ROWS}`,
    params: {},
  };
}

/** What the sampled rows show, in one sentence. */
export function describeServiceNames(rows: Array<Record<string, unknown>>): string {
  if (rows.length === 0) return 'no row of system.ai_gateway.usage names a service yet (no model-service traffic)';
  const names = [...new Set(rows.map((r) => String(r.service_name)))];
  const prefixed = names.filter((n) => n.startsWith('model-services/') || n.startsWith('mcp-services/')).length;
  const endpoints = [...new Set(rows.map((r) => (r.endpoint_name === null || r.endpoint_name === undefined ? 'NULL' : String(r.endpoint_name))))];
  const form = prefixed === names.length ? 'with the resource prefix (model-services/c.s.name)' : prefixed === 0 ? 'as c.s.name' : 'in both forms';
  return `service_name holds ${form}: ${names.join(', ')}; endpoint_name on those rows: ${endpoints.join(', ')}`;
}
