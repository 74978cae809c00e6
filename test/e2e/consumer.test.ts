/**
 * wire_consumer end to end: the built server's prompt, generated from a live gateway in the sandbox, gives a
 * TypeScript snippet that really runs — the OpenAI SDK against the sandbox's OpenAI-compatible route — and its
 * request lands in the usage and payload tables with the MLflow trace id as client_request_id, which the
 * checklist's correlation item then sees. mlflow-tracing is not installable here, so a stand-in module gives
 * the active span; the OpenAI SDK, the HTTPS route and the tables are real.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox-contract.js';
import { startSandbox } from '../../src/sandbox/start-sandbox.js';
import { AGENT_SP, GATEWAY_SECRET } from '../../src/sandbox/seed/seed-catalog.js';
import { callOk, connect, REPO, type Connected } from '../support/mcp.js';
import { tempDir } from '../support/states.js';
import { connectWarehouse, type WarehouseClient } from '../support/warehouse.js';
import { eventually } from '../support/timers.js';

const GATEWAY = 'consumer-gateway';
let sandbox: Sandbox;
let server: Connected;
let raw: WarehouseClient;
let agent: Agent;

async function rest(method: 'POST', path: string, body: unknown) {
  const response = await request(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    dispatcher: agent,
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

const codeBlock = (text: string, language: string) => new RegExp('```' + language + '\\n([\\s\\S]*?)\\n```').exec(text)?.[1];

beforeAll(async () => {
  sandbox = await startSandbox({ rows: 5_000, configUpdateMs: 100 });
  agent = new Agent({ connect: { ca: sandbox.caCert } });
  raw = await connectWarehouse(sandbox);
  const created = await rest('POST', '/api/2.0/serving-endpoints', {
    name: GATEWAY,
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
      inference_table_config: { enabled: true, catalog_name: 'workshop', schema_name: 'skyloyalty_ops', table_name_prefix: 'consumer' },
    },
  });
  expect(created.status).toBe(200);
  server = await connect({
    env: { DATABRICKS_HOST: sandbox.url, DATABRICKS_TOKEN: sandbox.token, DATABRICKS_WAREHOUSE_ID: sandbox.warehouseId, NODE_EXTRA_CA_CERTS: sandbox.caCertPath },
  });
});

afterAll(async () => {
  await server?.close();
  await raw?.close();
  await agent?.close();
  await sandbox?.close();
});

async function whenReady(): Promise<void> {
  let attempt = 0;
  await eventually(() => rest('POST', `/serving-endpoints/${GATEWAY}/invocations`, { messages: [{ role: 'user', content: 'ping' }], client_request_id: `ready-${(attempt += 1)}` }), (answer) => answer.status === 200);
}

describe('wire_consumer', () => {
  it('gives base URLs on the live host and snippets for every client, each sending the trace id', async () => {
    const prompt = await server.client.getPrompt({ name: 'wire_consumer', arguments: { endpoint: GATEWAY } });
    const text = (prompt.messages[0]!.content as { text: string }).text;
    expect(text).toContain(`${sandbox.url}/serving-endpoints`);
    expect(text).toContain(`${sandbox.url}/serving-endpoints/anthropic`);
    expect(text).not.toContain('<workspace-host>');
    for (const language of ['python', 'typescript', 'sh']) expect(codeBlock(text, language), language).toBeDefined();
    expect(text.match(/client_request_id/g)!.length).toBeGreaterThan(3);
    expect(text).toMatch(/ANTHROPIC_BASE_URL=/);
    expect(text).toMatch(/langchain_openai/);
  });

  it('without a workspace, says the host is unknown instead of inventing one', async () => {
    const offline = await connect({ env: {} });
    try {
      const prompt = await offline.client.getPrompt({ name: 'wire_consumer', arguments: { endpoint: GATEWAY } });
      expect((prompt.messages[0]!.content as { text: string }).text).toMatch(/host is a placeholder: set DATABRICKS_HOST/);
    } finally {
      await offline.close();
    }
  });

  it('the TypeScript snippet runs against the sandbox, and its trace id lands as client_request_id', async () => {
    await whenReady();
    const prompt = await server.client.getPrompt({ name: 'wire_consumer', arguments: { endpoint: GATEWAY } });
    const snippet = codeBlock((prompt.messages[0]!.content as { text: string }).text, 'typescript')!;
    const dir = tempDir('aigw-snippet-');
    mkdirSync(path.join(dir, 'node_modules', 'mlflow-tracing'), { recursive: true });
    symlinkSync(path.join(REPO, 'node_modules', 'openai'), path.join(dir, 'node_modules', 'openai'), 'dir');
    writeFileSync(path.join(dir, 'node_modules', 'mlflow-tracing', 'package.json'), JSON.stringify({ name: 'mlflow-tracing', type: 'module', main: 'index.js' }));
    writeFileSync(path.join(dir, 'node_modules', 'mlflow-tracing', 'index.js'), 'export const getCurrentActiveSpan = () => (process.env.TRACE_ID ? { traceId: process.env.TRACE_ID } : undefined);\n');
    writeFileSync(path.join(dir, 'snippet.mjs'), snippet);
    const traceId = `tr-${Date.now().toString(16)}`;
    const { stdout } = await promisify(execFile)(process.execPath, ['snippet.mjs'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', DATABRICKS_TOKEN: sandbox.token, NODE_EXTRA_CA_CERTS: sandbox.caCertPath, TRACE_ID: traceId },
    });
    expect(stdout.trim()).toBe('Hello from the sandbox gateway.');
    const rows = await raw.query('SELECT requester, status_code FROM workshop.skyloyalty_ops.consumer_payload WHERE client_request_id = :id', { named: { id: traceId } });
    expect(rows).toEqual([{ requester: 'admin@example.com', status_code: 200 }]);
    const usage = await raw.query(
      `SELECT se.endpoint_name AS endpoint_name FROM system.serving.endpoint_usage AS u JOIN system.serving.served_entities AS se ON u.served_entity_id = se.served_entity_id WHERE u.client_request_id = :id`,
      { named: { id: traceId } },
    );
    expect(usage).toEqual([{ endpoint_name: GATEWAY }]);
  });

  it('a caller without the request id makes the correlation item fail, naming it; the payload table is visible', async () => {
    // A workspace admin service principal: a fresh endpoint is queryable by its creator and admins only.
    const agentSp = sandbox.addToken(AGENT_SP);
    const answer = await request(`${sandbox.url}/serving-endpoints/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agentSp}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: GATEWAY, messages: [{ role: 'user', content: 'no id' }] }),
      dispatcher: agent,
    });
    expect(answer.statusCode).toBe(200);
    await answer.body.text();
    const result = await callOk<{ checklist: Array<{ item: string; status: string; evidence: string; details?: Record<string, any> }> }>(server.client, 'validate_config', { endpoint: GATEWAY });
    const items = Object.fromEntries(result.checklist.map((e) => [e.item, e]));
    expect(items['request-id-correlation']).toMatchObject({ status: 'fail', evidence: expect.stringContaining(`callers below it: ${AGENT_SP} 0.0 % of 1`) });
    expect(items['inference-tables-visible']!.status).toBe('pass');
    expect(items['gateway-url']!.details!.requests_via_gateway).toBeGreaterThan(0);
  });
});
