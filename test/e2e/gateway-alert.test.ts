/**
 * create_gateway with an alert, end to end against the sandbox with its real warehouse: the SQL alert is planned
 * and applied with the gateway, exists once (a repeat is unchanged), its query is Spark SQL, it triggers on the
 * incident seeded on skyloyalty-ai-gateway, and validate_config's checklist item then passes.
 */
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox-contract.js';
import { startSandbox } from '../../src/sandbox/start-sandbox.js';
import { AGENT_SP, OPS_GROUP } from '../../src/sandbox/seed/seed-catalog.js';
import { callOk, connect, textOf, type Connected } from '../support/mcp.js';
import { recordServerSql, recordSparkSql } from '../support/spark-sql.js';
import { SCENARIOS, tempDir, writeYamlState } from '../support/states.js';

const GATEWAY = 'skyloyalty-ai-gateway';
const DISPLAY_NAME = `AI Gateway ${GATEWAY}: 429/5xx share`;

interface Result {
  status: string;
  plan: { action: string; changes: Array<{ path: string; from: unknown; to: any }> };
  plan_id?: string;
  alert?: { id?: string; display_name: string; action: string; evaluation_state?: string; threshold: number };
  consumer?: { base_url: string; model: string; snippets: Record<string, string> };
}

let sandbox: Sandbox;
let server: Connected;
let agent: Agent;
const dir = tempDir('aigw-alert-');
const stateFile = writeYamlState(dir, 'state', SCENARIOS.passing);

const args = (extra: Record<string, unknown> = {}) => ({
  name: GATEWAY,
  form: 'dedicated',
  token_secret: 'ai-gateway/fmapi-token',
  fallback: true,
  catalog: 'workshop',
  schema: 'skyloyalty_ops',
  table_name_prefix: 'gw',
  grants: { agent_service_principal: AGENT_SP, ops_group: OPS_GROUP },
  alert: { subscribers: ['alice@example.com'] },
  state_file: stateFile,
  ...extra,
});

async function planAndApply(extra: Record<string, unknown> = {}): Promise<{ planned: Result; applied?: Result }> {
  const planned = await callOk<Result>(server.client, 'create_gateway', args(extra));
  if (planned.status !== 'planned') return { planned };
  const applied = await callOk<Result>(server.client, 'create_gateway', { ...args(extra), mode: 'apply', plan_id: planned.plan_id });
  return { planned, applied };
}

async function alertsNamed(name: string): Promise<Array<{ id: string; evaluation: { state: string }; query_text: string; run_as?: unknown }>> {
  const response = await request(`${sandbox.url}/api/2.0/alerts?page_size=100`, { headers: { authorization: `Bearer ${sandbox.token}` }, dispatcher: agent });
  const body = (await response.body.json()) as { alerts: Array<{ id: string; display_name: string; evaluation: { state: string }; query_text: string }> };
  return body.alerts.filter((a) => a.display_name === name);
}

beforeAll(async () => {
  sandbox = await startSandbox({ rows: 20_000, configUpdateMs: 200 });
  agent = new Agent({ connect: { ca: sandbox.caCert } });
  server = await connect({
    cwd: dir,
    env: { DATABRICKS_HOST: sandbox.url, DATABRICKS_TOKEN: sandbox.token, DATABRICKS_WAREHOUSE_ID: sandbox.warehouseId, NODE_EXTRA_CA_CERTS: sandbox.caCertPath },
  });
});

afterAll(async () => {
  await server?.close();
  await agent?.close();
  if (sandbox) recordServerSql(sandbox.warehouse.received, [], 'test/e2e/gateway-alert.test.ts');
  await sandbox?.close();
});

describe('create_gateway with alert', () => {
  it('plans the alert with the gateway, applies it once, and a repeat is unchanged', async () => {
    const { planned, applied } = await planAndApply();
    const created = planned.plan.changes.find((c) => c.path === '/alert');
    expect(created?.from).toBeNull();
    expect(created?.to).toMatchObject({
      display_name: DISPLAY_NAME,
      warehouse_id: sandbox.warehouseId,
      evaluation: { comparison_operator: 'GREATER_THAN', threshold: { value: { double_value: 0.05 } }, notification: { subscriptions: [{ user_email: 'alice@example.com' }] } },
      schedule: { quartz_cron_schedule: '0 0/5 * * * ?', timezone_id: 'UTC', pause_status: 'UNPAUSED' },
      run_as: { service_principal_name: AGENT_SP },
    });
    recordSparkSql([created!.to.query_text as string], 'test/e2e/gateway-alert.test.ts: the alert query');
    expect(created!.to.query_text).toContain(`'${GATEWAY}'`);
    expect(planned.alert).toMatchObject({ display_name: DISPLAY_NAME, action: 'create' });

    expect(applied).toMatchObject({ status: 'applied', alert: { action: 'create', display_name: DISPLAY_NAME } });
    expect(applied!.consumer).toMatchObject({ base_url: `${sandbox.url}/serving-endpoints`, model: GATEWAY });
    const live = await alertsNamed(DISPLAY_NAME);
    expect(live).toHaveLength(1);
    expect(live[0]!.id).toBe(applied!.alert!.id);

    const again = await callOk<Result>(server.client, 'create_gateway', args());
    expect(again.status).toBe('unchanged');
    expect(again.alert).toMatchObject({ action: 'none', id: applied!.alert!.id });
    expect(await alertsNamed(DISPLAY_NAME)).toHaveLength(1);
  });

  it('triggers on the seeded 429/5xx incident, and the checklist item passes', async () => {
    await sandbox.alerts.evaluateNow();
    const [alert] = await alertsNamed(DISPLAY_NAME);
    expect(alert!.evaluation.state).toBe('TRIGGERED');
    const ran = sandbox.warehouse.received!.filter((s) => s.userAgent === 'databricks-sql-alerts' && s.sql === alert!.query_text);
    expect(ran.map((s) => s.principal)).toContain(AGENT_SP);
    const result = await server.client.callTool({ name: 'validate_config', arguments: { endpoint: GATEWAY, state_file: stateFile } });
    const item = (result.structuredContent as { checklist: Array<{ item: string; status: string; evidence: string }> }).checklist.find((e) => e.item === 'error-alert');
    expect(item).toMatchObject({ status: 'pass', evidence: expect.stringContaining(DISPLAY_NAME) });
    expect(textOf(result)).toMatch(/✓ pass\s+error-alert/);
  });

  it('a new threshold updates the same alert in place (PATCH), shown in the plan', async () => {
    const { planned, applied } = await planAndApply({ alert: { subscribers: ['alice@example.com'], threshold: 0.2 } });
    expect(planned.status).toBe('planned');
    expect(planned.plan.changes).toEqual([{ path: '/alert/evaluation/threshold/value/double_value', from: 0.05, to: 0.2 }]);
    expect(applied).toMatchObject({ status: 'applied', alert: { action: 'update', threshold: 0.2 } });
    const live = await alertsNamed(DISPLAY_NAME);
    expect(live).toHaveLength(1);
    expect(live[0]!.id).toBe(applied!.alert!.id);
  });
});
