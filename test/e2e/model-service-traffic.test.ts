/**
 * A model service's traffic end to end: the service is made with create_gateway (target model_service), its
 * requests land in system.ai_gateway.usage (under service_name) and in its payload table, and query_usage / tail_inference report on
 * them through the built server and the real SQL driver, checked against raw SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox-contract.js';
import { startSandbox } from '../../src/sandbox/start-sandbox.js';
import { AGENT_SP, OPS_GROUP } from '../../src/sandbox/seed/seed-catalog.js';
import { payloadTableName } from '../../src/sandbox/warehouse/catalogs.js';
import { callOk, connect, type Connected } from '../support/mcp.js';
import { SONNET, tempDir, writeYamlState } from '../support/states.js';
import { recordServerSql } from '../support/spark-sql.js';
import { connectWarehouse, type WarehouseClient } from '../support/warehouse.js';

const SERVICE = 'workshop.demo_team.svc_traffic';
const recent = new Date(Date.now() - 86_400_000).toISOString();
const pass = { short_chat_ok: true, streaming_ok: true, long_context_ok: true, accepted_min_context_chars: 200_000, audited_at: recent };
const since = new Date(Date.now() - 2 * 86_400_000).toISOString();
const until = new Date(Date.now() + 86_400_000).toISOString();
const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString().replace('T', ' ').replace('Z', '');
const n = (v: unknown) => Number(v);

let sandbox: Sandbox;
let server: Connected;
let raw: WarehouseClient;

beforeAll(async () => {
  sandbox = await startSandbox({ rows: 2000 });
  raw = await connectWarehouse(sandbox);
  server = await connect({ cwd: tempDir('aigw-unity-traffic-'), env: { DATABRICKS_HOST: sandbox.url, DATABRICKS_TOKEN: sandbox.token, DATABRICKS_WAREHOUSE_ID: sandbox.warehouseId, NODE_EXTRA_CA_CERTS: sandbox.caCertPath } });
  const stateFile = writeYamlState(tempDir(), 'traffic', {
    llm_role_endpoints: { agent_chat: { endpoint: SONNET, candidates: [SONNET], selected_after_probe: true } },
    endpoint_guardrail_audit: { [SONNET]: pass },
  });
  const args = { name: 'svc_traffic', target: 'model_service', catalog: 'workshop', schema: 'demo_team', table_name_prefix: 'svc', grants: { agent_service_principal: AGENT_SP, ops_group: OPS_GROUP }, state_file: stateFile };
  const planned = await callOk<{ plan_id: string }>(server.client, 'create_gateway', args);
  await callOk(server.client, 'create_gateway', { ...args, mode: 'apply', plan_id: planned.plan_id });
  // The service's traffic, as the gateway would log it: usage rows under its name, payload rows in its table.
  const usage = [
    ['r1', 'alice@example.com', 100, 40, 200, 'loyalty'],
    ['r2', 'alice@example.com', 300, 60, 200, 'loyalty'],
    ['r3', 'bob@example.com', 50, 10, 429, 'support'],
  ] as const;
  // Rows of a call to a model service carry its name in service_name (public queries filter on it), not endpoint_name.
  for (const [id, user, input, output, status, project] of usage) {
    await sandbox.warehouse.exec(
      `INSERT INTO dbx_system.ai_gateway.usage (request_id, event_time, service_name, requester, destination_model, input_tokens, output_tokens, total_tokens, status_code, request_tags) VALUES ('${id}', TIMESTAMP '${at(30)}', '${SERVICE}', '${user}', 'system.ai.databricks-claude-sonnet-4-6', ${input}, ${output}, ${input + output}, ${status}, MAP {'project': '${project}'})`,
    );
  }
  // A row whose endpoint_name happens to read like the service: a filter on endpoint_name would count it.
  await sandbox.warehouse.exec(
    `INSERT INTO dbx_system.ai_gateway.usage (request_id, event_time, endpoint_name, requester, input_tokens, output_tokens, total_tokens, status_code) VALUES ('decoy', TIMESTAMP '${at(30)}', '${SERVICE}', 'mallory@example.com', 999, 999, 1998, 200)`,
  );
  // MCP tool calls through an MCP service registered with the gateway.
  for (const [id, tool] of [['m1', 'search_issues'], ['m2', 'search_issues'], ['m3', 'get_issue']]) {
    await sandbox.warehouse.exec(
      `INSERT INTO dbx_system.ai_gateway.usage (request_id, event_time, endpoint_name, requester, input_tokens, output_tokens, total_tokens, status_code, mcp_metadata) VALUES ('${id}', TIMESTAMP '${at(10)}', 'workshop.demo_team.github', 'alice@example.com', 0, 0, 0, 200, {'json_rpc_method': 'tools/call', 'tool_name': '${tool}', 'server_type': 'EXTERNAL'})`,
    );
  }
  const table = payloadTableName({ catalog: 'workshop', schema: 'demo_team', prefix: 'svc' });
  for (const [i, minutes] of [50, 20, 5].entries()) {
    await sandbox.warehouse.exec(
      `INSERT INTO ${table} (databricks_request_id, request_date, request_time, status_code, request, response, requester) VALUES ('p${i}', CAST(TIMESTAMP '${at(minutes)}' AS DATE), TIMESTAMP '${at(minutes)}', 200, '{"messages":[]}', '{"choices":[]}', 'alice@example.com')`,
    );
  }
}, 120_000);

afterAll(async () => {
  await server?.close();
  await raw?.close();
  await sandbox?.close();
});

describe('a model service in the usage and payload tables', () => {
  it('query_usage reports the service by user and request tag, totals matching raw SQL', async () => {
    const [expected] = await raw.query('SELECT COUNT(*) AS requests, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens FROM system.ai_gateway.usage WHERE service_name = :service', { named: { service: SERVICE } });
    expect(n(expected?.requests)).toBe(3);
    const byUser = await callOk<{ rows: Array<Record<string, unknown>>; totals: Record<string, number>; source: string }>(server.client, 'query_usage', { report: 'by_user', model_service: SERVICE, since, until });
    expect(byUser.source).toBe('system.ai_gateway.usage');
    expect(byUser.totals).toMatchObject({ requests: n(expected?.requests), input_tokens: n(expected?.input_tokens), output_tokens: n(expected?.output_tokens) });
    expect(byUser.rows.map((r) => [r.requester, n(r.input_tokens)])).toEqual([['alice@example.com', 400], ['bob@example.com', 50]]);
    expect(byUser.sql).toMatch(/service_name IN \(/);
    const byTag = await callOk<{ rows: Array<Record<string, unknown>> }>(server.client, 'query_usage', { report: 'summary', model_service: SERVICE, group_by: ['context'], usage_context_key: 'project', since, until });
    expect(byTag.rows.map((r) => [r.context_value, n(r.requests)])).toEqual(expect.arrayContaining([['loyalty', 2], ['support', 1]]));
  });

  it('query_usage reports MCP tool calls by tool, from mcp_metadata', async () => {
    const expected = await raw.query(
      "SELECT mcp_metadata.tool_name AS tool, COUNT(*) AS requests FROM system.ai_gateway.usage WHERE mcp_metadata.tool_name IS NOT NULL AND event_time >= CAST(:since AS TIMESTAMP) GROUP BY mcp_metadata.tool_name",
      { named: { since } },
    );
    const byTool = await callOk<{ rows: Array<Record<string, unknown>>; sql: string }>(server.client, 'query_usage', { report: 'summary', source: 'ai_gateway', group_by: ['mcp_tool'], since, until });
    const tools = byTool.rows.filter((r) => r.mcp_tool !== null).map((r) => [r.mcp_tool, n(r.requests)]);
    expect(tools).toEqual(expect.arrayContaining(expected.map((r) => [r.tool, n(r.requests)])));
    expect(tools).toHaveLength(2);
    expect(recordServerSql(sandbox.warehouse.received, [byTool.sql], 'test/e2e/model-service-traffic.test.ts')).toBeGreaterThan(0);
  });

  it('tail_inference locates the payload table from the model service and pages it newest first', async () => {
    const first = await callOk<{ table: string; rows: Array<{ databricks_request_id: string }>; next_cursor?: string }>(server.client, 'tail_inference', { model_service: SERVICE, since, until, limit: 2 });
    expect(first.table).toBe('workshop.demo_team.svc_payload');
    expect(first.rows.map((r) => r.databricks_request_id)).toEqual(['p2', 'p1']);
    const older = await callOk<{ rows: Array<{ databricks_request_id: string }> }>(server.client, 'tail_inference', { model_service: SERVICE, since, until, limit: 2, cursor: first.next_cursor });
    expect(older.rows.map((r) => r.databricks_request_id)).toEqual(['p0']);
  });
});
