/**
 * The Unity AI Gateway target end to end, through the built server against the sandbox (which checks model and
 * MCP services as a workspace does): a model service planned, applied, re-planned unchanged, updated by PATCH
 * with its etag; a concurrent change caught; fallbacks only from passing candidates; explicit grants; an MCP
 * service registered with its URL; what cannot be done is blocked with nothing changed.
 */
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_SP, OPS_GROUP } from '../../src/sandbox/seed/seed-catalog.js';
import { createSchemas, startHarness, type Harness } from '../sandbox/support.js';
import { callError, connect, textOf, type Connected } from '../support/mcp.js';
import { OPUS, SCENARIOS, SONNET, tempDir, writeYamlState, type State } from '../support/states.js';

interface Result {
  target?: string;
  status: string;
  plan: { action: string; changes: Array<{ path: string; from: unknown; to: unknown }>; warnings: string[] };
  plan_id?: string;
  endpoint?: { name: string; served_entities: Array<{ entity_name?: string; traffic_percentage?: number }>; client?: { openai_base_url: string; anthropic_base_url: string; model: string }; mcp_services?: Array<{ name: string; url: string }> };
  grants?: Array<{ securable: string; full_name: string; principal: string; privileges: string[] }>;
  findings?: Array<{ rule: string; severity: string; path: string; message: string; fix: string }>;
}

const GPT = 'databricks-gpt-oss-120b';
const MAVERICK = 'databricks-llama-4-maverick';
const EMBED = 'databricks-gte-large-en';
const recent = new Date(Date.now() - 86_400_000).toISOString();
const pass = { short_chat_ok: true, streaming_ok: true, long_context_ok: true, accepted_min_context_chars: 200_000, audited_at: recent };
/** agent_chat bound to Sonnet; of its other candidates the embedding endpoint fails its probe, two pass. */
const state = (candidates: string[] = [SONNET, EMBED, GPT, MAVERICK], extraPassing: string[] = []): State => ({
  llm_role_endpoints: { agent_chat: { endpoint: SONNET, candidates, selected_after_probe: true } },
  endpoint_guardrail_audit: Object.fromEntries([[SONNET, pass], [EMBED, { ...pass, short_chat_ok: false }], [GPT, pass], [MAVERICK, pass], ...extraPassing.map((e) => [e, pass])]),
});

const dir = tempDir('aigw-unity-');
const grants = { agent_service_principal: AGENT_SP, ops_group: OPS_GROUP };
let h: Harness;
let admin: Connected;

async function call(args: Record<string, unknown>, server = admin): Promise<Result> {
  const result = await server.client.callTool({ name: 'create_gateway', arguments: args });
  if (result.isError) throw new Error(`create_gateway returned isError: ${textOf(result)}`);
  return result.structuredContent as unknown as Result;
}

async function service(fullName: string): Promise<Record<string, any> | undefined> {
  const got = await h.call('GET', `/api/2.1/unity-catalog/model-services/${fullName}`);
  return got.status === 200 ? got.body : undefined;
}

const envFor = (harness: Harness) => ({ DATABRICKS_HOST: harness.sandbox.url, DATABRICKS_TOKEN: harness.sandbox.token, NODE_EXTRA_CA_CERTS: harness.sandbox.caCertPath, DATABRICKS_WAREHOUSE_ID: harness.sandbox.warehouseId });

beforeAll(async () => {
  h = await startHarness();
  await createSchemas(h, 'workshop', ['unity_gw', 'unity_mcp', 'unity_bad', 'unity_roles']);
  admin = await connect({ cwd: dir, env: envFor(h) });
});

afterAll(async () => {
  await admin?.close();
  await h?.close();
});

describe('model service target', () => {
  const stateFile = () => writeYamlState(dir, 'unity', state());
  let file: string;
  const args = () => ({ name: 'agents', fallback: true, catalog: 'workshop', schema: 'unity_gw', grants, state_file: file });

  it('a first run picks model_service because the workspace answers its API, and applies it the F4 way', async () => {
    file = stateFile();
    const planned = await call(args());
    expect(planned).toMatchObject({ status: 'planned', target: 'model_service', plan: { action: 'create' } });
    expect(planned.plan.warnings[0]).toMatch(/Target model_service.*answers the model-services API/);
    expect(planned.plan.warnings.join('\n')).toMatch(/service policies/);
    // Not created yet: the workspace answers a bare NOT_FOUND, which means "create it", not "no API".
    expect((await h.call('GET', '/api/2.1/unity-catalog/model-services/workshop.unity_gw.agents')).body.error_code).toBe('NOT_FOUND');

    const applied = await call({ ...args(), mode: 'apply', plan_id: planned.plan_id });
    expect(applied.status).toBe('applied');
    const live = await service('workshop.unity_gw.agents');
    // Destinations from the bound endpoint only; fallbacks are the passing candidates in audit order (the
    // embedding endpoint failed its probe and is left out).
    // Registered-model names as the workspace gives them: Sonnet's from its endpoint's foundation_model.name (with
    // the databricks- infix), GPT OSS's likewise (without), Maverick's (no endpoint) from the built-in service
    // system.ai.llama-4-maverick's destination. The GET adds is_deleted, the table and int64 strings.
    const ppt = (name: string) => ({ name, destination_type: 'DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL', pay_per_token_config: { model: `models/system.ai.${name}` }, is_deleted: false });
    expect(live?.config.routing).toEqual({ destinations: [ppt('databricks-claude-sonnet-4-6')], fallback: { destinations: [ppt('gpt-oss-120b'), ppt('llama-4-maverick')] } });
    expect(live?.config.rate_limits).toEqual([
      { key: 'RATE_LIMIT_KEY_SERVICE', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: '120' },
      { key: 'RATE_LIMIT_KEY_USER_DEFAULT', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: '20' },
    ]);
    expect(live?.config.inference_table).toEqual({ parent: 'schemas/workshop.unity_gw', table_name_prefix: 'gw', table: 'tables/workshop.unity_gw.gw_payload' });
    expect(h.warehouse.payloadTables).toContainEqual({ catalog: 'workshop', schema: 'unity_gw', prefix: 'gw', endpointName: 'agents' });
    expect(applied.endpoint?.client).toEqual({ openai_base_url: `${h.sandbox.url}/ai-gateway/mlflow/v1`, anthropic_base_url: `${h.sandbox.url}/ai-gateway/anthropic`, model: 'workshop.unity_gw.agents' });

    // Grants are explicit: EXECUTE on the service, the F2 privileges on catalog and schema, never ALL_PRIVILEGES.
    const onService = (await h.call('GET', '/api/2.1/unity-catalog/permissions/model_service/workshop.unity_gw.agents')).body.privilege_assignments;
    expect(onService).toEqual(expect.arrayContaining([{ principal: AGENT_SP, privileges: ['EXECUTE'] }, { principal: OPS_GROUP, privileges: ['EXECUTE'] }]));
    const onSchema = (await h.call('GET', '/api/2.1/unity-catalog/permissions/schema/workshop.unity_gw')).body.privilege_assignments;
    expect(onSchema).toEqual(expect.arrayContaining([{ principal: AGENT_SP, privileges: ['MODIFY', 'SELECT', 'USE_SCHEMA'] }, { principal: OPS_GROUP, privileges: ['SELECT', 'USE_SCHEMA'] }]));
    expect(JSON.stringify(applied.grants)).not.toMatch(/ALL_PRIVILEGES/);

    const record = (load(readFileSync(file, 'utf8')) as { Foundation: { f4_gateway: Record<string, unknown> } }).Foundation.f4_gateway;
    expect(record).toMatchObject({ target: 'model_service', service_name: 'workshop.unity_gw.agents', destinations: ['system.ai.databricks-claude-sonnet-4-6'], fallback_destinations: ['system.ai.gpt-oss-120b', 'system.ai.llama-4-maverick'] });

    // The recorded target is kept; a repeat changes nothing.
    const again = await call(args());
    expect(again).toMatchObject({ status: 'unchanged', target: 'model_service' });
    expect(again.plan.warnings.join('\n')).not.toMatch(/Target model_service/);
  });

  it('an update is a PATCH of the changed fields with the etag; a change made between plan and apply is caught', async () => {
    const before = await service('workshop.unity_gw.agents');
    const slower = { ...args(), rate_limits: [{ key: 'endpoint', calls: 60 }, { key: 'user', calls: 10 }] };
    const planned = await call(slower);
    expect(planned).toMatchObject({ status: 'planned', plan: { action: 'update' } });
    expect(planned.plan.changes.map((c) => c.path)).toEqual(['/config/rate_limits']);
    expect(planned.plan.warnings.join('\n')).toMatch(/update_mask=config\.rate_limits/);

    // Someone changes the service after the plan: its etag moves, and the plan no longer holds.
    const comment = await h.call('PATCH', `/api/2.1/unity-catalog/model-services/workshop.unity_gw.agents?update_mask=comment&etag=${before?.etag}`, { body: { comment: 'edited by hand' } });
    expect(comment.status).toBe(200);
    const refused = await callError(admin.client, 'create_gateway', { ...slower, mode: 'apply', plan_id: planned.plan_id });
    expect(refused).toMatch(/stale|changed/i);
    expect((await service('workshop.unity_gw.agents'))?.config.rate_limits[0].requests).toBe('120');

    const replanned = await call(slower);
    const applied = await call({ ...slower, mode: 'apply', plan_id: replanned.plan_id });
    expect(applied.status).toBe('applied');
    const after = await service('workshop.unity_gw.agents');
    expect(after?.config.rate_limits.map((l: { requests: string }) => Number(l.requests))).toEqual([60, 10]);
    expect(after?.comment).toBe('edited by hand');
    expect(after?.etag).not.toBe(comment.body.etag);
    expect(h.sandbox.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/model-services/workshop.unity_gw.agents'))).toHaveLength(2);
    expect((await call(slower)).status).toBe('unchanged');
  });

  it('a fallback change PATCHes only the leaf fallback path, never config.routing or the immutable inference table', async () => {
    const patches = () => h.sandbox.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/model-services/workshop.unity_gw.agents'));
    const seen = patches().length;
    const limits = [{ key: 'endpoint', calls: 60 }, { key: 'user', calls: 10 }];
    for (const fallback of [false, true]) {
      const planned = await call({ ...args(), fallback, rate_limits: limits });
      expect(planned.plan.changes.map((c) => c.path).filter((p) => p.startsWith('/config'))).toEqual([fallback ? '/config/routing/fallback/destinations' : '/config/routing/fallback']);
      expect(planned.plan.warnings.join('\n')).toMatch(/update_mask=config\.routing\.fallback\.destinations with/);
      expect((await call({ ...args(), fallback, rate_limits: limits, mode: 'apply', plan_id: planned.plan_id })).status).toBe('applied');
      expect((await call({ ...args(), fallback, rate_limits: limits })).status).toBe('unchanged');
    }
    const sent = patches().slice(seen).map((r) => new URLSearchParams(r.query).get('update_mask'));
    expect(sent).toEqual(['config.routing.fallback.destinations', 'config.routing.fallback.destinations']);
    expect(patches().map((r) => new URLSearchParams(r.query).get('update_mask')).join(',')).not.toMatch(/config\.inference_table|config\.routing(,|$)/);
  });

  it('an immutable inference-table change is blocked with a delete-and-recreate finding, and nothing changes', async () => {
    const blocked = await call({ ...args(), table_name_prefix: 'agents' });
    expect(blocked.status).toBe('blocked');
    expect(blocked.findings).toContainEqual(expect.objectContaining({ rule: 'unity.inference-table-immutable', path: '/config/inference_table/table_name_prefix', fix: expect.stringMatching(/delete the model service and recreate it/) }));
    expect((await service('workshop.unity_gw.agents'))?.config.inference_table.table_name_prefix).toBe('gw');
  });
});

describe('every audited role behind one service', () => {
  it('routes each role to the registered model its endpoint names, splits traffic, and re-plans unchanged', async () => {
    const file = writeYamlState(dir, 'roles', SCENARIOS.passing);
    const roleArgs = { name: 'roles', target: 'model_service', roles: ['agent_chat', 'summarizer'], catalog: 'workshop', schema: 'unity_roles', grants, state_file: file };
    const planned = await call(roleArgs);
    expect(planned.status).toBe('planned');
    expect((await call({ ...roleArgs, mode: 'apply', plan_id: planned.plan_id })).status).toBe('applied');
    const live = await service('workshop.unity_roles.roles');
    expect(live?.config.routing.destinations.map((d: { pay_per_token_config: { model: string }; traffic_percentage: number }) => [d.pay_per_token_config.model, d.traffic_percentage])).toEqual([
      ['models/system.ai.databricks-claude-sonnet-4-6', 50],
      // Llama 3.3's registered model is llama_v3_3_70b_instruct: no string edit of databricks-meta-llama-3-3-70b-instruct gives it.
      ['models/system.ai.llama_v3_3_70b_instruct', 50],
    ]);
    expect(live?.supported_api_types).toEqual(['anthropic/v1/messages']);
    expect((await call(roleArgs)).status).toBe('unchanged');
  });

  it('an audited Provisioned Throughput endpoint is routed to the system.ai model it serves, as its GET names it', async () => {
    const PT = 'support-bot-gateway';
    const file = writeYamlState(dir, 'pt-role', { llm_role_endpoints: { agent_chat: { endpoint: PT, candidates: [PT], selected_after_probe: true } }, endpoint_guardrail_audit: { [PT]: pass } });
    const planned = await call({ name: 'pt_role', target: 'model_service', catalog: 'workshop', schema: 'unity_roles', grants, state_file: file });
    expect(planned.plan.changes.find((c) => c.path === '/config/routing/destinations')?.to).toEqual([expect.objectContaining({ pay_per_token_config: { model: 'models/system.ai.llama_v3_3_70b_instruct' } })]);
  });
});

describe('rate limits beyond F4', () => {
  it('a request-tag limit maps to RATE_LIMIT_KEY_REQUEST_TAG on a model service, and is refused on a serving endpoint', async () => {
    const file = writeYamlState(dir, 'tagged', state());
    const rate_limits = [{ key: 'endpoint', calls: 120 }, { key: 'request_tag', tokens: 50_000, request_tag_key: 'project', request_tag_value: 'loyalty' }];
    const planned = await call({ name: 'tagged', target: 'model_service', rate_limits, catalog: 'workshop', schema: 'unity_bad', grants, state_file: file });
    expect(planned.status).toBe('planned');
    expect(planned.plan.changes.find((c) => c.path === '/config/rate_limits')?.to).toEqual([
      { key: 'RATE_LIMIT_KEY_SERVICE', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 120 },
      { key: 'RATE_LIMIT_KEY_REQUEST_TAG', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', tokens: 50_000, request_tag_key: 'project', request_tag_value: 'loyalty' },
    ]);
    const refused = await call({ name: 'tagged-ep', target: 'serving_endpoint', form: 'dedicated', token_secret: 'ai-gateway/fmapi-token', rate_limits, catalog: 'workshop', schema: 'unity_bad', grants, state_file: file });
    expect(refused.status).toBe('blocked');
    expect(refused.findings?.map((f) => f.path)).toContain('/rate_limits/1/key');
  });
});

describe('what a model service cannot take is blocked, nothing created', () => {
  it('a passing candidate whose model system.ai does not list', async () => {
    const file = writeYamlState(dir, 'unlisted', state([SONNET, OPUS], [OPUS]));
    const blocked = await call({ name: 'unlisted', target: 'model_service', fallback: true, catalog: 'workshop', schema: 'unity_bad', grants, state_file: file });
    expect(blocked.status).toBe('blocked');
    expect(blocked.findings).toContainEqual(expect.objectContaining({ severity: 'error', path: `/served/${OPUS}`, message: expect.stringMatching(/names system\.ai\.databricks-claude-opus-4-5, but the workspace does not list it|does not list system\.ai\.databricks-claude-opus-4-5/), fix: expect.stringMatching(/GET \/api\/2\.1\/unity-catalog\/models\?catalog_name=system&schema_name=ai/) }));
    expect(await service('workshop.unity_bad.unlisted')).toBeUndefined();
  });

  it('more than 5 passing fallbacks', async () => {
    const many = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `databricks-model-${x}`);
    const file = writeYamlState(dir, 'many', state([SONNET, ...many], many));
    const blocked = await call({ name: 'many', target: 'model_service', fallback: true, catalog: 'workshop', schema: 'unity_bad', grants, state_file: file });
    expect(blocked.findings).toContainEqual(expect.objectContaining({ rule: 'unity.fallbacks', path: '/config/routing/fallback/destinations' }));
    // An endpoint the workspace does not know is blocked naming the calls that would settle it.
    expect(blocked.findings).toContainEqual(expect.objectContaining({ rule: 'f4.audited-entities', path: '/served/databricks-model-a', message: expect.stringMatching(/GET \/api\/2\.0\/serving-endpoints\/databricks-model-a.*system\.ai\.model-a/) }));
    expect(await service('workshop.unity_bad.many')).toBeUndefined();
  });
});

describe('MCP services through the gateway', () => {
  it('registers an MCP service over a UC HTTP connection, with its URL and EXECUTE granted', async () => {
    const file = writeYamlState(dir, 'mcp', state());
    const args = { name: 'tools_gw', target: 'model_service', catalog: 'workshop', schema: 'unity_mcp', grants, state_file: file, mcp_services: [{ name: 'github', connection: 'workshop.skyloyalty_ops.github_mcp', include_tools: ['search_*'], requests_per_minute: 30 }] };
    const planned = await call(args);
    expect(planned.plan.changes.map((c) => c.path)).toContain('/mcp_services/github');
    const applied = await call({ ...args, mode: 'apply', plan_id: planned.plan_id });
    expect(applied.endpoint?.mcp_services).toEqual([{ name: 'workshop.unity_mcp.github', url: `${h.sandbox.url}/ai-gateway/mcp-services/workshop.unity_mcp.github` }]);
    const listed = await h.call('GET', '/api/2.1/unity-catalog/mcp-services?parent=schemas/workshop.unity_mcp');
    expect(listed.body.mcp_services).toEqual([
      expect.objectContaining({
        name: 'mcp-services/workshop.unity_mcp.github',
        config: { source_connection: { name: 'connections/workshop.skyloyalty_ops.github_mcp' }, include_tool_selectors: ['search_*'], rate_limits: [{ key: 'RATE_LIMIT_KEY_SERVICE', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 30 }] },
      }),
    ]);
    const onMcp = (await h.call('GET', '/api/2.1/unity-catalog/permissions/mcp_service/workshop.unity_mcp.github')).body.privilege_assignments;
    expect(onMcp).toEqual(expect.arrayContaining([{ principal: AGENT_SP, privileges: ['EXECUTE'] }]));
    expect((await call(args)).status).toBe('unchanged');
  });

  it('a missing connection is blocked with what to create', async () => {
    const file = writeYamlState(dir, 'mcp-missing', state());
    const blocked = await call({ name: 'tools_missing', target: 'model_service', catalog: 'workshop', schema: 'unity_mcp', grants, state_file: file, mcp_services: [{ name: 'jira', connection: 'jira_mcp' }] });
    expect(blocked.status).toBe('blocked');
    expect(blocked.findings).toContainEqual(expect.objectContaining({ rule: 'unity.mcp-connection', message: expect.stringMatching(/workshop\.unity_mcp\.jira_mcp does not exist/), fix: expect.stringMatching(/CREATE CONNECTION jira_mcp TYPE HTTP/) }));
    expect(await service('workshop.unity_mcp.tools_missing')).toBeUndefined();
  });
});

describe('validate_config on Unity AI Gateway bodies', () => {
  it('lints the live model service body by its shape, and an MCP body by target', async () => {
    const live = await service('workshop.unity_gw.agents');
    const clean = (await admin.client.callTool({ name: 'validate_config', arguments: { config: { config: live?.config } } })).structuredContent as { valid: boolean; findings: Array<{ rule: string; severity: string }> };
    expect(clean.valid).toBe(true);
    expect(clean.findings.map((f) => f.rule)).toEqual(['f4.guardrails']);
    const broken = { config: { ...live?.config, inference_table: { parent: 'schemas/workshop.unity_gw', table_name_prefix: 'gw_' } } };
    const refused = (await admin.client.callTool({ name: 'validate_config', arguments: { config: broken } })).structuredContent as { valid: boolean; findings: Array<{ rule: string }> };
    expect(refused.valid).toBe(false);
    expect(refused.findings.map((f) => f.rule)).toContain('f4.table-prefix');
    const mcp = (await admin.client.callTool({ name: 'validate_config', arguments: { target: 'mcp_service', config: { config: { source_connection: { name: 'github' } } } } })).structuredContent as { valid: boolean; findings: Array<{ path: string }> };
    expect(mcp.findings.map((f) => f.path)).toEqual(['/config/source_connection/name']);
  });
});

describe('a workspace without Unity AI Gateway', () => {
  it('target model_service is a clear error naming how to enable it or use serving_endpoint', async () => {
    const off = await startHarness({ unityGateway: false });
    const server = await connect({ cwd: dir, env: envFor(off) });
    try {
      const file = writeYamlState(dir, 'off', state());
      const text = await callError(server.client, 'create_gateway', { name: 'agents', target: 'model_service', catalog: 'workshop', schema: 'skyloyalty_ops', grants, state_file: file });
      expect(text).toMatch(/does not answer the Unity AI Gateway API \(target model_service\)/);
      expect(text).toMatch(/enable the Unity AI Gateway preview.*target "serving_endpoint"/);
      // Without a target, a first run there falls back to a serving endpoint and says why.
      const fallback = await call({ name: 'agents', catalog: 'workshop', schema: 'skyloyalty_ops', grants, state_file: file }, server);
      expect(fallback.status).toBe('blocked');
      expect(fallback.findings).toContainEqual(expect.objectContaining({ rule: 'gateway.target', severity: 'info', message: expect.stringMatching(/Target serving_endpoint.*does not answer the Unity AI Gateway/) }));
      expect(fallback.findings?.map((f) => f.path)).toContain('/token_secret');
      // The provisioned form still resolves names there: a missing built-in service API is no answer, not an error.
      const maverick = writeYamlState(dir, 'off-pt', { llm_role_endpoints: { agent_chat: { endpoint: MAVERICK, candidates: [MAVERICK], selected_after_probe: true } }, endpoint_guardrail_audit: { [MAVERICK]: pass } });
      const pt = await call({ name: 'off-pt', form: 'provisioned', catalog: 'workshop', schema: 'skyloyalty_ops', grants, state_file: maverick }, server);
      expect(pt.status).toBe('blocked');
      expect(pt.findings).toContainEqual(expect.objectContaining({ path: `/served/${MAVERICK}`, message: expect.stringMatching(/GET \/api\/2\.0\/serving-endpoints\/databricks-llama-4-maverick/) }));
    } finally {
      await server.close();
      await off.close();
    }
  });
});
