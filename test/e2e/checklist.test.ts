/**
 * The live F4 checklist of validate_config: the built server over stdio against the sandbox (REST, Alerts v2
 * and the warehouse through the real clients). Figures are checked against hand-written SQL through the raw
 * driver on the same seeded data; every statement the server sent must be Spark SQL.
 */
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox-contract.js';
import { startSandbox } from '../../src/sandbox/start-sandbox.js';
import { AGENT_SP, GATEWAY_SECRET } from '../../src/sandbox/seed/seed-catalog.js';
import { callOk, connect, textOf, type Connected } from '../support/mcp.js';
import { recordServerSql, recordSparkSql } from '../support/spark-sql.js';
import { SCENARIOS, tempDir, writeYamlState } from '../support/states.js';
import { connectWarehouse, type WarehouseClient } from '../support/warehouse.js';

interface Entry {
  item: string;
  title: string;
  status: 'pass' | 'fail' | 'unknown';
  evidence: string;
  fix: string;
  details?: Record<string, any>;
}
interface Result {
  valid: boolean;
  findings: unknown[];
  checklist: Entry[];
}

const ORDER = ['gateway-created', 'audited-entities', 'halt-rule', 'table-prefix', 'inference-tables-visible', 'gateway-url', 'request-id-correlation', 'rate-limits', 'guardrails', 'ops-grants', 'error-alert'];
const GATEWAY = 'skyloyalty-ai-gateway';

let sandbox: Sandbox;
let server: Connected;
let raw: WarehouseClient;
let agent: Agent;
const dir = tempDir();
const stateFile = writeYamlState(dir, 'state', SCENARIOS.passing);

const env = (token: string, warehouse = true) => ({
  DATABRICKS_HOST: sandbox.url,
  DATABRICKS_TOKEN: token,
  ...(warehouse ? { DATABRICKS_WAREHOUSE_ID: sandbox.warehouseId } : {}),
  NODE_EXTRA_CA_CERTS: sandbox.caCertPath,
});

async function rest(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) {
  const response = await request(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: agent,
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${method} ${path}: ${response.statusCode} ${text}`);
  return text ? JSON.parse(text) : {};
}

const byItem = (result: Result) => Object.fromEntries(result.checklist.map((e) => [e.item, e]));
const check = (client: Connected, endpoint: string, extra: Record<string, unknown> = {}) =>
  callOk<Result>(client.client, 'validate_config', { endpoint, state_file: stateFile, ...extra });

/** An alert on the gateway's recent 429/5xx share, written by hand as an operator would. */
const gatewayAlert = (display_name: string, query_text: string) => ({
  display_name,
  query_text,
  warehouse_id: sandbox.warehouseId,
  evaluation: { source: { name: 'error_share' }, comparison_operator: 'GREATER_THAN', threshold: { value: { double_value: 0.05 } }, empty_result_state: 'OK' },
  schedule: { quartz_cron_schedule: '0 0 0 1 1 ?', timezone_id: 'UTC' },
  run_as: { service_principal_name: AGENT_SP },
});
const ERROR_SHARE_SQL =
  "SELECT CAST(SUM(CASE WHEN u.status_code = 429 OR u.status_code >= 500 THEN 1 ELSE 0 END) AS DOUBLE) / COUNT(*) AS error_share " +
  'FROM system.serving.endpoint_usage AS u JOIN (SELECT DISTINCT served_entity_id, endpoint_name FROM system.serving.served_entities) AS se ' +
  `ON u.served_entity_id = se.served_entity_id WHERE se.endpoint_name = '${GATEWAY}' AND u.request_time >= current_timestamp() - INTERVAL 1 HOUR`;

beforeAll(async () => {
  sandbox = await startSandbox({ rows: 20_000 });
  agent = new Agent({ connect: { ca: sandbox.caCert } });
  raw = await connectWarehouse(sandbox);
  server = await connect({ env: env(sandbox.token), cwd: dir });
});

afterAll(async () => {
  await server?.close();
  await raw?.close();
  await agent?.close();
  if (sandbox) recordServerSql(sandbox.warehouse.received, [], 'test/e2e/checklist.test.ts');
  await sandbox?.close();
});

describe('validate_config with endpoint: the live F4 checklist', () => {
  it('reports every item in the step order, keeps valid/findings, and a compact table in the text', async () => {
    const result = await server.client.callTool({ name: 'validate_config', arguments: { endpoint: GATEWAY, state_file: stateFile } });
    const structured = result.structuredContent as unknown as Result;
    expect(structured.checklist.map((e) => e.item)).toEqual(ORDER);
    expect(typeof structured.valid).toBe('boolean');
    expect(Array.isArray(structured.findings)).toBe(true);
    for (const e of structured.checklist) {
      expect(['pass', 'fail', 'unknown']).toContain(e.status);
      expect(e.evidence.length, e.item).toBeGreaterThan(10);
    }
    const items = byItem(structured);
    for (const item of ['gateway-created', 'audited-entities', 'halt-rule', 'table-prefix', 'rate-limits', 'guardrails', 'inference-tables-visible']) {
      expect(items[item]?.status, `${item}: ${items[item]?.evidence}`).toBe('pass');
    }
    const text = textOf(result);
    expect(text).toMatch(/F4 checklist: \d+ pass, \d+ fail, \d+ unknown/);
    expect(text).toMatch(/✗ fail\s+error-alert/);
  });

  it('names the seeded callers that reach the fronted endpoints directly, with the share that bypassed', async () => {
    const traffic = byItem(await check(server, GATEWAY))['gateway-url']!;
    expect(traffic.status).toBe('fail');
    const { since, until } = traffic.details!;
    const rows = await raw.query(
      `SELECT u.requester AS requester, SUM(CASE WHEN se.endpoint_name = :gateway THEN 0 ELSE 1 END) AS direct, SUM(CASE WHEN se.endpoint_name = :gateway THEN 1 ELSE 0 END) AS via
       FROM system.serving.endpoint_usage AS u JOIN (SELECT DISTINCT served_entity_id, endpoint_name FROM system.serving.served_entities) AS se ON u.served_entity_id = se.served_entity_id
       WHERE se.endpoint_name IN (:gateway, 'databricks-claude-sonnet-4-6', 'databricks-claude-opus-4-5')
         AND u.request_time >= CAST(:since AS TIMESTAMP) AND u.request_time < CAST(:until AS TIMESTAMP)
       GROUP BY u.requester`,
      { named: { gateway: GATEWAY, since: since.replace('T', ' ').replace('Z', ''), until: until.replace('T', ' ').replace('Z', '') } },
    );
    const direct = rows.filter((r) => Number(r['direct']) > 0);
    expect(direct.length).toBeGreaterThan(2);
    expect(traffic.details!.fronted_endpoints.sort()).toEqual(['databricks-claude-opus-4-5', 'databricks-claude-sonnet-4-6']);
    expect(Object.fromEntries(traffic.details!.direct_callers.map((c: { requester: string; direct: number }) => [c.requester, c.direct]))).toEqual(
      Object.fromEntries(direct.map((r) => [r['requester'], Number(r['direct'])])),
    );
    const totalDirect = direct.reduce((s, r) => s + Number(r['direct']), 0);
    const totalVia = rows.reduce((s, r) => s + Number(r['via']), 0);
    expect(traffic.details!.bypass_share).toBeCloseTo(totalDirect / (totalDirect + totalVia), 10);
    expect(traffic.evidence).toContain(String(direct[0]!['requester']).slice(0, 5));
    expect(traffic.evidence).toMatch(/bypassed the gateway/);
  });

  it('measures request-id correlation from the payload table, overall and per caller, as raw SQL does', async () => {
    const correlation = byItem(await check(server, GATEWAY))['request-id-correlation']!;
    const { since, until } = correlation.details!;
    const [overall] = await raw.query(
      `SELECT COUNT(*) AS n, SUM(CASE WHEN client_request_id IS NULL OR TRIM(client_request_id) = '' THEN 0 ELSE 1 END) AS with_id
       FROM workshop.skyloyalty_ops.gw_payload WHERE request_time >= CAST(:since AS TIMESTAMP) AND request_time < CAST(:until AS TIMESTAMP)`,
      { named: { since: since.replace('T', ' ').replace('Z', ''), until: until.replace('T', ' ').replace('Z', '') } },
    );
    expect(Number(overall!['n'])).toBeGreaterThan(0);
    expect(correlation.details!.share).toBeCloseTo(Number(overall!['with_id']) / Number(overall!['n']), 10);
    // The seed gives about 60 % of requests a client request id: below the default 95 %, every caller is named.
    expect(correlation.status).toBe('fail');
    expect(correlation.evidence).toMatch(/callers below it: /);
    const lenient = byItem(await check(server, GATEWAY, { min_request_id_share: 0.3 }))['request-id-correlation']!;
    expect(lenient.status).toBe('pass');
  });

  it('the alert item fails without an alert, passes once an ACTIVE alert on the gateway evaluated, fails when it errors', async () => {
    expect(byItem(await check(server, GATEWAY))['error-alert']).toMatchObject({ status: 'fail', evidence: expect.stringMatching(/none of the \d+ ACTIVE SQL alert/) });

    recordSparkSql([ERROR_SHARE_SQL], 'test/e2e/checklist.test.ts: the error-share query');
    const alert = await rest('POST', '/api/2.0/alerts', gatewayAlert('gateway 429/5xx (test)', ERROR_SHARE_SQL));
    // A query of the operator's own counts only when they name it: a query's words alone prove nothing.
    expect(byItem(await check(server, GATEWAY))['error-alert']).toMatchObject({ status: 'fail' });
    const named = { alert_id: alert.id };
    expect(byItem(await check(server, GATEWAY, named))['error-alert']).toMatchObject({ status: 'unknown', evidence: expect.stringMatching(/not been evaluated yet/) });
    await sandbox.alerts.evaluateNow();
    const passing = byItem(await check(server, GATEWAY, named))['error-alert']!;
    expect(passing).toMatchObject({ status: 'pass', evidence: expect.stringMatching(/TRIGGERED/) });
    expect(passing.details!.alerts[0]).toMatchObject({ id: alert.id, state: 'TRIGGERED' });
    await rest('DELETE', `/api/2.0/alerts/${alert.id}`);

    const broken = await rest('POST', '/api/2.0/alerts', gatewayAlert('gateway 429/5xx (broken)', ERROR_SHARE_SQL.replace('system.serving.endpoint_usage', 'system.serving.no_such_table')));
    await sandbox.alerts.evaluateNow();
    expect(byItem(await check(server, GATEWAY, { alert_id: broken.id }))['error-alert']).toMatchObject({ status: 'fail', evidence: expect.stringMatching(/errored/) });
    await rest('DELETE', `/api/2.0/alerts/${broken.id}?purge=true`);
  });

  it('a fresh gateway with no traffic: alert and direct traffic fail with evidence; correlation and visibility wait', async () => {
    await rest('POST', '/api/2.0/serving-endpoints', {
      name: 'fresh-gateway',
      config: {
        served_entities: [
          {
            name: 'primary',
            external_model: {
              name: 'databricks-claude-sonnet-4-6',
              provider: 'databricks-model-serving',
              task: 'llm/v1/chat',
              databricks_model_serving_config: { databricks_workspace_url: sandbox.url, databricks_api_token: `{{secrets/${GATEWAY_SECRET.scope}/${GATEWAY_SECRET.key}}}` },
            },
          },
        ],
      },
      ai_gateway: {
        usage_tracking_config: { enabled: true },
        inference_table_config: { enabled: true, catalog_name: 'workshop', schema_name: 'skyloyalty_ops', table_name_prefix: 'fresh' },
        rate_limits: [{ key: 'endpoint', renewal_period: 'minute', calls: 120 }],
        guardrails: { input: { pii: { behavior: 'BLOCK' }, safety: true }, output: { pii: { behavior: 'BLOCK' }, safety: true } },
      },
    });
    const items = byItem(await check(server, 'fresh-gateway'));
    expect(items['error-alert']!.status).toBe('fail');
    expect(items['gateway-url']).toMatchObject({ status: 'fail', details: { requests_via_gateway: 0, bypass_share: 1 } });
    expect(items['gateway-url']!.evidence).toMatch(/databricks-claude-sonnet-4-6 directly/);
    expect(items['request-id-correlation']).toMatchObject({ status: 'unknown', evidence: expect.stringMatching(/workshop\.skyloyalty_ops\.fresh_payload holds no requests/) });
    expect(items['inference-tables-visible']).toMatchObject({ status: 'unknown', evidence: expect.stringMatching(/no traffic yet/) });
  });
});

describe('bad input: what the caller cannot see is unknown, the rest is still reported', () => {
  it('a principal without system-table grants, and an alerts API that answers 403', async () => {
    const carol = await connect({ env: env(sandbox.addToken('carol@example.com')), cwd: dir });
    try {
      sandbox.faults.add({ kind: 'status', status: 403, match: { pathPrefix: '/api/2.0/alerts' }, times: Infinity });
      const items = byItem(await check(carol, GATEWAY));
      expect(Object.keys(items)).toEqual(ORDER);
      expect(items['error-alert']).toMatchObject({ status: 'unknown', evidence: expect.stringMatching(/403/), fix: expect.stringMatching(/Databricks SQL access/) });
      expect(items['gateway-url']).toMatchObject({ status: 'unknown', evidence: expect.stringMatching(/permission denied reading the usage system tables/), fix: expect.stringMatching(/GRANT USE SCHEMA ON SCHEMA system\.serving/) });
      expect(items['rate-limits']!.status).toBe('pass');
      expect(items['guardrails']!.status).toBe('pass');
    } finally {
      sandbox.faults.clear();
      await carol.close();
    }
  });

  it('no SQL warehouse configured: the data items say so, the config items are judged', async () => {
    const noWarehouse = await connect({ env: env(sandbox.token, false), cwd: dir });
    try {
      const items = byItem(await check(noWarehouse, GATEWAY));
      for (const item of ['gateway-url', 'request-id-correlation', 'inference-tables-visible']) {
        expect(items[item], item).toMatchObject({ status: 'unknown', evidence: expect.stringMatching(/no SQL warehouse/), fix: expect.stringMatching(/DATABRICKS_WAREHOUSE_ID/) });
      }
      expect(items['table-prefix']!.status).toBe('pass');
    } finally {
      await noWarehouse.close();
    }
  });
});
