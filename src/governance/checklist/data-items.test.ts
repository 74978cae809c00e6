/** The checklist items only the workspace's data answers, with the exact evidence, fix and figures of each. */
import { describe, expect, it } from 'vitest';
import { directTrafficStatement, frontedEndpoints, trafficItem } from './traffic.js';
import { firstRequestStatement, payloadRowsStatement, visibilityItem } from './visibility.js';

const window = { since: new Date('2026-11-20T00:00:00Z'), until: new Date('2026-11-27T00:00:00Z') };
const TABLE = 'cat.ops.gw_payload';

describe('inference tables visible', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const at = (iso: string) => new Date(iso);

  it('fails when inference tables are off', () => {
    expect(visibilityItem({ gateway: 'gw', now })).toMatchObject({
      status: 'fail',
      evidence: 'inference tables are not enabled on gw, so no payload table will ever appear',
      fix: 'Enable ai_gateway.inference_table_config (catalog, team schema, prefix) on the gateway',
    });
  });

  it('passes on logged rows, with the figures', () => {
    const item = visibilityItem({ gateway: 'gw', now, table: TABLE, firstRequest: at('2026-12-01T11:00:00Z'), logged: { rows: 3, first: at('2026-12-01T11:01:00Z'), last: at('2026-12-01T11:30:00Z') } });
    expect(item).toMatchObject({
      status: 'pass',
      evidence: `${TABLE} is visible and holds 3 rows (first logged request 2026-12-01T11:01:00.000Z); the gateway's first request was at 2026-12-01T11:00:00.000Z`,
      fix: 'Nothing to do',
      details: { table: TABLE, first_request: '2026-12-01T11:00:00.000Z', logged_rows: 3, first_logged: '2026-12-01T11:01:00.000Z', last_logged: '2026-12-01T11:30:00.000Z' },
    });
    expect(visibilityItem({ gateway: 'gw', now, table: TABLE, logged: { rows: 1 } }).evidence).toBe(`${TABLE} is visible and holds 1 rows (first logged request ?)`);
  });

  it('cannot judge without the first request time', () => {
    expect(visibilityItem({ gateway: 'gw', now, table: TABLE, firstRequestProblem: 'permission denied', logged: { rows: 0 } })).toMatchObject({
      status: 'unknown',
      evidence: `${TABLE} holds no rows yet, and the gateway's first request could not be read: permission denied`,
      fix: 'Ask an account admin for USE SCHEMA and SELECT on system.serving, so the time since the first request can be judged',
    });
    expect(visibilityItem({ gateway: 'gw', now, table: TABLE, tableProblem: 'not listed' }).evidence).toBe(`${TABLE} is not visible (not listed), and the gateway's first request could not be read: unknown`);
    expect(visibilityItem({ gateway: 'gw', now, table: TABLE }).evidence).toBe(`${TABLE} is not visible (not found), and the gateway's first request could not be read: unknown`);
  });

  it('says the table is not due before any traffic', () => {
    expect(visibilityItem({ gateway: 'gw', now, table: TABLE, firstRequest: null })).toMatchObject({
      status: 'unknown',
      evidence: 'gw has had no traffic yet, so the table is not due',
      fix: 'Send a request through the gateway, then check again after 30 minutes',
      details: { table: TABLE, first_request: null },
    });
  });

  it('waits 30 minutes after the first request, then fails', () => {
    expect(visibilityItem({ gateway: 'gw', now, table: TABLE, firstRequest: at('2026-12-01T11:30:01Z'), tableProblem: 'not listed' })).toMatchObject({
      status: 'unknown',
      evidence: `${TABLE} is not visible to this principal (not listed), but the first request was only 30 min ago (the step allows 30 min)`,
      fix: 'Check again after 2026-12-01T11:30Z + 30 min',
    });
    expect(visibilityItem({ gateway: 'gw', now, table: TABLE, firstRequest: at('2026-12-01T11:30:00Z'), logged: { rows: 0 } })).toMatchObject({
      status: 'fail',
      evidence: `${TABLE} holds no rows 30 min after the gateway's first request (2026-12-01T11:30:00.000Z)`,
      fix: 'Check that inference tables are enabled on the gateway and the schema exists and is writable; if the table exists, ask its owner for USE CATALOG, USE SCHEMA and SELECT so it is visible',
    });
    expect(visibilityItem({ gateway: 'gw', now, table: TABLE, firstRequest: at('2026-12-01T10:00:00Z') }).evidence).toBe(
      `${TABLE} is not visible to this principal (not found) 120 min after the gateway's first request (2026-12-01T10:00:00.000Z)`,
    );
  });

  it('reads the first request and the logged rows with bound values', () => {
    const first = firstRequestStatement('gw', window);
    expect(first.sql).toMatch(/^SELECT MIN\(request_time\) AS first_request, COUNT\(\*\) AS requests FROM \(SELECT .*\) AS normalised WHERE endpoint_name = :gateway$/);
    expect(first.params.gateway).toEqual({ type: 'STRING', value: 'gw' });
    expect(payloadRowsStatement({ catalog: 'cat', schema: 'ops', table: 'gw_payload' }, window)).toEqual({
      sql: 'SELECT COUNT(*) AS logged, MIN(request_time) AS first_logged, MAX(request_time) AS last_logged FROM `cat`.`ops`.`gw_payload` WHERE request_date >= :since_date AND request_time >= :since',
      params: { since_date: { type: 'DATE', value: '2026-11-20' }, since: { type: 'TIMESTAMP', value: '2026-11-20 00:00:00.000' } },
    });
  });
});

describe('traffic through the gateway', () => {
  const fronted = ['ep-a', 'ep-b'];
  const BASE = 'https://h/serving-endpoints';
  const row = (requester: string | null, direct: number, via: number, totals: { direct: number; via: number; callers: number }) => ({
    requester,
    direct,
    via_gateway: via,
    total_direct: totals.direct,
    total_via_gateway: totals.via,
    callers_count: totals.callers,
  });

  it('names only external models of provider databricks-model-serving, once each', () => {
    expect(
      frontedEndpoints([
        { external_model: { provider: 'databricks-model-serving', name: 'ep-a' } },
        { external_model: { provider: 'openai', name: 'gpt' } },
        { external_model: { provider: 'databricks-model-serving', name: 'ep-a' } },
        { external_model: { provider: 'databricks-model-serving' } },
        { entity_name: 'x' },
      ]),
    ).toEqual(['ep-a']);
  });

  it('counts, per caller, requests via the gateway and straight to what it fronts', () => {
    const { sql, params } = directTrafficStatement('gw', fronted, window);
    expect(sql).toContain(') AS normalised WHERE endpoint_name IN (:gateway, :fronted, :fronted_1)), ');
    expect(sql).toContain(
      'callers AS (SELECT requester, SUM(CASE WHEN endpoint_name = :gateway THEN 1 ELSE 0 END) AS via_gateway, SUM(CASE WHEN endpoint_name = :gateway THEN 0 ELSE 1 END) AS direct FROM usage_rows GROUP BY requester) ',
    );
    expect(sql).toMatch(/ SELECT callers\.\*, COUNT\(\*\) OVER \(\) AS callers_count, SUM\(via_gateway\) OVER \(\) AS total_via_gateway, SUM\(direct\) OVER \(\) AS total_direct FROM callers ORDER BY direct DESC, requester ASC LIMIT :row_limit$/);
    expect(params).toMatchObject({ gateway: { type: 'STRING', value: 'gw' }, fronted: { type: 'STRING', value: 'ep-a' }, fronted_1: { type: 'STRING', value: 'ep-b' }, row_limit: { type: 'INTEGER', value: 50 } });
  });

  it('passes a gateway that fronts nothing', () => {
    expect(trafficItem('gw', [], [], window, BASE)).toMatchObject({ status: 'pass', evidence: 'gw wraps no other endpoint of this workspace, so no caller can reach what it serves without it', fix: 'Nothing to do' });
  });

  it('cannot judge without traffic, and passes when all of it went through the gateway', () => {
    expect(trafficItem('gw', fronted, [], window, BASE)).toMatchObject({ status: 'unknown', evidence: 'no requests reached gw or ep-a, ep-b in the last 7 days', fix: 'Send traffic through the gateway (or wait for it), then check again' });
    const all = trafficItem('gw', fronted, [row('a', 0, 40, { direct: 0, via: 40, callers: 1 })], window, BASE);
    expect(all).toMatchObject({ status: 'pass', evidence: 'all 40 requests to ep-a, ep-b in the last 7 days went through gw', fix: 'Nothing to do' });
    expect(all.details).toEqual({ fronted_endpoints: fronted, since: '2026-11-20T00:00:00.000Z', until: '2026-11-27T00:00:00.000Z', requests_via_gateway: 40, requests_direct: 0, bypass_share: 0, direct_callers: [] });
    // No traffic at all is a share of 0, not NaN (0 of 0).
    expect(trafficItem('gw', fronted, [], window, BASE).details).toMatchObject({ requests_via_gateway: 0, requests_direct: 0, bypass_share: 0 });
  });

  it('fails naming the callers that went around it, and the share they took', () => {
    const totals = { direct: 30, via: 70, callers: 3 };
    const item = trafficItem('gw', fronted, [row('bob', 20, 0, totals), row(null, 10, 5, totals), row('amy', 0, 65, totals)], window, BASE);
    expect(item).toMatchObject({
      status: 'fail',
      evidence: "2 caller(s) reached ep-a, ep-b directly in the last 7 days while gw fronts it: bob (20), (unknown) (10); 30.0 % of the traffic (30 of 100 requests) bypassed the gateway's rate limits, guardrails and usage tracking",
      fix: `Point these callers at the gateway: base URL ${BASE} with model "gw" (the wire_consumer prompt writes the snippets); the gateway's own forwarded calls run as its API token's identity, so leave that principal out`,
    });
    expect(item.details?.direct_callers).toEqual([
      { requester: 'bob', direct: 20, via_gateway: 0 },
      { requester: '(unknown)', direct: 10, via_gateway: 5 },
    ]);
    expect(item.details?.bypass_share).toBe(0.3);
    const even = trafficItem('gw', fronted, [row('bob', 50, 0, { direct: 50, via: 50, callers: 2 }), row('amy', 0, 50, { direct: 50, via: 50, callers: 2 })], window, BASE);
    expect(even.evidence).toContain('; 50.0 % of the traffic (50 of 100 requests) bypassed');
  });

  it('marks a list cut by the limit or past ten callers', () => {
    const totals = { direct: 60, via: 0, callers: 60 };
    const cut = trafficItem('gw', fronted, [row('a', 2, 0, totals), row('b', 1, 0, totals)], window, BASE);
    expect(cut.evidence).toMatch(/^2 caller\(s\) reached ep-a, ep-b directly in the last 7 days while gw fronts it: a \(2\), b \(1\), …; 100\.0 % /);
    const full = trafficItem('gw', fronted, [row('a', 2, 0, { ...totals, callers: 3 }), row('b', 1, 0, { ...totals, callers: 3 }), row('c', 0, 0, { ...totals, callers: 3 })], window, BASE);
    expect(full.evidence).toContain(': a (2), b (1); ');
    const eleven = Array.from({ length: 11 }, (_, i) => row(`u${i}`, 1, 0, { direct: 11, via: 0, callers: 11 }));
    expect(trafficItem('gw', fronted, eleven, window, BASE).evidence).toContain('u8 (1), u9 (1), …; ');
    const ten = Array.from({ length: 10 }, (_, i) => row(`u${i}`, 1, 0, { direct: 10, via: 0, callers: 10 }));
    expect(trafficItem('gw', fronted, ten, window, BASE).evidence).toContain('u8 (1), u9 (1); ');
  });

  it('marks a cut list only when the callers cut off could have gone around the gateway', () => {
    // Every caller came back: nothing was cut, whatever the last one did.
    const all = { direct: 3, via: 0, callers: 2 };
    expect(trafficItem('gw', fronted, [row('a', 2, 0, all), row('b', 1, 0, all)], window, BASE).evidence).toContain(': a (2), b (1); ');
    // Cut, but the last row kept already went through the gateway only: those cut off did too (rows come most-direct first).
    const cut = { direct: 3, via: 9, callers: 5 };
    expect(trafficItem('gw', fronted, [row('a', 2, 0, cut), row('b', 1, 0, cut), row('c', 0, 9, cut)], window, BASE).evidence).toContain(': a (2), b (1); ');
  });
});
