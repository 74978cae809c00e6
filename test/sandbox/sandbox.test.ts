/**
 * The two halves together, through the real clients: a REST change (inference tables enabled) produces a
 * payload table the unmodified SQL driver can query, over the same HTTPS origin and CA.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox-contract.js';
import { startSandbox } from '../../src/sandbox/start-sandbox.js';
import { connectWarehouse } from '../support/warehouse.js';

let sandbox: Sandbox;
let agent: Agent;

beforeAll(async () => {
  sandbox = await startSandbox({ rows: 2_000 });
  agent = new Agent({ connect: { ca: readFileSync(sandbox.caCertPath, 'utf8') } });
});
afterAll(async () => {
  await agent.close();
  await sandbox.close();
});

it('enabling inference tables over REST creates a payload table the SQL driver can read', async () => {
  const response = await request(`${sandbox.url}/api/2.0/serving-endpoints/support-bot-gateway/ai-gateway`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      usage_tracking_config: { enabled: true },
      inference_table_config: { enabled: true, catalog_name: 'ml', schema_name: 'gateway', table_name_prefix: 'support_bot' },
    }),
    dispatcher: agent,
  });
  expect(response.statusCode).toBe(200);
  await response.body.dump();

  const sql = await connectWarehouse(sandbox);
  try {
    await expect(sql.query('SELECT count(*) AS n FROM ml.gateway.never_enabled_payload')).rejects.toThrow();
    const rows = await sql.query('SELECT count(*) AS n FROM ml.gateway.support_bot_payload');
    expect(rows).toHaveLength(1);
    const seeded = await sql.query('SELECT count(*) AS n FROM workshop.skyloyalty_ops.gw_payload');
    expect(Number(seeded[0]?.n)).toBeGreaterThan(0);
  } finally {
    await sql.close();
  }
});

/** Calls the sandbox's REST API as the admin and returns the status. */
async function adminCall(method: 'POST' | 'PUT', path: string, body: unknown): Promise<number> {
  const response = await request(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    dispatcher: agent,
  });
  await response.body.dump();
  return response.statusCode;
}

it("a payload table whose names hold '-' (valid in Unity Catalog) is created and read back-quoted", async () => {
  expect(await adminCall('POST', '/api/2.1/unity-catalog/catalogs', { name: 'ml-prod' })).toBe(200);
  expect(await adminCall('POST', '/api/2.1/unity-catalog/schemas', { catalog_name: 'ml-prod', name: 'gate-way' })).toBe(200);
  const response = await request(`${sandbox.url}/api/2.0/serving-endpoints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'hyphen-gateway',
      config: { served_entities: [{ entity_name: 'system.ai.gpt-oss-120b', entity_version: '1', provisioned_model_units: 50 }] },
      ai_gateway: { inference_table_config: { enabled: true, catalog_name: 'ml-prod', schema_name: 'gate-way', table_name_prefix: 'hy-phen' } },
    }),
    dispatcher: agent,
  });
  expect(response.statusCode).toBe(200);
  await response.body.dump();

  const sql = await connectWarehouse(sandbox);
  try {
    expect(await sql.query('SELECT count(*) AS n FROM `ml-prod`.`gate-way`.`hy-phen_payload`')).toEqual([{ n: 0 }]);
  } finally {
    await sql.close();
  }
});
