/**
 * The 429/5xx alert of a Unity AI Gateway model service, end to end with the sandbox's real warehouse: its query
 * reads system.ai_gateway.usage filtered on service_name (the column a model service's usage rows carry), it is
 * Spark SQL, it triggers on that service's errors only, and the service's consumers are pointed at its own URLs.
 */
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox-contract.js';
import { startSandbox } from '../../src/sandbox/start-sandbox.js';
import { AGENT_SP, OPS_GROUP } from '../../src/sandbox/seed/seed-catalog.js';
import { callOk, connect, type Connected } from '../support/mcp.js';
import { recordSparkSql } from '../support/spark-sql.js';
import { SONNET, tempDir, writeYamlState } from '../support/states.js';

interface Result {
  status: string;
  plan: { changes: Array<{ path: string; to: any }> };
  plan_id?: string;
  alert?: { id?: string; action: string };
  consumer?: { base_url: string; anthropic_base_url: string; model: string };
}

const dir = tempDir('aigw-unity-alert-');
let sandbox: Sandbox;
let admin: Connected;
let agent: Agent;

beforeAll(async () => {
  sandbox = await startSandbox({ rows: 2000 });
  agent = new Agent({ connect: { ca: sandbox.caCert } });
  admin = await connect({ cwd: dir, env: { DATABRICKS_HOST: sandbox.url, DATABRICKS_TOKEN: sandbox.token, DATABRICKS_WAREHOUSE_ID: sandbox.warehouseId, NODE_EXTRA_CA_CERTS: sandbox.caCertPath } });
});

afterAll(async () => {
  await admin?.close();
  await agent?.close();
  await sandbox?.close();
});

async function planAndApply(args: Record<string, unknown>): Promise<{ planned: Result; applied: Result }> {
  const planned = await callOk<Result>(admin.client, 'create_gateway', args);
  return { planned, applied: await callOk<Result>(admin.client, 'create_gateway', { ...args, mode: 'apply', plan_id: planned.plan_id }) };
}

async function alerts(): Promise<Array<{ id: string; evaluation: { state: string } }>> {
  const response = await request(`${sandbox.url}/api/2.0/alerts?page_size=100`, { headers: { authorization: `Bearer ${sandbox.token}` }, dispatcher: agent });
  return ((await response.body.json()) as { alerts: Array<{ id: string; evaluation: { state: string } }> }).alerts;
}

describe('the alert of a model service', () => {
  it('reads system.ai_gateway.usage by service_name, and triggers on that service\'s 429/5xx only', async () => {
    const pass = { short_chat_ok: true, streaming_ok: true, long_context_ok: true, accepted_min_context_chars: 200_000, audited_at: new Date(Date.now() - 86_400_000).toISOString() };
    const stateFile = writeYamlState(dir, 'unity-alert', { llm_role_endpoints: { agent_chat: { endpoint: SONNET, candidates: [SONNET], selected_after_probe: true } }, endpoint_guardrail_audit: { [SONNET]: pass } });
    const args = { name: 'svc_alerted', target: 'model_service', catalog: 'workshop', schema: 'demo_team', table_name_prefix: 'svc_alerted', grants: { agent_service_principal: AGENT_SP, ops_group: OPS_GROUP }, alert: { threshold: 0.3 }, state_file: stateFile };
    const { planned, applied } = await planAndApply(args);
    const query = planned.plan.changes.find((c) => c.path === '/alert')!.to.query_text as string;
    recordSparkSql([query], 'test/e2e/model-service-alert.test.ts: the model-service alert query');
    expect(query).toContain('`system`.`ai_gateway`.`usage`');
    expect(query).toContain("`service_name` = 'workshop.demo_team.svc_alerted'");
    expect(applied).toMatchObject({ status: 'applied', alert: { action: 'create' } });
    expect(applied!.consumer).toMatchObject({ base_url: `${sandbox.url}/ai-gateway/mlflow/v1`, anthropic_base_url: `${sandbox.url}/ai-gateway/anthropic`, model: 'workshop.demo_team.svc_alerted' });

    const alertState = async () => {
      await sandbox.alerts.evaluateNow();
      return (await alerts()).find((a) => a.id === applied!.alert!.id)!.evaluation.state;
    };
    expect(await alertState()).toBe('OK');
    // Its traffic as the gateway logs it, and a burst of errors on a serving endpoint of a similar name that must not count.
    const now = new Date(Date.now() - 60_000).toISOString().replace('T', ' ').replace('Z', '');
    const rows = [[200, 'workshop.demo_team.svc_alerted'], [429, 'workshop.demo_team.svc_alerted'], [503, 'workshop.demo_team.svc_alerted'], [500, null], [500, null]] as const;
    for (const [i, [status, service]] of rows.entries()) {
      await sandbox.warehouse.exec(
        `INSERT INTO dbx_system.ai_gateway.usage (request_id, event_time, endpoint_name, requester, input_tokens, output_tokens, total_tokens, status_code, service_name) VALUES ('alert-${i}', TIMESTAMP '${now}', 'svc_alerted', 'alice@example.com', 1, 1, 2, ${status}, ${service === null ? 'NULL' : `'${service}'`})`,
      );
    }
    expect(await alertState()).toBe('TRIGGERED');

    const prompt = await admin.client.getPrompt({ name: 'wire_consumer', arguments: { endpoint: 'workshop.demo_team.svc_alerted' } });
    const text = (prompt.messages[0]!.content as { text: string }).text;
    expect(text).toContain(`Base URL (OpenAI-compatible): ${sandbox.url}/ai-gateway/mlflow/v1 — model "workshop.demo_team.svc_alerted"`);
    expect(text).not.toContain('/serving-endpoints');
  });
});
