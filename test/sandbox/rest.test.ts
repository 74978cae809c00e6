import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHarness, waitForUpdate, type Harness } from './support.js';
import { manualClock } from '../support/timers.js';

const EP = '/api/2.0/serving-endpoints';
const PERMS = '/api/2.1/unity-catalog/permissions';

/** A custom model the seed registers in Unity Catalog, served on CPU compute. */
const churn = { entity_name: 'workshop.skyloyalty_ops.loyalty_churn_classifier', entity_version: '1', workload_size: 'Small' };
const createBody = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  config: { served_entities: [churn] },
  ...extra,
});

let h: Harness;
/** The workspace's clock: tokens expire when a test moves it. */
const clock = manualClock();

beforeAll(async () => {
  h = await startHarness({ configUpdateMs: 300, tokenTtlSeconds: 60, now: clock.now });
});
afterAll(async () => {
  await h.close();
});

describe('OAuth M2M', () => {
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const tokenRequest = (authorization: string, form = 'grant_type=client_credentials&scope=all-apis') =>
    h.call('POST', '/oidc/v1/token', {
      token: null,
      body: form,
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    });

  it('publishes the token endpoint in the discovery document', async () => {
    const { status, body } = await h.call('GET', '/oidc/.well-known/oauth-authorization-server', { token: null });
    expect(status).toBe(200);
    expect(body.token_endpoint).toBe(`${h.sandbox.url}/oidc/v1/token`);
    expect(body.authorization_endpoint).toBe(`${h.sandbox.url}/oidc/v1/authorize`);
  });

  it('issues a bearer token for client credentials that works until it expires', async () => {
    const { clientId, clientSecret } = h.sandbox.oauth;
    const issued = await tokenRequest(basic(clientId, clientSecret));
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ token_type: 'Bearer', expires_in: 60, scope: 'all-apis' });
    const token = issued.body.access_token as string;
    const created = await h.call('POST', EP, { token, body: createBody('oauth-made') });
    expect(created.status).toBe(200);
    expect(created.body.creator).toBe(clientId);

    clock.advance(61_000);
    const expired = await h.call('GET', EP, { token });
    expect(expired.status).toBe(401);
    expect(expired.body.error_code).toBe('UNAUTHENTICATED');
    expect(expired.body.message).toMatch(/expired/);
  });

  it('refuses a wrong secret, an unknown client and other grant types', async () => {
    const wrong = await tokenRequest(basic(h.sandbox.oauth.clientId, 'not-the-secret'));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    expect(wrong.body.error_description).toBeTruthy();
    expect((await tokenRequest(basic('nobody', 'x'))).status).toBe(401);
    const grant = await tokenRequest(basic(h.sandbox.oauth.clientId, h.sandbox.oauth.clientSecret), 'grant_type=password');
    expect(grant.status).toBe(400);
    expect(grant.body.error).toBe('unsupported_grant_type');
  });
});

describe('bearer tokens and permissions', () => {
  it('answers 401 UNAUTHENTICATED without a token or with an unknown one, on /api and /sql', async () => {
    for (const token of [null, 'dapi-made-up']) {
      for (const path of [EP, `${h.sandbox.warehousePath}`]) {
        const { status, body } = await h.call('GET', path, { token });
        expect(status).toBe(401);
        expect(body.error_code).toBe('UNAUTHENTICATED');
      }
    }
    expect(h.warehouse.handled).toHaveLength(0);
  });

  it('lets a principal without rights read but not create, change or delete', async () => {
    const nobody = h.sandbox.addToken('nobody@example.com');
    expect((await h.call('GET', EP, { token: nobody })).status).toBe(200);
    const attempts = [
      h.call('POST', EP, { token: nobody, body: createBody('not-allowed') }),
      h.call('PUT', `${EP}/support-bot-gateway/ai-gateway`, { token: nobody, body: {} }),
      h.call('DELETE', `${EP}/support-bot-gateway`, { token: nobody }),
      h.call('PATCH', `${PERMS}/catalog/workshop`, { token: nobody, body: { changes: [{ principal: 'bob@example.com', add: ['USE_CATALOG'] }] } }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(403);
      expect(response.body.error_code).toBe('PERMISSION_DENIED');
    }
  });

  it('mounts the warehouse under /sql/ with the caller identified', async () => {
    const { status, body } = await h.call('POST', h.sandbox.warehousePath, { body: 'thrift' });
    expect(status).toBe(200);
    expect(body.principal).toBe('admin@example.com');
    expect(h.warehouse.handled.at(-1)?.path).toBe(h.sandbox.warehousePath);
  });

  it('answers a malformed percent-encoding in a path or Basic credentials as a client error, not a 500', async () => {
    for (const path of [`${EP}/bad%E0%A4`, `${PERMS}/table/a.b.%E0`]) {
      const { status, body } = await h.call('GET', path);
      expect(status).toBe(400);
      expect(body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/percent-encoding/) });
    }
    const token = await h.call('POST', '/oidc/v1/token', {
      token: null,
      body: 'grant_type=client_credentials',
      headers: { authorization: `Basic ${Buffer.from('%E0:secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(token.status).toBe(401);
    expect(token.body.error).toBe('invalid_client');
  });

  it('answers unknown API paths with ENDPOINT_NOT_FOUND', async () => {
    const { status, body } = await h.call('GET', '/api/2.0/no-such-api');
    expect(status).toBe(404);
    expect(body.error_code).toBe('ENDPOINT_NOT_FOUND');
  });
});

describe('serving endpoints', () => {
  it('lists the seeded endpoints with a config summary', async () => {
    const { status, body } = await h.call('GET', EP);
    expect(status).toBe(200);
    const names = body.endpoints.map((e: { name: string }) => e.name);
    expect(names).toEqual(expect.arrayContaining(['databricks-claude-sonnet-4-6', 'skyloyalty-ai-gateway', 'support-bot-gateway']));
    const gateway = body.endpoints.find((e: { name: string }) => e.name === 'skyloyalty-ai-gateway');
    expect(gateway.config.served_entities.map((e: { name: string }) => e.name)).toEqual(['claude-sonnet-46', 'claude-opus-45']);
    expect(gateway.config.traffic_config).toBeUndefined();
  });

  it('gets a seeded gateway as ServingEndpointDetailed', async () => {
    const { status, body } = await h.call('GET', `${EP}/skyloyalty-ai-gateway`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      name: 'skyloyalty-ai-gateway',
      state: { ready: 'READY', config_update: 'NOT_UPDATING' },
      ai_gateway: { inference_table_config: { enabled: true, catalog_name: 'workshop', schema_name: 'skyloyalty_ops', table_name_prefix: 'gw' } },
    });
    expect(typeof body.creation_timestamp).toBe('number');
    expect(body.creation_timestamp).toBeGreaterThan(1_600_000_000_000);
    expect(body.config.traffic_config.routes).toHaveLength(2);
    expect(body.pending_config).toBeUndefined();
  });

  it('answers 404 RESOURCE_DOES_NOT_EXIST for an unknown endpoint, on every operation', async () => {
    const calls = [
      h.call('GET', `${EP}/ghost`),
      h.call('DELETE', `${EP}/ghost`),
      h.call('PUT', `${EP}/ghost/config`, { body: { served_entities: [churn] } }),
      h.call('PUT', `${EP}/ghost/ai-gateway`, { body: {} }),
    ];
    for (const { status, body } of await Promise.all(calls)) {
      expect(status).toBe(404);
      expect(body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(body.message).toContain('ghost');
    }
  });

  it('creates an endpoint that is IN_PROGRESS, then READY and NOT_UPDATING', async () => {
    const before = Date.now();
    const created = await h.call('POST', EP, {
      body: createBody('lifecycle', { ai_gateway: { usage_tracking_config: { enabled: true } }, tags: [{ key: 'team', value: 'loyalty' }] }),
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      name: 'lifecycle',
      creator: 'admin@example.com',
      state: { ready: 'NOT_READY', config_update: 'IN_PROGRESS' },
      ai_gateway: { usage_tracking_config: { enabled: true } },
      tags: [{ key: 'team', value: 'loyalty' }],
    });
    expect(created.body.creation_timestamp).toBeGreaterThanOrEqual(before);
    expect(created.body.config).toBeUndefined();
    expect(created.body.pending_config.served_entities[0].name).toBe('loyalty_churn_classifier-1');
    expect(created.body.pending_config.traffic_config).toEqual({
      routes: [{ served_entity_name: 'loyalty_churn_classifier-1', traffic_percentage: 100 }],
    });

    const ready = await waitForUpdate(h, 'lifecycle');
    expect(ready.state).toEqual({ ready: 'READY', config_update: 'NOT_UPDATING' });
    expect(ready.config.served_entities[0]).toMatchObject({ name: 'loyalty_churn_classifier-1', entity_version: '1' });
    expect(ready.pending_config).toBeUndefined();
    expect(ready.id).toBe(created.body.id);
  });

  it('refuses a duplicate name with 409 RESOURCE_ALREADY_EXISTS', async () => {
    const { status, body } = await h.call('POST', EP, { body: createBody('support-bot-gateway') });
    expect(status).toBe(409);
    expect(body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
  });

  it('refuses a second update while one is IN_PROGRESS with 409 RESOURCE_CONFLICT, and accepts it afterwards', async () => {
    await h.call('POST', EP, { body: createBody('busy') });
    const config = {
      served_entities: [
        { ...churn, name: 'a' },
        { ...churn, entity_version: '2', name: 'b' },
      ],
      traffic_config: { routes: [{ served_entity_name: 'a', traffic_percentage: 80 }, { served_entity_name: 'b', traffic_percentage: 20 }] },
    };
    for (const [path, body] of [[`${EP}/busy/config`, config], [`${EP}/busy/ai-gateway`, {}]] as const) {
      const refused = await h.call('PUT', path, { body });
      expect(refused.status).toBe(409);
      expect(refused.body.error_code).toBe('RESOURCE_CONFLICT');
      expect(refused.body.message).toMatch(/IN_PROGRESS/);
    }
    await waitForUpdate(h, 'busy');
    const updated = await h.call('PUT', `${EP}/busy/config`, { body: config });
    expect(updated.status).toBe(200);
    expect(updated.body.state.config_update).toBe('IN_PROGRESS');
    expect(updated.body.config.config_version).toBe(1);
    expect(updated.body.pending_config.config_version).toBe(2);
    const landed = await waitForUpdate(h, 'busy');
    expect(landed.config.config_version).toBe(2);
    expect(landed.config.traffic_config.routes).toEqual(config.traffic_config.routes);
  });

  it('deletes an endpoint; a Databricks-managed FMAPI endpoint cannot be deleted or reconfigured', async () => {
    await h.call('POST', EP, { body: createBody('short-lived') });
    expect((await h.call('DELETE', `${EP}/short-lived`)).status).toBe(200);
    expect((await h.call('GET', `${EP}/short-lived`)).status).toBe(404);
    for (const response of [
      await h.call('DELETE', `${EP}/databricks-claude-sonnet-4-6`),
      await h.call('PUT', `${EP}/databricks-claude-sonnet-4-6/config`, { body: { served_entities: [churn] } }),
    ]) {
      expect(response.status).toBe(400);
      expect(response.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
  });

  it('validates the bare body of PUT /config like the config of a create', async () => {
    await h.call('POST', EP, { body: createBody('reconfigured') });
    await waitForUpdate(h, 'reconfigured');
    const wrapped = await h.call('PUT', `${EP}/reconfigured/config`, { body: { config: { served_entities: [churn] } } });
    expect(wrapped.status).toBe(400);
    expect(wrapped.body.message).toMatch(/Unknown field 'config'/);
    const nested = await h.call('PUT', `${EP}/reconfigured/config`, { body: { served_entities: [churn], ai_gateway: {} } });
    expect(nested.status).toBe(400);
    expect(nested.body.message).toMatch(/PUT \/api\/2\.0\/serving-endpoints\/\{name\}\/ai-gateway/);
    const traffic = await h.call('PUT', `${EP}/reconfigured/config`, {
      body: { served_entities: [churn], traffic_config: { routes: [{ served_entity_name: 'loyalty_churn_classifier-1', traffic_percentage: 101 }] } },
    });
    expect(traffic.status).toBe(400);
    expect(traffic.body.message).toMatch(/^Invalid traffic_config\.routes\[0\]\.traffic_percentage/);
    expect((await h.call('GET', `${EP}/reconfigured`)).body.state.config_update).toBe('NOT_UPDATING');
  });

  const invalidCreates: [string, unknown, RegExp][] = [
    ['name with a dot', createBody('bad.name'), /endpoint name/],
    ['name longer than 63', createBody('x'.repeat(64)), /endpoint name/],
    ['missing config', { name: 'no-config' }, /config/],
    ['ai_gateway nested in config', { name: 'nested', config: { served_entities: [churn], ai_gateway: {} } }, /top-level/],
    ['unknown entity', { name: 'unknown-entity', config: { served_entities: [{ entity_name: 'gpt-9', entity_version: '1' }] } }, /gpt-9/],
    ['numeric entity_version', { name: 'num-version', config: { served_entities: [{ entity_name: churn.entity_name, entity_version: 1 }] } }, /entity_version/],
    ['both entity and external model', { name: 'both', config: { served_entities: [{ ...churn, external_model: { name: 'x', provider: 'openai', task: 'llm/v1/chat' } }] } }, /exactly one/],
    ['11 served entities', { name: 'too-many', config: { served_entities: Array.from({ length: 11 }, (_, i) => ({ ...churn, name: `e${i}` })) } }, /at most 10/],
    ['traffic not summing to 100', { name: 'traffic', config: { served_entities: [churn], traffic_config: { routes: [{ served_entity_name: 'loyalty_churn_classifier-1', traffic_percentage: 90 }] } } }, /sum to 90/],
    ['route to an unknown entity', { name: 'route', config: { served_entities: [churn], traffic_config: { routes: [{ served_entity_name: 'nope', traffic_percentage: 100 }] } } }, /nope/],
    ['rate limit key in upper case', createBody('rl-key', { ai_gateway: { rate_limits: [{ key: 'USER', renewal_period: 'minute', calls: 5 }] } }), /key 'USER'/],
    ['renewal_period hour', createBody('rl-period', { ai_gateway: { rate_limits: [{ key: 'user', renewal_period: 'hour', calls: 5 }] } }), /renewal_period 'hour'/],
    ['missing renewal_period', createBody('rl-missing', { ai_gateway: { rate_limits: [{ key: 'user', calls: 5 }] } }), /renewal_period/],
    ['PII behavior in lower case', createBody('pii', { ai_gateway: { guardrails: { input: { pii: { behavior: 'block' } } } } }), /behavior 'block'/],
    ['inference table without schema', createBody('it', { ai_gateway: { inference_table_config: { enabled: true, catalog_name: 'ml' } } }), /schema_name/],
    ['body that is not JSON', '{not json', /JSON/],
  ];
  it.each(invalidCreates)('refuses a create with %s (400)', async (_label, body, message) => {
    const response = await h.call('POST', EP, { body });
    expect(response.status).toBe(400);
    expect(['INVALID_PARAMETER_VALUE', 'MALFORMED_REQUEST']).toContain(response.body.error_code);
    expect(response.body.message).toMatch(message);
  });
});

describe('PUT /ai-gateway', () => {
  it('replaces the gateway config synchronously and returns it', async () => {
    const config = {
      usage_tracking_config: { enabled: true },
      rate_limits: [{ key: 'service_principal', principal: 'c0ffee00-1234-4abc-9def-0123456789ab', renewal_period: 'minute', tokens: 5000 }],
      guardrails: { input: { safety: true, pii: { behavior: 'MASK' } } },
      fallback_config: { enabled: false },
    };
    const put = await h.call('PUT', `${EP}/support-bot-gateway/ai-gateway`, { body: config });
    expect(put.status).toBe(200);
    expect(put.body).toEqual(config);
    const { body } = await h.call('GET', `${EP}/support-bot-gateway`);
    expect(body.ai_gateway).toEqual(config);
    expect(body.state.config_update).toBe('NOT_UPDATING');
  });

  it('refuses the config wrapped in {ai_gateway: …}', async () => {
    const { status, body } = await h.call('PUT', `${EP}/support-bot-gateway/ai-gateway`, { body: { ai_gateway: {} } });
    expect(status).toBe(400);
    expect(body.message).toMatch(/bare AiGatewayConfig/);
  });

  it('creates the payload table when inference tables get enabled, and refuses moving it while enabled', async () => {
    await h.call('POST', EP, { body: createBody('tables') });
    await waitForUpdate(h, 'tables');
    const location = { catalog_name: 'ml', schema_name: 'gateway', table_name_prefix: 'tables' };
    const enabled = await h.call('PUT', `${EP}/tables/ai-gateway`, { body: { inference_table_config: { enabled: true, ...location } } });
    expect(enabled.status).toBe(200);
    expect(h.warehouse.payloadTables).toContainEqual({ catalog: 'ml', schema: 'gateway', prefix: 'tables', endpointName: 'tables' });
    expect((await h.call('GET', `${PERMS}/table/ml.gateway.tables_payload`)).status).toBe(200);

    const moved = await h.call('PUT', `${EP}/tables/ai-gateway`, {
      body: { inference_table_config: { ...location, enabled: true, schema_name: 'elsewhere' } },
    });
    expect(moved.status).toBe(400);
    expect(moved.body.message).toMatch(/Disable them first/);

    expect((await h.call('PUT', `${EP}/tables/ai-gateway`, { body: { inference_table_config: { ...location, enabled: false } } })).status).toBe(200);
    const relocated = await h.call('PUT', `${EP}/tables/ai-gateway`, {
      body: { inference_table_config: { ...location, enabled: true, catalog_name: 'workshop', schema_name: 'demo_team' } },
    });
    expect(relocated.status).toBe(200);
    expect(h.warehouse.payloadTables.at(-1)).toEqual({ catalog: 'workshop', schema: 'demo_team', prefix: 'tables', endpointName: 'tables' });
    expect((await h.call('GET', `${PERMS}/table/workshop.demo_team.tables_payload`)).status).toBe(200);
  });

  it('defaults the table prefix from the endpoint name and makes sure seeded payload tables exist', async () => {
    await h.call('POST', EP, {
      body: createBody('prefix-default', { ai_gateway: { inference_table_config: { enabled: true, catalog_name: 'ml', schema_name: 'gateway' } } }),
    });
    expect(h.warehouse.payloadTables).toContainEqual({ catalog: 'ml', schema: 'gateway', prefix: 'prefix_default', endpointName: 'prefix-default' });
    expect(h.warehouse.payloadTables).toContainEqual({ catalog: 'workshop', schema: 'skyloyalty_ops', prefix: 'gw', endpointName: 'skyloyalty-ai-gateway' });
  });
});

describe('Unity Catalog grants', () => {
  it('reads direct grants, filtered by principal, with a case-insensitive securable type', async () => {
    const all = await h.call('GET', `${PERMS}/CATALOG/workshop`);
    expect(all.status).toBe(200);
    expect(all.body.privilege_assignments).toContainEqual({ principal: 'gateway-ops', privileges: ['USE_CATALOG'] });
    const filtered = await h.call('GET', `${PERMS}/catalog/workshop?principal=alice%40example.com`);
    expect(filtered.body).toEqual({});
  });

  it('adds and removes privileges with PATCH and returns the result', async () => {
    const table = `${PERMS}/table/workshop.skyloyalty_ops.gw_payload`;
    const added = await h.call('PATCH', table, { body: { changes: [{ principal: 'alice@example.com', add: ['SELECT', 'MODIFY'] }] } });
    expect(added.status).toBe(200);
    expect(added.body.privilege_assignments).toContainEqual({ principal: 'alice@example.com', privileges: ['MODIFY', 'SELECT'] });
    await h.call('PATCH', table, { body: { changes: [{ principal: 'alice@example.com', remove: ['MODIFY'] }] } });
    const read = await h.call('GET', `${table}?principal=alice@example.com`);
    expect(read.body).toEqual({ privilege_assignments: [{ principal: 'alice@example.com', privileges: ['SELECT'] }] });
  });

  it('answers 404 for a securable that does not exist', async () => {
    for (const path of [`${PERMS}/catalog/nowhere`, `${PERMS}/schema/workshop.nothing`, `${PERMS}/table/ml.gateway.missing`]) {
      const { status, body } = await h.call('GET', path);
      expect(status).toBe(404);
      expect(body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    }
  });

  const invalidChanges: [string, string, unknown, RegExp][] = [
    ['an unknown privilege', 'catalog/workshop', { changes: [{ principal: 'bob@example.com', add: ['READ_EVERYTHING'] }] }, /READ_EVERYTHING/],
    ['a privilege that does not apply', 'schema/workshop.skyloyalty_ops', { changes: [{ principal: 'bob@example.com', add: ['USE_CATALOG'] }] }, /not applicable/],
    ['an unknown principal', 'catalog/workshop', { changes: [{ principal: 'Agent Service Principal', add: ['USE_CATALOG'] }] }, /Could not find principal/],
    ['no changes', 'catalog/workshop', {}, /changes/],
    ['a null body', 'catalog/workshop', 'null', /changes/],
    ['an unknown securable type', 'function/workshop.a.b', { changes: [{ principal: 'bob@example.com', add: ['SELECT'] }] }, /securable type/],
  ];
  it.each(invalidChanges)('refuses a PATCH with %s (400)', async (_label, securable, body, message) => {
    const response = await h.call('PATCH', `${PERMS}/${securable}`, { body });
    expect(response.status).toBe(400);
    expect(response.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(response.body.message).toMatch(message);
  });
});

describe('lifecycle', () => {
  it('removes the certificate folder it made on close, and leaves a folder the caller named', async () => {
    const own = await startHarness();
    await own.close();
    expect(existsSync(dirname(own.sandbox.caCertPath))).toBe(false);

    const dir = mkdtempSync(join(tmpdir(), 'sandbox-test-'));
    try {
      const named = await startHarness({ dir });
      await named.close();
      expect(existsSync(named.sandbox.caCertPath)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('TLS', () => {
  it('is refused by a client that does not trust the sandbox CA', async () => {
    await expect(request(`${h.sandbox.url}${EP}`, { headers: { authorization: `Bearer ${h.sandbox.token}` } })).rejects.toThrow(/certificate/i);
  });
});
