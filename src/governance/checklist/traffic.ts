/**
 * "Mixed traffic": callers that reach an endpoint the gateway fronts without going through the gateway. A
 * gateway of external models with provider `databricks-model-serving` wraps other endpoints of the workspace;
 * a request straight to one of them escapes its rate limits, guardrails and usage tracking. The usage tables
 * show it: one statement counts, per caller, requests through the gateway and straight to what it fronts.
 */
import { isRecord } from '../../shared/records.js';
import { SqlParams, type SqlStatement } from '../../shared/sql-statement.js';
import { servingSource, usageRelationSql } from '../usage/usage-sources.js';
import { sqlTimestamp, type TimeWindow } from '../usage/time-window.js';
import { entry, type ChecklistEntry } from './checklist-items.js';

/** Callers listed at most; the totals cover every caller. */
export const MAX_CALLERS = 50;

/** Endpoints of this workspace the gateway's served entities wrap (external models of provider databricks-model-serving). */
export function frontedEndpoints(servedEntities: readonly Record<string, unknown>[]): string[] {
  const names = servedEntities
    .map((e) => (isRecord(e.external_model) ? e.external_model : undefined))
    .filter((m) => m?.provider === 'databricks-model-serving' && typeof m.name === 'string')
    .map((m) => m!.name as string);
  return [...new Set(names)];
}

export function directTrafficStatement(gateway: string, fronted: readonly string[], window: TimeWindow): SqlStatement {
  const params = new SqlParams();
  const relation = usageRelationSql(servingSource(), params, { since: sqlTimestamp(window.since), until: sqlTimestamp(window.until) });
  const gatewayMarker = params.string('gateway', gateway);
  const frontedMarkers = fronted.map((name) => params.string('fronted', name));
  const limit = params.integer('row_limit', MAX_CALLERS);
  const sql =
    `WITH usage_rows AS (SELECT * FROM (${relation}) AS normalised WHERE endpoint_name IN (${[gatewayMarker, ...frontedMarkers].join(', ')})), ` +
    'callers AS (SELECT requester, ' +
    `SUM(CASE WHEN endpoint_name = ${gatewayMarker} THEN 1 ELSE 0 END) AS via_gateway, ` +
    `SUM(CASE WHEN endpoint_name = ${gatewayMarker} THEN 0 ELSE 1 END) AS direct ` +
    'FROM usage_rows GROUP BY requester) ' +
    'SELECT callers.*, COUNT(*) OVER () AS callers_count, SUM(via_gateway) OVER () AS total_via_gateway, SUM(direct) OVER () AS total_direct ' +
    `FROM callers ORDER BY direct DESC, requester ASC LIMIT ${limit}`;
  return { sql, params: params.values };
}

const num = (v: unknown) => Number(v ?? 0);
const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

/** `baseUrl` is the workspace's OpenAI-compatible base, `https://<host>/serving-endpoints`. */
export function trafficItem(gateway: string, fronted: readonly string[], rows: readonly Record<string, unknown>[], window: TimeWindow, baseUrl: string): ChecklistEntry {
  const windowDays = Math.round((window.until.getTime() - window.since.getTime()) / 86_400_000);
  if (fronted.length === 0) {
    return entry('gateway-url', 'pass', `${gateway} wraps no other endpoint of this workspace, so no caller can reach what it serves without it`, 'Nothing to do');
  }
  const totalDirect = num(rows[0]?.total_direct);
  const totalGateway = num(rows[0]?.total_via_gateway);
  const direct = rows.filter((r) => num(r.direct) > 0).map((r) => ({ requester: r.requester === null ? '(unknown)' : String(r.requester), direct: num(r.direct), via_gateway: num(r.via_gateway) }));
  const share = totalDirect + totalGateway === 0 ? 0 : totalDirect / (totalDirect + totalGateway);
  const details = { fronted_endpoints: [...fronted], since: window.since.toISOString(), until: window.until.toISOString(), requests_via_gateway: totalGateway, requests_direct: totalDirect, bypass_share: share, direct_callers: direct };
  const what = fronted.join(', ');
  if (totalDirect === 0) {
    if (totalGateway === 0) {
      return entry('gateway-url', 'unknown', `no requests reached ${gateway} or ${what} in the last ${windowDays} days`, 'Send traffic through the gateway (or wait for it), then check again', details);
    }
    return entry('gateway-url', 'pass', `all ${totalGateway} requests to ${what} in the last ${windowDays} days went through ${gateway}`, 'Nothing to do', details);
  }
  const named = direct.slice(0, 10).map((c) => `${c.requester} (${c.direct})`).join(', ');
  // Rows come most-direct first, so a cut list (LIMIT) only drops callers with fewer direct requests.
  const more = direct.length > 10 || (num(rows[0]?.callers_count) > rows.length && num(rows.at(-1)?.direct) > 0) ? ', …' : '';
  return entry(
    'gateway-url',
    'fail',
    `${direct.length} caller(s) reached ${what} directly in the last ${windowDays} days while ${gateway} fronts it: ${named}${more}; ${percent(share)} of the traffic (${totalDirect} of ${totalDirect + totalGateway} requests) bypassed the gateway's rate limits, guardrails and usage tracking`,
    `Point these callers at the gateway: base URL ${baseUrl} with model "${gateway}" (the wire_consumer prompt writes the snippets); the gateway's own forwarded calls run as its API token's identity, so leave that principal out`,
    details,
  );
}
