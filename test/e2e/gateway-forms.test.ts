/**
 * The gateway forms a real workspace accepts, end to end through the built server against the sandbox (which
 * refuses what Databricks refuses): dedicated, attach and provisioned each plan and apply; what a workspace
 * lacks (a secret, a schema, a privilege, an eligible model, the right warehouse) is an actionable answer;
 * an apply that fails after the gateway exists says what was done and converges on a re-run.
 */
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_SP, OPS_GROUP } from '../../src/sandbox/seed/seed-catalog.js';
import { workshopBody } from '../support/bodies.js';
import { createSchemas, startHarness, type Harness } from '../sandbox/support.js';
import { callError, callOk, connect, textOf, type Connected } from '../support/mcp.js';
import { LLAMA, OPUS, SCENARIOS, SONNET, tempDir, writeYamlState } from '../support/states.js';

interface Result {
  status: string;
  plan: { action: string; changes: Array<{ path: string; to: unknown }>; warnings: string[] };
  plan_id?: string;
  endpoint?: { name: string; served_entities: Array<{ name?: string; entity_name?: string; external_model?: string; traffic_percentage?: number }> };
  findings?: Array<{ rule: string; severity: string; path: string; message: string; fix: string }>;
  incomplete?: { done: string[]; not_done: string[]; failed_step: string; recorded_incomplete: boolean; next: string };
  state_updates?: { changed: boolean };
}

const dir = tempDir('aigw-forms-');
const grants = { agent_service_principal: AGENT_SP, ops_group: OPS_GROUP };
let h: Harness;
let admin: Connected;

const envFor = (token: string) => ({ DATABRICKS_HOST: h.sandbox.url, DATABRICKS_TOKEN: token, NODE_EXTRA_CA_CERTS: h.sandbox.caCertPath, DATABRICKS_WAREHOUSE_ID: h.sandbox.warehouseId });

async function call(server: Connected, args: Record<string, unknown>): Promise<Result> {
  const result = await server.client.callTool({ name: 'create_gateway', arguments: args });
  if (result.isError) throw new Error(`create_gateway returned isError: ${textOf(result)}`);
  return result.structuredContent as unknown as Result;
}

async function planAndApply(server: Connected, args: Record<string, unknown>): Promise<Result> {
  const planned = await call(server, args);
  expect(planned.status).toBe('planned');
  return call(server, { ...args, mode: 'apply', plan_id: planned.plan_id });
}

async function live(name: string): Promise<Record<string, any> | undefined> {
  const got = await h.call('GET', `/api/2.0/serving-endpoints/${name}`);
  return got.status === 200 ? got.body : undefined;
}

beforeAll(async () => {
  h = await startHarness({ configUpdateMs: 150 });
  await createSchemas(h, 'workshop', ['gw_forms', 'gw_attach', 'gw_pt', 'gw_half', 'gw_denied']);
  admin = await connect({ cwd: dir, env: envFor(h.sandbox.addToken('admin@example.com')) });
});

afterAll(async () => {
  await admin?.close();
  await h?.close();
});

describe('gateway forms', () => {
  it('dedicated: an endpoint of its own holding only external models that wrap audited endpoints, the fallback at 0 %', async () => {
    const stateFile = writeYamlState(dir, 'dedicated', SCENARIOS.passing);
    const applied = await planAndApply(admin, { name: 'gw-dedicated', form: 'dedicated', token_secret: 'ai-gateway/fmapi-token', fallback: true, catalog: 'workshop', schema: 'gw_forms', grants, state_file: stateFile });
    expect(applied.status).toBe('applied');
    const endpoint = await live('gw-dedicated');
    const entities = endpoint?.config.served_entities as Array<Record<string, any>>;
    expect(entities.map((e) => e.external_model?.name)).toEqual([SONNET, OPUS]);
    expect(entities.every((e) => e.entity_name === undefined && e.external_model.provider === 'databricks-model-serving' && e.external_model.task === 'llm/v1/chat')).toBe(true);
    expect(entities.map((e) => e.external_model.databricks_model_serving_config.databricks_api_token)).toEqual(['{{secrets/ai-gateway/fmapi-token}}', '{{secrets/ai-gateway/fmapi-token}}']);
    expect(JSON.stringify(endpoint)).not.toMatch(/_plaintext/);
    expect(endpoint?.config.traffic_config.routes).toEqual([
      { served_entity_name: SONNET, traffic_percentage: 100 },
      { served_entity_name: OPUS, traffic_percentage: 0 },
    ]);
    expect(endpoint?.ai_gateway.fallback_config).toEqual({ enabled: true });
    const record = (load(readFileSync(stateFile, 'utf8')) as { Foundation: { f4_gateway: Record<string, unknown> } }).Foundation.f4_gateway;
    expect(record).toMatchObject({ endpoint_name: 'gw-dedicated', form: 'dedicated', status: 'applied', token_secret: 'ai-gateway/fmapi-token' });
    // The recorded form is the default from now on, and a repeat changes nothing.
    expect((await call(admin, { name: 'gw-dedicated', token_secret: 'ai-gateway/fmapi-token', fallback: true, catalog: 'workshop', schema: 'gw_forms', grants, state_file: stateFile })).status).toBe('unchanged');
  });

  it('attach: the gateway settings on the audited pay-per-token endpoint itself, with the shared-endpoint warning', async () => {
    const stateFile = writeYamlState(dir, 'attach', SCENARIOS.passing);
    const args = { form: 'attach', catalog: 'workshop', schema: 'gw_attach', grants, state_file: stateFile };
    const planned = await call(admin, args);
    expect(planned.status).toBe('planned');
    expect(planned.plan.action).toBe('update');
    expect(planned.plan.changes.some((c) => c.path.startsWith('/config'))).toBe(false);
    expect(planned.plan.warnings.join('\n')).toMatch(/shared by the whole workspace.*cannot carry fallbacks/s);
    const applied = await call(admin, { ...args, mode: 'apply', plan_id: planned.plan_id });
    expect(applied.status).toBe('applied');
    const endpoint = await live(SONNET);
    expect(endpoint?.ai_gateway.inference_table_config).toMatchObject({ enabled: true, catalog_name: 'workshop', schema_name: 'gw_attach', table_name_prefix: 'gw' });
    expect(endpoint?.config.served_entities[0].foundation_model).toBeDefined();
    const refused = await call(admin, { ...args, fallback: true });
    expect(refused.status).toBe('blocked');
    expect(refused.findings?.map((f) => f.path)).toContain('/fallback');
  });

  it('provisioned: the registered model the endpoint names, at an eligible version, in throughput chunks the reply gives', async () => {
    const stateFile = writeYamlState(dir, 'provisioned', SCENARIOS.passing);
    const applied = await planAndApply(admin, { name: 'gw-pt', form: 'provisioned', roles: ['summarizer'], provisioned_units: 2, catalog: 'workshop', schema: 'gw_pt', grants, state_file: stateFile });
    expect(applied.status).toBe('applied');
    const entity = (await live('gw-pt'))?.config.served_entities[0];
    // The endpoint's foundation_model.name, not a string edit of its name (which would give meta-llama-3-3-70b-instruct).
    expect(entity).toMatchObject({ entity_name: 'system.ai.llama_v3_3_70b_instruct', entity_version: '1', min_provisioned_throughput: 0, max_provisioned_throughput: 19_000 });
    expect(LLAMA).toBe('databricks-meta-llama-3-3-70b-instruct');
    expect(h.sandbox.requests.some((r) => r.method === 'POST' && r.path === '/api/2.0/serving-endpoints/pt')).toBe(false);
  });

  it('provisioned: a model-unit family gets model units in multiples of model_unit_chunk_size, created through /serving-endpoints/pt', async () => {
    const GPT = 'databricks-gpt-oss-120b';
    const pass = (SCENARIOS.passing.endpoint_guardrail_audit as Record<string, unknown>)[SONNET];
    const stateFile = writeYamlState(dir, 'provisioned-units', { llm_role_endpoints: { agent_chat: { endpoint: GPT, candidates: [GPT], selected_after_probe: true } }, endpoint_guardrail_audit: { [GPT]: pass } });
    const args = { name: 'gw-pt-units', form: 'provisioned', provisioned_units: 2, catalog: 'workshop', schema: 'gw_pt', table_name_prefix: 'units', grants, state_file: stateFile };
    const planned = await call(admin, args);
    expect(planned.plan.changes.find((c) => c.path === '/config/served_entities')?.to).toEqual([expect.objectContaining({ entity_name: 'system.ai.gpt-oss-120b', provisioned_model_units: 100 })]);
    const applied = await call(admin, { ...args, mode: 'apply', plan_id: planned.plan_id });
    expect(applied.status).toBe('applied');
    expect(h.sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/api/2.0/serving-endpoints/pt')).toHaveLength(1);
    expect((await live('gw-pt-units'))?.config.served_entities[0]).toMatchObject({ entity_name: 'system.ai.gpt-oss-120b', provisioned_model_units: 100 });
    expect((await call(admin, args)).status).toBe('unchanged');
    // More units: the config is replaced through PUT /serving-endpoints/pt/{name}/config, still in whole chunks.
    expect((await planAndApply(admin, { ...args, provisioned_units: 3 })).status).toBe('applied');
    expect(h.sandbox.requests.filter((r) => r.method === 'PUT' && r.path === '/api/2.0/serving-endpoints/pt/gw-pt-units/config')).toHaveLength(1);
    expect((await live('gw-pt-units'))?.config.served_entities[0]).toMatchObject({ provisioned_model_units: 150 });
  });

  it('provisioned: a model the workspace does not list as eligible is blocked, and nothing is created', async () => {
    const stateFile = writeYamlState(dir, 'not-eligible', SCENARIOS.passing);
    const blocked = await call(admin, { name: 'gw-pt-claude', form: 'provisioned', catalog: 'workshop', schema: 'gw_pt', grants, state_file: stateFile });
    expect(blocked.status).toBe('blocked');
    expect(blocked.findings).toEqual([expect.objectContaining({ rule: 'f4.gateway-form', message: expect.stringMatching(/system\.ai\.databricks-claude-sonnet-4-6 is not eligible for Provisioned Throughput/) })]);
    expect(await live('gw-pt-claude')).toBeUndefined();
  });
});

describe('what a workspace lacks is an actionable answer', () => {
  it('a missing secret: blocked with the put-secret command; a malformed reference: refused by the schema', async () => {
    const stateFile = writeYamlState(dir, 'no-secret', SCENARIOS.passing);
    const blocked = await call(admin, { name: 'gw-nosecret', token_secret: 'team-scope/missing-key', catalog: 'workshop', schema: 'gw_forms', grants, state_file: stateFile });
    expect(blocked.status).toBe('blocked');
    expect(blocked.findings).toEqual([expect.objectContaining({ path: '/token_secret', message: expect.stringMatching(/secret scope team-scope does not exist/), fix: expect.stringMatching(/databricks secrets put-secret team-scope missing-key/) })]);
    expect(await callError(admin.client, 'create_gateway', { name: 'gw-nosecret', token_secret: 'dapi0123456789abcdef0123456789abcdef', state_file: stateFile })).toMatch(/token_secret|"scope\/key"/);
    expect(await live('gw-nosecret')).toBeUndefined();
  });

  it('a missing schema (or catalog): blocked, naming the schema to create', async () => {
    const stateFile = writeYamlState(dir, 'no-schema', SCENARIOS.passing);
    for (const [catalog, schema] of [['workshop', 'no_such_schema'], ['no_such_catalog', 'ops']]) {
      const blocked = await call(admin, { name: 'gw-noschema', token_secret: 'ai-gateway/fmapi-token', catalog, schema, grants, state_file: stateFile });
      expect(blocked.status).toBe('blocked');
      expect(blocked.findings).toEqual([expect.objectContaining({ path: '/schema', message: expect.stringContaining(`${catalog}.${schema} does not exist`) })]);
    }
  });

  it('a caller without CREATE TABLE on the schema: the apply says which privilege and who grants it', async () => {
    // The agent service principal is a workspace admin (it may create endpoints) but holds only USE SCHEMA here.
    await h.call('PATCH', '/api/2.1/unity-catalog/permissions/schema/workshop.gw_denied', { body: { changes: [{ principal: AGENT_SP, add: ['USE_SCHEMA'] }] } });
    const server = await connect({ cwd: dir, env: envFor(h.sandbox.addToken(AGENT_SP)) });
    try {
      const stateFile = writeYamlState(dir, 'denied', SCENARIOS.passing);
      const args = { name: 'gw-denied', token_secret: 'ai-gateway/fmapi-token', catalog: 'workshop', schema: 'gw_denied', grants, state_file: stateFile };
      const planned = await call(server, args);
      const text = await callError(server.client, 'create_gateway', { ...args, mode: 'apply', plan_id: planned.plan_id });
      expect(text).toMatch(/does not have CREATE TABLE on Schema 'workshop\.gw_denied'/);
      expect(text).toMatch(/owner of its schema grants USE CATALOG, USE SCHEMA and CREATE TABLE/);
      expect(await live('gw-denied')).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('a warehouse id the workspace does not have: says so and how to find the right one', async () => {
    const text = await callError(admin.client, 'query_usage', { warehouse_id: 'feedfacefeedface' });
    expect(text).toMatch(/feedfacefeedface/);
    expect(text).toMatch(/warehouse/i);
    expect(text).toMatch(/HTTP path|connection details|DATABRICKS_WAREHOUSE_ID/);
  });

  it("the workshop's literal body is refused by the workspace API and by validate_config, each naming the field", async () => {
    const refused = await h.call('POST', '/api/2.0/serving-endpoints', { body: workshopBody() });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('served_entities[0].entity_name') });
    const validation = await callOk<{ valid: boolean; findings: Array<{ rule: string; path: string }> }>(admin.client, 'validate_config', { config: workshopBody() });
    expect(validation.valid).toBe(false);
    expect(validation.findings).toContainEqual(expect.objectContaining({ rule: 'api.entity-name-is-model', path: '/config/served_entities/0/entity_name' }));
  });
});

describe('an apply that fails halfway', () => {
  it('says what exists and what does not, records the gateway as incomplete, and converges on a re-run without creating twice', async () => {
    const server = admin;
    {
      const stateFile = writeYamlState(dir, 'half', SCENARIOS.passing);
      const args = { name: 'gw-half', token_secret: 'ai-gateway/fmapi-token', catalog: 'workshop', schema: 'gw_half', grants, state_file: stateFile };
      // The endpoint is created, then Unity Catalog fails the grants (a 500 no client retries).
      h.sandbox.faults.add({ kind: 'status', status: 500, times: 1, match: { method: 'PATCH', pathPrefix: '/api/2.1/unity-catalog/permissions' } });
      const first = await planAndApply(server, args);
      expect(first.status).toBe('incomplete');
      expect(first.incomplete).toMatchObject({ done: ['created gw-half'], not_done: ['grants', 'state file record'], failed_step: 'grants', recorded_incomplete: true });
      expect(first.incomplete?.next).toMatch(/plan gw-half again/);
      const recorded = (load(readFileSync(stateFile, 'utf8')) as { Foundation: { f4_gateway: Record<string, unknown> } }).Foundation.f4_gateway;
      expect(recorded).toMatchObject({ endpoint_name: 'gw-half', status: 'incomplete', incomplete_step: 'grants' });
      expect(await live('gw-half')).toBeDefined();

      // Unity Catalog recovers; the next plan lists only what is missing, and the apply finishes the job.
      const again = await call(server, args);
      expect(again.plan.action).toBe('none');
      expect(again.plan.changes.map((c) => c.path)).toEqual(expect.arrayContaining(['/state/Foundation/f4_gateway', `/grants/schema/workshop.gw_half/${AGENT_SP}`]));
      const second = await call(server, { ...args, mode: 'apply', plan_id: again.plan_id });
      expect(second.status).toBe('applied');
      const list = (await h.call('GET', '/api/2.0/serving-endpoints')).body.endpoints as Array<{ name: string }>;
      expect(list.filter((e) => e.name === 'gw-half')).toHaveLength(1);
      expect((load(readFileSync(stateFile, 'utf8')) as { Foundation: { f4_gateway: Record<string, unknown> } }).Foundation.f4_gateway).toMatchObject({ status: 'applied' });
    }
  });
});
