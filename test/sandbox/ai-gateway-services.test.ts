/**
 * Unity AI Gateway services in the sandbox, as strict as a workspace: model services and MCP services in Unity
 * Catalog with their validation, etags, immutable inference tables, privileges and Databricks error bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_SP } from '../../src/sandbox/seed/seed-catalog.js';
import { createSchemas, startHarness, type Harness } from './support.js';

const BASE = '/api/2.1/unity-catalog/model-services';
const MCP = '/api/2.1/unity-catalog/mcp-services';
let h: Harness;

const payPerToken = (model: string, name = model) => ({ name, destination_type: 'DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL', pay_per_token_config: { model: `models/system.ai.${model}` } });
const service = (extra: Record<string, unknown> = {}) => ({
  config: {
    routing: { destinations: [payPerToken('databricks-claude-sonnet-4-6', 'sonnet')], fallback: { destinations: [payPerToken('gpt-oss-120b')] } },
    rate_limits: [{ key: 'RATE_LIMIT_KEY_SERVICE', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 600 }],
    inference_table: { parent: 'schemas/workshop.svc', table_name_prefix: 'gw' },
    ...extra,
  },
});
const create = (id: string, body: unknown, token?: string) => h.call('POST', `${BASE}?parent=schemas/workshop.svc&model_service_id=${id}`, { body, ...(token ? { token } : {}) });

beforeAll(async () => {
  h = await startHarness();
  await createSchemas(h, 'workshop', ['svc']);
});
afterAll(async () => h?.close());

describe('model services', () => {
  it('create, get, list and an inference table in its parent schema', async () => {
    const created = await create('chat', service());
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'model-services/workshop.svc.chat', effective_owner: 'admin@example.com' });
    expect(typeof created.body.etag).toBe('string');
    expect(h.warehouse.payloadTables).toContainEqual({ catalog: 'workshop', schema: 'svc', prefix: 'gw', endpointName: 'chat' });
    expect((await h.call('GET', `${BASE}/workshop.svc.chat`)).body.etag).toBe(created.body.etag);
    expect((await create('chat', service())).body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    await create('chat2', service({ inference_table: undefined }));
    const page = await h.call('GET', `${BASE}?parent=schemas/workshop.svc&page_size=1`);
    expect(page.body.model_services.map((s: { name: string }) => s.name)).toEqual(['model-services/workshop.svc.chat']);
    const rest = await h.call('GET', `${BASE}?parent=schemas/workshop.svc&page_size=1&page_token=${page.body.next_page_token}`);
    expect(rest.body.model_services.map((s: { name: string }) => s.name)).toEqual(['model-services/workshop.svc.chat2']);
    expect((await h.call('GET', BASE)).body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/parent/) });
  });

  it.each([
    ['an unlisted model', { routing: { destinations: [payPerToken('no-such-model')] } }, /does not exist in Unity Catalog/],
    ['11 destinations', { routing: { destinations: Array.from({ length: 11 }, (_, i) => payPerToken('gpt-oss-120b', `d${i}`)) } }, /1 to 10 destinations/],
    ['6 fallbacks', { routing: { destinations: [payPerToken('gpt-oss-120b')], fallback: { destinations: Array.from({ length: 6 }, (_, i) => payPerToken('gpt-oss-120b', `f${i}`)) } } }, /at most 5 fallback/],
    ['two config kinds', { routing: { destinations: [{ ...payPerToken('gpt-oss-120b'), provisioned_throughput_config: { model_serving_endpoint: 'serving-endpoints/x' } }] } }, /exactly one of/],
    ['a bad rate-limit key', { routing: { destinations: [payPerToken('gpt-oss-120b')] }, rate_limits: [{ key: 'RATE_LIMIT_KEY_ENDPOINT', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 1 }] }, /must be one of/],
    ['a user limit without principal', { routing: { destinations: [payPerToken('gpt-oss-120b')] }, rate_limits: [{ key: 'RATE_LIMIT_KEY_USER', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_HOUR', tokens: 1 }] }, /requires principal/],
    ['guardrails as a field', { routing: { destinations: [payPerToken('gpt-oss-120b')] }, guardrails: {} }, /service policies/],
  ])('refuses %s', async (_label, config, message) => {
    const refused = await create('bad', { config });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(message) });
  });

  it('PATCH with update_mask and etag; a stale etag and an immutable inference table are refused; DELETE takes the etag', async () => {
    const created = await create('patched', service());
    const etag = created.body.etag as string;
    const limits = [{ key: 'RATE_LIMIT_KEY_USER_DEFAULT', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 60 }];
    const patched = await h.call('PATCH', `${BASE}/workshop.svc.patched?update_mask=config.rate_limits&etag=${etag}`, { body: { config: { rate_limits: limits } } });
    expect(patched.status).toBe(200);
    // int64 members come back as strings (proto3 JSON), as from a workspace.
    expect(patched.body.config.rate_limits).toEqual([{ ...limits[0], requests: '60' }]);
    expect(patched.body.config.routing.destinations).toHaveLength(1);
    expect(patched.body.etag).not.toBe(etag);
    const stale = await h.call('PATCH', `${BASE}/workshop.svc.patched?update_mask=comment&etag=${etag}`, { body: { comment: 'x' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error_code).toBe('ABORTED');
    expect((await h.call('PATCH', `${BASE}/workshop.svc.patched?update_mask=*`, { body: {} })).status).toBe(400);
    const moved = await h.call('PATCH', `${BASE}/workshop.svc.patched?update_mask=config.inference_table`, { body: { config: { inference_table: { parent: 'schemas/workshop.svc', table_name_prefix: 'other' } } } });
    expect(moved.body.message).toMatch(/immutable/);
    expect((await h.call('DELETE', `${BASE}/workshop.svc.patched?etag=${etag}`)).status).toBe(409);
    expect((await h.call('DELETE', `${BASE}/workshop.svc.patched?etag=${patched.body.etag}`)).status).toBe(200);
    expect((await h.call('GET', `${BASE}/workshop.svc.patched`)).body.error_code).toBe('NOT_FOUND');
  });

  it('GET adds output-only fields a plan must ignore: the table, is_deleted, API types derived from the destinations', async () => {
    const got = (await h.call('GET', `${BASE}/workshop.svc.chat`)).body;
    expect(got.config.inference_table).toEqual({ parent: 'schemas/workshop.svc', table_name_prefix: 'gw', table: 'tables/workshop.svc.gw_payload' });
    expect(got.config.routing.destinations[0]).toMatchObject({ name: 'sonnet', is_deleted: false });
    expect(got.config.rate_limits[0].requests).toBe('600');
    expect(got.supported_api_types).toEqual(['anthropic/v1/messages']);
    expect(got).toMatchObject({ created_by: 'admin@example.com', updated_by: 'admin@example.com', create_time: expect.any(String) });
  });

  it.each([['config.routing'], ['config'], ['config.routing.first_token_timeout']])('refuses the intermediate or unsupported mask %s as a workspace does', async (mask) => {
    const refused = await h.call('PATCH', `${BASE}/workshop.svc.chat?update_mask=${mask}`, { body: service() });
    expect(refused.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: `Field '${mask}' is not yet supported` });
  });

  it('takes the leaf fallback path alone, leaving the primaries as they were', async () => {
    const patched = await h.call('PATCH', `${BASE}/workshop.svc.chat?update_mask=config.routing.fallback.destinations`, { body: { config: { routing: { fallback: { destinations: [payPerToken('llama-4-maverick')] } } } } });
    expect(patched.status).toBe(200);
    expect(patched.body.config.routing.destinations.map((d: { name: string }) => d.name)).toEqual(['sonnet']);
    expect(patched.body.config.routing.fallback.destinations.map((d: { name: string }) => d.name)).toEqual(['llama-4-maverick']);
  });

  it('the built-in system.ai services route to registered models whose names differ from theirs', async () => {
    const sonnet = (await h.call('GET', `${BASE}/system.ai.claude-sonnet-4-6`)).body;
    expect(sonnet.config.routing.destinations[0].pay_per_token_config).toEqual({ model: 'models/system.ai.databricks-claude-sonnet-4-6' });
    const listed = await h.call('GET', `${BASE}?parent=schemas/system.ai`);
    expect(listed.body.model_services.map((s: { name: string }) => s.name)).toContain('model-services/system.ai.gpt-oss-120b');
    expect((await h.call('GET', `${BASE}/system.ai.no-such-service`)).body.error_code).toBe('NOT_FOUND');
  });

  it('page_size 0 is the default; over 100 is refused (PY list_model_services: the maximum is 100)', async () => {
    expect((await h.call('GET', `${BASE}?parent=schemas/workshop.svc&page_size=0`)).body.model_services.length).toBeGreaterThan(1);
    expect((await h.call('GET', `${BASE}?parent=schemas/workshop.svc&page_size=101`)).body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/maximum is 100/) });
  });

  it('a rate limit with neither requests nor tokens is a limit on nothing, and accepted', async () => {
    const created = await create('unlimited', service({ inference_table: undefined, rate_limits: [{ key: 'RATE_LIMIT_KEY_SERVICE', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE' }] }));
    expect(created.status).toBe(200);
  });

  it('creating takes CREATE SERVICE on the schema; EXECUTE is granted on the service securable', async () => {
    const agent = h.sandbox.addToken(AGENT_SP);
    const denied = await h.call('POST', `${BASE}?parent=schemas/workshop.skyloyalty_ops&model_service_id=mine`, { body: service({ inference_table: undefined }), token: agent });
    expect(denied.body).toEqual({ error_code: 'PERMISSION_DENIED', message: expect.stringMatching(/CREATE SERVICE on Schema 'workshop.skyloyalty_ops'/) });
    const granted = await h.call('PATCH', '/api/2.1/unity-catalog/permissions/model_service/workshop.svc.chat', { body: { changes: [{ principal: AGENT_SP, add: ['EXECUTE'] }] } });
    expect(granted.body.privilege_assignments).toEqual([{ principal: AGENT_SP, privileges: ['EXECUTE'] }]);
    expect((await h.call('PATCH', '/api/2.1/unity-catalog/permissions/model_service/workshop.svc.chat', { body: { changes: [{ principal: AGENT_SP, add: ['SELECT'] }] } })).status).toBe(400);
  });
});

describe('MCP services and connections', () => {
  it('registers an MCP service over an HTTP connection only', async () => {
    expect((await h.call('GET', '/api/2.1/unity-catalog/connections/workshop.skyloyalty_ops.github_mcp')).body).toMatchObject({ connection_type: 'HTTP' });
    const body = (connection: string) => ({ config: { source_connection: { name: `connections/${connection}` }, include_tool_selectors: ['search_*'], rate_limits: [{ key: 'RATE_LIMIT_KEY_SERVICE', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 100 }] } });
    const created = await h.call('POST', `${MCP}?parent=schemas/workshop.svc&mcp_service_id=github`, { body: body('workshop.skyloyalty_ops.github_mcp') });
    expect(created.body.name).toBe('mcp-services/workshop.svc.github');
    const db = await h.call('POST', `${MCP}?parent=schemas/workshop.svc&mcp_service_id=crm`, { body: body('workshop.skyloyalty_ops.crm_postgres') });
    expect(db.body.message).toMatch(/not an HTTP connection/);
    const listed = await h.call('GET', `${MCP}?parent=schemas/workshop.svc`);
    expect(listed.body.mcp_services.map((s: { name: string }) => s.name)).toEqual(['mcp-services/workshop.svc.github']);
  });
});

describe('a workspace without Unity AI Gateway', () => {
  it('answers 404 on the service paths', async () => {
    const off = await startHarness({ unityGateway: false });
    try {
      const got = await off.call('GET', `${BASE}?parent=schemas/workshop.skyloyalty_ops`);
      expect(got.status).toBe(404);
      expect(got.body.error_code).toBe('ENDPOINT_NOT_FOUND');
    } finally {
      await off.close();
    }
  });
});
