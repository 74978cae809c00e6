/**
 * query_usage end to end: the built server over stdio, against the sandbox's SQL warehouse through the real
 * driver. Each report's numbers are checked against independent queries through the raw driver on the same
 * seeded data, written without the product's builders.
 */
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_ENDPOINTS, RUNAWAY_AGENT, SEED_ENDPOINTS } from '../../src/sandbox/seed/seed-catalog.js';
import type { Sandbox } from '../../src/sandbox/sandbox-contract.js';
import { startSandbox } from '../../src/sandbox/start-sandbox.js';
import { callError, callOk, connect, textOf, type Connected } from '../support/mcp.js';
import { recordServerSql } from '../support/spark-sql.js';
import { connectWarehouse, type WarehouseClient } from '../support/warehouse.js';
import { eventually } from '../support/timers.js';

interface Usage {
  report: string;
  source: string;
  source_note: string;
  workspace: string;
  rows: Array<Record<string, unknown>>;
  totals: Record<string, number>;
  groups: number;
  truncated: boolean;
  narrow_hint?: string;
  sql: string;
  budget?: Record<string, unknown>;
  warnings: string[];
}

const DAY = 86_400_000;
const today = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()));
const iso = (d: Date) => d.toISOString();
// The seed covers the 30 UTC days ending now; this window holds all of it.
const since = iso(new Date(today.getTime() - 40 * DAY));
const until = iso(new Date(today.getTime() + DAY));
const window = { since, until };
const GATEWAY = GATEWAY_ENDPOINTS[0]!;

let sandbox: Sandbox;
let server: Connected;
let raw: WarehouseClient;
const emitted: string[] = [];

function serverEnv(token: string) {
  return {
    DATABRICKS_HOST: sandbox.url,
    DATABRICKS_TOKEN: token,
    DATABRICKS_WAREHOUSE_ID: sandbox.warehouseId,
    NODE_EXTRA_CA_CERTS: sandbox.caCertPath,
  };
}

async function usage(args: Record<string, unknown>): Promise<Usage> {
  const result = await callOk<Usage>(server.client, 'query_usage', { ...window, ...args });
  emitted.push(result.sql);
  return result;
}

const rawWindow = { since: since.replace('T', ' ').replace('Z', ''), until: until.replace('T', ' ').replace('Z', '') };
const WINDOW_SQL = 'request_time >= CAST(:since AS TIMESTAMP) AND request_time < CAST(:until AS TIMESTAMP)';
const n = (v: unknown) => Number(v ?? 0);

beforeAll(async () => {
  sandbox = await startSandbox({});
  raw = await connectWarehouse(sandbox);
  server = await connect({ env: serverEnv(sandbox.token) });
});

afterAll(async () => {
  await server?.close();
  await raw?.close();
  // Tests after the grammar test also sent statements: check those too.
  if (sandbox) recordServerSql(sandbox.warehouse.received, emitted, 'test/e2e/query-usage.test.ts');
  await sandbox?.close();
});

describe('query_usage against the sandbox warehouse', () => {
  it('summary totals equal the raw usage table: served_entities history does not double count', async () => {
    const [history] = await raw.query('SELECT COUNT(*) AS versions, COUNT(DISTINCT served_entity_id) AS entities FROM system.serving.served_entities');
    expect(n(history?.versions)).toBeGreaterThan(n(history?.entities));
    const [expected] = await raw.query(
      `SELECT COUNT(*) AS requests, SUM(input_token_count) AS input_tokens, SUM(output_token_count) AS output_tokens FROM system.serving.endpoint_usage WHERE ${WINDOW_SQL}`,
      { named: rawWindow },
    );
    const result = await usage({ report: 'summary' });
    expect(result.source).toBe('system.serving.endpoint_usage ⋈ system.serving.served_entities');
    expect(result.source_note).toMatch(/^auto:/);
    expect(result.workspace).toBe(sandbox.url);
    expect(n(expected?.requests)).toBeGreaterThan(1000);
    expect(result.rows[0]).toMatchObject({ requests: n(expected?.requests), input_tokens: n(expected?.input_tokens), output_tokens: n(expected?.output_tokens) });
    expect(result.totals).toMatchObject({ requests: n(expected?.requests), total_tokens: n(expected?.input_tokens) + n(expected?.output_tokens) });
  });

  it('by_entity for one endpoint matches the raw rows of its served entities', async () => {
    const ids = GATEWAY.servedEntities.map((s) => s.id);
    const expected = await raw.query(
      `SELECT served_entity_id, COUNT(*) AS requests, SUM(input_token_count + output_token_count) AS tokens FROM system.serving.endpoint_usage
       WHERE ${WINDOW_SQL} AND served_entity_id IN (:a, :b) GROUP BY served_entity_id`,
      { named: { ...rawWindow, a: ids[0], b: ids[1] } },
    );
    const result = await usage({ report: 'by_entity', endpoint: GATEWAY.name });
    expect(result.rows).toHaveLength(2);
    for (const entity of GATEWAY.servedEntities) {
      const want = expected.find((r) => r.served_entity_id === entity.id);
      const got = result.rows.find((r) => r.served_entity_name === entity.name);
      expect(got, entity.name).toMatchObject({ endpoint_name: GATEWAY.name, requests: n(want?.requests), total_tokens: n(want?.tokens) });
    }
  });

  it('by_day rows and whole-window totals match a raw daily count, even when the limit cuts rows', async () => {
    const expected = await raw.query(
      `SELECT CAST(request_time AS DATE) AS day, COUNT(*) AS requests FROM system.serving.endpoint_usage WHERE ${WINDOW_SQL} GROUP BY CAST(request_time AS DATE) ORDER BY day`,
      { named: rawWindow },
    );
    const result = await usage({ report: 'by_day', limit: 5 });
    expect(result.rows).toHaveLength(5);
    expect(result.truncated).toBe(true);
    expect(result.narrow_hint).toMatch(/totals cover all/);
    expect(result.groups).toBe(expected.length);
    expect(result.totals.requests).toBe(expected.reduce((s, r) => s + n(r.requests), 0));
    expect(result.rows.map((r) => n(r.requests))).toEqual(expected.slice(0, 5).map((r) => n(r.requests)));
  });

  it('by_user for one user and top_users agree with raw per-requester sums', async () => {
    const expected = await raw.query(
      `SELECT requester, SUM(input_token_count + output_token_count) AS tokens, COUNT(*) AS requests FROM system.serving.endpoint_usage
       WHERE ${WINDOW_SQL} GROUP BY requester ORDER BY tokens DESC`,
      { named: rawWindow },
    );
    const top = await usage({ report: 'top_users', limit: 3 });
    expect(top.rows.map((r) => r.requester)).toEqual(expected.slice(0, 3).map((r) => r.requester));
    const all = expected.reduce((s, r) => s + n(r.tokens), 0);
    expect(n(top.rows[0]?.share_of_tokens)).toBeCloseTo(n(expected[0]?.tokens) / all, 6);
    const alice = await usage({ report: 'by_user', user: 'alice@example.com' });
    expect(alice.rows).toEqual([expect.objectContaining({ requester: 'alice@example.com', requests: n(expected.find((r) => r.requester === 'alice@example.com')?.requests) })]);
  });

  it('errors counts 429s, 5xx and guardrail 400s per day with rates', async () => {
    const expected = await raw.query(
      `SELECT CAST(request_time AS DATE) AS day, COUNT(*) AS requests, SUM(CASE WHEN status_code = 429 THEN 1 ELSE 0 END) AS r429,
       SUM(CASE WHEN status_code >= 500 THEN 1 ELSE 0 END) AS r5xx, SUM(CASE WHEN status_code = 400 THEN 1 ELSE 0 END) AS r400
       FROM system.serving.endpoint_usage WHERE ${WINDOW_SQL} GROUP BY CAST(request_time AS DATE) ORDER BY day`,
      { named: rawWindow },
    );
    const result = await usage({ report: 'errors', limit: 100 });
    expect(result.rows).toHaveLength(expected.length);
    result.rows.forEach((row, i) => {
      const want = expected[i]!;
      expect(row).toMatchObject({ requests: n(want.requests), rate_limited: n(want.r429), server_errors: n(want.r5xx), guardrail_blocks: n(want.r400) });
      expect(n(row.rate_limited_rate)).toBeCloseTo(n(want.r429) / n(want.requests), 4);
    });
    expect(result.totals.rate_limited).toBe(expected.reduce((s, r) => s + n(r.r429), 0));
    expect(result.totals.rate_limited).toBeGreaterThan(0);
  });

  it('spikes finds the seeded runaway agent on the night it looped', async () => {
    const result = await usage({ report: 'spikes' });
    const spikeDay = new Date(today.getTime() - 3 * DAY).toISOString().slice(0, 10);
    expect(result.rows[0]).toMatchObject({ requester: RUNAWAY_AGENT });
    expect(String(result.rows[0]?.day).slice(0, 10)).toBe(spikeDay);
    expect(n(result.rows[0]?.ratio)).toBeGreaterThan(5);
  });

  it('chargeback by team in dollars matches tokens × prices computed independently, with a budget projection', async () => {
    const prices = Object.fromEntries(SEED_ENDPOINTS.flatMap((e) => e.servedEntities).map((s) => [s.entityName, { input_per_million: s.dollarsPerMillionInput, output_per_million: s.dollarsPerMillionOutput }]));
    const byEntity = new Map(SEED_ENDPOINTS.flatMap((e) => e.servedEntities).map((s) => [s.id, s]));
    const rows = await raw.query(
      `SELECT element_at(usage_context, 'team') AS team, served_entity_id, SUM(input_token_count) AS input_tokens, SUM(output_token_count) AS output_tokens
       FROM system.serving.endpoint_usage WHERE ${WINDOW_SQL} GROUP BY element_at(usage_context, 'team'), served_entity_id`,
      { named: rawWindow },
    );
    const expected = new Map<string, number>();
    for (const r of rows) {
      const price = byEntity.get(String(r.served_entity_id))!;
      const dollars = (n(r.input_tokens) * price.dollarsPerMillionInput + n(r.output_tokens) * price.dollarsPerMillionOutput) / 1e6;
      const team = r.team === null || r.team === undefined ? 'untagged' : String(r.team);
      expected.set(team, (expected.get(team) ?? 0) + dollars);
    }
    const result = await usage({ report: 'chargeback', prices, budget: { monthly_usd: 1000 } });
    const teamOf = (row: Record<string, unknown>) => (row.context_value === null ? 'untagged' : String(row.context_value));
    expect(result.rows.map(teamOf).sort()).toEqual([...expected.keys()].sort());
    for (const row of result.rows) expect(n(row.dollars)).toBeCloseTo(expected.get(teamOf(row))!, 6);
    expect(result.totals.dollars).toBeCloseTo([...expected.values()].reduce((a, b) => a + b, 0), 6);
    expect(result.totals.unpriced_tokens).toBe(0);
    expect(result.budget).toMatchObject({ monthly_usd: 1000, spent_usd: expect.any(Number), projected_month_end_usd: expect.any(Number) });
  });

  it('reads system.ai_gateway.usage when asked, mapping its columns', async () => {
    const [expected] = await raw.query(`SELECT COUNT(*) AS requests, SUM(input_tokens) AS input_tokens FROM system.ai_gateway.usage WHERE event_time >= CAST(:since AS TIMESTAMP) AND event_time < CAST(:until AS TIMESTAMP)`, { named: rawWindow });
    const result = await usage({ report: 'summary', source: 'ai_gateway' });
    expect(result.source).toBe('system.ai_gateway.usage');
    expect(result.totals).toMatchObject({ requests: n(expected?.requests), input_tokens: n(expected?.input_tokens) });
  });

  it('binds or rejects injection attempts in every string input', async () => {
    const evil = "x' OR '1'='1' --";
    for (const field of ['user', 'served_entity', 'usage_context_value']) {
      const result = await usage({ report: 'summary', [field]: evil });
      expect(result.totals.requests, field).toBe(0);
    }
    expect(await callError(server.client, 'query_usage', { endpoint: "a'; DROP TABLE x; --" })).toMatch(/endpoint name/);
    expect(await callError(server.client, 'query_usage', { usage_table: 'a.b.c; DROP TABLE x' })).toMatch(/three-part table name/);
    expect(await callError(server.client, 'query_usage', { usage_context_key: "team'] OR 1=1" })).toMatch(/usage_context key/);
    expect(await callError(server.client, 'query_usage', { since: "2026-01-01' OR 1=1" })).toMatch(/ISO date/);
    expect(await callError(server.client, 'query_usage', { warehouse_id: '../../x' })).toMatch(/warehouse id/);
    const [count] = await raw.query('SELECT COUNT(*) AS n FROM system.serving.endpoint_usage');
    expect(n(count?.n)).toBeGreaterThan(0);
  });

  it('stays inside the size budget at the largest limit and says how to narrow', async () => {
    const result = await usage({ report: 'by_user', group_by: ['user', 'day', 'endpoint'], limit: 500 });
    expect(result.truncated).toBe(true);
    expect(result.rows.length).toBeLessThanOrEqual(500);
    expect(result.groups).toBeGreaterThan(result.rows.length);
    expect(result.narrow_hint).toMatch(/Narrow with/);
  });

  it.each(['operation-state', 'execute-status'] as const)('turns a refused system table (%s error shape) into a message naming the grants and who gives them', async (shape) => {
    sandbox.warehouse.configure?.({ errorShape: shape });
    const outsider = await connect({ env: serverEnv(sandbox.addToken(`outsider-${shape}@example.com`)) });
    try {
      const text = await callError(outsider.client, 'query_usage', { report: 'summary' });
      expect(text).toMatch(/No usage table is readable.*system\.serving: permission denied/);
      expect(text).toMatch(/GRANT USE SCHEMA ON SCHEMA system\.serving/);
      expect(text).toMatch(/account admin or metastore admin/);
      const requested = await callError(outsider.client, 'query_usage', { report: 'summary', source: 'serving' });
      expect(requested).toMatch(/Permission denied reading usage: .*USE SCHEMA on Schema 'system\.serving'/);
    } finally {
      await outsider.close();
      sandbox.warehouse.configure?.({ errorShape: 'operation-state' });
    }
  });

  it('the grants that message names really open system.serving to that principal', async () => {
    const principal = 'granted-reader@example.com';
    const reader = await connect({ env: serverEnv(sandbox.addToken(principal)) });
    const dispatcher = new Agent({ connect: { ca: sandbox.caCert } });
    try {
      expect(await callError(reader.client, 'query_usage', { report: 'summary', source: 'serving' })).toMatch(/USE SCHEMA on Schema 'system\.serving'/);
      const granted = await request(`${sandbox.url}/api/2.1/unity-catalog/permissions/schema/system.serving`, {
        method: 'PATCH',
        dispatcher,
        headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ changes: [{ principal, add: ['USE_SCHEMA', 'SELECT'] }] }),
      });
      expect(granted.statusCode).toBe(200);
      await granted.body.dump();
      const summary = await callOk<Usage>(reader.client, 'query_usage', { ...window, report: 'summary', source: 'serving' });
      expect(summary.rows).toHaveLength(1);
    } finally {
      await reader.close();
      await dispatcher.close();
    }
  });

  it('cancels the statement on the warehouse when the MCP call is cancelled', async () => {
    // A usage table whose scan never ends in practice: only a cancel can stop it.
    await sandbox.warehouse.exec(`CREATE SCHEMA IF NOT EXISTS workshop.slow`);
    await sandbox.warehouse.exec(
      `CREATE OR REPLACE VIEW workshop.slow.endless_usage AS SELECT TIMESTAMP '2026-01-01 00:00:00' + to_microseconds(range % 1000) AS request_time,
       'someone' AS requester, 200 AS status_code, range % 7 AS input_tokens, range % 11 AS output_tokens, 'e' AS endpoint_name FROM range(100000000000)`,
    );
    const controller = new AbortController();
    let progressed = false;
    const call = server.client.callTool(
      { name: 'query_usage', arguments: { report: 'by_user', usage_table: 'workshop.slow.endless_usage', since: '2025-12-01', until: '2026-02-01' } },
      {
        signal: controller.signal,
        onprogress: () => {
          progressed = true;
          controller.abort();
        },
        timeout: 60_000,
      } as never,
    );
    await expect(call).rejects.toThrow();
    expect(progressed).toBe(true);
    const cancelled = await eventually(() => sandbox.warehouse.exec(`SELECT statement, stopped_by FROM cancelled_statements WHERE statement LIKE '%endless_usage%'`), (found) => found.length > 0);
    expect(cancelled.map((c) => c.stopped_by)).toEqual(['cancel']);
    // The server still answers afterwards: the session went back to the pool healthy.
    const after = await usage({ report: 'summary' });
    expect(after.totals.requests).toBeGreaterThan(0);
  });

  it('reaches the warehouse with OAuth M2M through the shared token provider', async () => {
    const m2m = await connect({
      env: {
        DATABRICKS_HOST: sandbox.url,
        DATABRICKS_CLIENT_ID: sandbox.oauth.clientId,
        DATABRICKS_CLIENT_SECRET: sandbox.oauth.clientSecret,
        DATABRICKS_WAREHOUSE_ID: sandbox.warehouseId,
        NODE_EXTRA_CA_CERTS: sandbox.caCertPath,
      },
    });
    try {
      const result = await callOk<Usage>(m2m.client, 'query_usage', { ...window, report: 'summary' });
      const [expected] = await raw.query(`SELECT COUNT(*) AS requests FROM system.serving.endpoint_usage WHERE ${WINDOW_SQL}`, { named: rawWindow });
      expect(result.totals.requests).toBe(n(expected?.requests));
    } finally {
      await m2m.close();
    }
  });

  it('says which warehouse setting is missing', async () => {
    const noWarehouse = await connect({ env: { DATABRICKS_HOST: sandbox.url, DATABRICKS_TOKEN: sandbox.token, NODE_EXTRA_CA_CERTS: sandbox.caCertPath } });
    try {
      expect(await callError(noWarehouse.client, 'query_usage', { report: 'summary' })).toMatch(/No SQL warehouse is configured.*DATABRICKS_WAREHOUSE_ID/);
    } finally {
      await noWarehouse.close();
    }
  });

  it('sends every statement the server sent the warehouse, lookups included, to the Spark SQL grammar check', () => {
    expect(emitted.length).toBeGreaterThan(10);
    expect(recordServerSql(sandbox.warehouse.received, emitted, 'test/e2e/query-usage.test.ts')).toBeGreaterThan(new Set(emitted).size);
  });

  it('text copy is a compact table with the sql', async () => {
    const result = await server.client.callTool({ name: 'query_usage', arguments: { ...window, report: 'by_entity' } });
    const text = textOf(result);
    expect(text).toMatch(/endpoint_name\s+served_entity_name\s+requests/);
    expect(text).toContain('sql: WITH usage_rows AS');
  });

  it('names untagged traffic "(none)" in the text copy of a chargeback by team', async () => {
    const result = await server.client.callTool({ name: 'query_usage', arguments: { ...window, report: 'chargeback', charge_to: 'team' } });
    const rows = (result.structuredContent as { rows: Array<{ context_value: string | null }> }).rows;
    expect(rows.some((r) => r.context_value === null)).toBe(true);
    expect(textOf(result)).toMatch(/^\(none\)\s+\d+/m);
  });
});
