import { describe, expect, it } from 'vitest';
import { DEFAULT_GUARDRAILS, DEFAULT_RATE_LIMITS, desiredGateway, formFindings, type GatewayFacts, type GatewayRequest } from './desired-endpoint.js';
import { buildPlan, liveDigest, planDigest, type LiveSnapshot } from './plan-diff.js';
import { checkPlanAuthor, checkPlanMatches, signPlan, verifyPlanId } from './plan-id.js';

const state = {
  llm_role_endpoints: {
    agent_chat: { endpoint: 'ep-a', candidates: ['ep-a', 'ep-b', 'ep-c'], selected_after_probe: true },
  },
  endpoint_guardrail_audit: {
    'ep-a': { short_chat_ok: true, streaming_ok: true, audited_at: new Date().toISOString() },
    'ep-b': { short_chat_ok: true, streaming_ok: false },
    'ep-c': { short_chat_ok: true, streaming_ok: true },
  },
};

const request: GatewayRequest = {
  name: 'gw',
  form: 'dedicated',
  tokenSecret: { scope: 'gw', key: 'token' },
  provisionedUnits: 1,
  roles: ['agent_chat'],
  fallback: true,
  catalog: 'cat',
  schema: 'ops',
  tableNamePrefix: 'gw',
  rateLimits: DEFAULT_RATE_LIMITS,
  guardrails: DEFAULT_GUARDRAILS,
  grants: { agentServicePrincipal: 'sp-1', opsGroup: 'ops' },
};

const facts: GatewayFacts = { host: 'https://dbc-1.cloud.databricks.com', endpoints: { 'ep-a': { task: 'llm/v1/chat' }, 'ep-c': { task: 'llm/v1/chat' } } };

const empty: LiveSnapshot = { endpoint: undefined, grants: {}, stateRecord: undefined };

describe('desiredGateway', () => {
  it('serves the bound passing endpoint at 100 % and the next passing candidate at 0 % with fallback_config', () => {
    const d = desiredGateway(state, request, facts);
    expect(d.served.map((s) => [s.entityName, s.kind, s.trafficPercentage])).toEqual([
      ['ep-a', 'primary', 100],
      ['ep-c', 'fallback', 0],
    ]);
    expect(d.body.ai_gateway.fallback_config).toEqual({ enabled: true });
    expect(d.grants).toEqual([
      { securable: 'catalog', fullName: 'cat', principal: 'sp-1', privileges: ['USE_CATALOG'] },
      { securable: 'schema', fullName: 'cat.ops', principal: 'sp-1', privileges: ['USE_SCHEMA', 'SELECT', 'MODIFY'] },
      { securable: 'catalog', fullName: 'cat', principal: 'ops', privileges: ['USE_CATALOG'] },
      { securable: 'schema', fullName: 'cat.ops', principal: 'ops', privileges: ['USE_SCHEMA', 'SELECT'] },
    ]);
    expect(desiredGateway(state, { ...request, fallback: false }, facts).body.ai_gateway.fallback_config).toBeUndefined();
  });
});

describe('gateway forms', () => {
  it('dedicated: external models wrapping the audited endpoints, typed by their own task, token by secret reference', () => {
    const d = desiredGateway(state, request, facts);
    expect(d.body.config?.served_entities.map((e) => e.external_model)).toEqual([
      { name: 'ep-a', provider: 'databricks-model-serving', task: 'llm/v1/chat', databricks_model_serving_config: { databricks_workspace_url: facts.host, databricks_api_token: '{{secrets/gw/token}}' } },
      { name: 'ep-c', provider: 'databricks-model-serving', task: 'llm/v1/chat', databricks_model_serving_config: { databricks_workspace_url: facts.host, databricks_api_token: '{{secrets/gw/token}}' } },
    ]);
    expect(JSON.stringify(d.body)).not.toMatch(/plaintext|"entity_name"/);
    expect(formFindings(request, facts, d)).toEqual([]);
  });

  it('dedicated: a missing secret or task blocks, naming the command that fixes it', () => {
    const missing = formFindings(request, { ...facts, secretProblem: 'the secret scope gw does not exist in this workspace' }, desiredGateway(state, request, facts));
    expect(missing).toEqual([expect.objectContaining({ rule: 'f4.gateway-form', path: '/token_secret', fix: expect.stringContaining('databricks secrets put-secret gw token') })]);
    const noSecret = { ...request, tokenSecret: undefined };
    expect(formFindings(noSecret, facts, desiredGateway(state, noSecret, facts)).map((f) => f.path)).toEqual(['/token_secret']);
    const gone = { ...facts, endpoints: { ...facts.endpoints, 'ep-a': null } };
    expect(formFindings(request, gone, desiredGateway(state, request, gone)).map((f) => f.message).join()).toMatch(/ep-a does not exist/);
  });

  it('attach: the audited endpoint itself, ai_gateway only, no fallbacks, with the shared-endpoint warning', () => {
    const attach = { ...request, name: undefined, form: 'attach' as const, fallback: false };
    const d = desiredGateway(state, attach, facts);
    expect(d.name).toBe('ep-a');
    expect(d.body.config).toBeUndefined();
    expect(d.warnings.join()).toMatch(/cannot carry fallbacks/);
    expect(formFindings(attach, facts, d)).toEqual([]);
    expect(formFindings({ ...attach, fallback: true }, facts, desiredGateway(state, { ...attach, fallback: true }, facts)).map((f) => f.path)).toContain('/fallback');
    expect(formFindings({ ...attach, name: 'other' }, facts, desiredGateway(state, { ...attach, name: 'other' }, facts)).map((f) => f.path)).toContain('/name');
  });

  it('provisioned: the listed system.ai model at its eligible version, in model units or throughput chunks', () => {
    const provisioned = { ...request, form: 'provisioned' as const, fallback: false, provisionedUnits: 2 };
    const units = desiredGateway(state, provisioned, { ...facts, provisioned: { 'ep-a': { model: 'system.ai.a', version: '3', sizing: { kind: 'model-units', chunkSize: 50 } } } });
    expect(units.body.config?.served_entities[0]).toEqual({ name: 'ep-a', entity_name: 'system.ai.a', entity_version: '3', provisioned_model_units: 100 });
    expect(units.provisionedInModelUnits).toBe(true);
    const band = desiredGateway(state, provisioned, { ...facts, provisioned: { 'ep-a': { model: 'system.ai.a', version: '1', sizing: { kind: 'throughput-band', chunkSize: 9500 } } } });
    expect(band.body.config?.served_entities[0]).toMatchObject({ min_provisioned_throughput: 0, max_provisioned_throughput: 19_000 });
    expect(band.provisionedInModelUnits).toBe(false);
    const refused = { ...facts, provisioned: { 'ep-a': { problem: 'system.ai.a is not eligible for Provisioned Throughput' } } };
    expect(formFindings(provisioned, refused, desiredGateway(state, provisioned, refused)).map((f) => f.message)).toEqual(['system.ai.a is not eligible for Provisioned Throughput']);
  });
});

describe('buildPlan', () => {
  it('plans a create with every change listed', () => {
    const plan = buildPlan(desiredGateway(state, request, facts), empty);
    expect(plan.action).toBe('create');
    expect(plan.changes.map((c) => c.path)).toEqual(expect.arrayContaining(['/name', '/ai_gateway/inference_table_config/table_name_prefix', '/grants/schema/cat.ops/sp-1', '/state/Foundation/f4_gateway']));
    expect(plan.warnings).toEqual([]);
  });

  it('shows the operator every guardrail a create turns on', () => {
    const guardrails = { input: { pii: { behavior: 'BLOCK' as const }, safety: true }, output: { pii: { behavior: 'MASK' as const } } };
    const plan = buildPlan(desiredGateway(state, { ...request, guardrails }, facts), empty);
    expect(plan.changes.filter((c) => c.path.startsWith('/ai_gateway/guardrails'))).toEqual([
      { path: '/ai_gateway/guardrails/input/pii/behavior', from: null, to: 'BLOCK' },
      { path: '/ai_gateway/guardrails/input/safety', from: null, to: true },
      { path: '/ai_gateway/guardrails/output/pii/behavior', from: null, to: 'MASK' },
    ]);
  });

  it('plans nothing once the workspace and state match', () => {
    const d = desiredGateway(state, request, facts);
    const live: LiveSnapshot = {
      endpoint: { state: { config_update: 'NOT_UPDATING' }, config: { ...d.body.config, served_entities: d.body.config!.served_entities.map((e) => ({ ...e, creator: 'x', state: {} })) }, ai_gateway: d.body.ai_gateway },
      grants: { 'catalog:cat': { 'sp-1': ['USE_CATALOG'], ops: ['USE_CATALOG', 'BROWSE'] }, 'schema:cat.ops': { 'sp-1': ['MODIFY', 'SELECT', 'USE_SCHEMA'], ops: ['SELECT', 'USE_SCHEMA'] } },
      stateRecord: { endpoint_name: 'gw', status: 'applied', form: 'dedicated', inference_table_prefix: 'gw', payload_table: 'cat.ops.gw_payload', served_entities: ['ep-a', 'ep-c'], token_secret: 'gw/token', updated_at: 'yesterday' },
    };
    const plan = buildPlan(d, live);
    expect(plan).toMatchObject({ action: 'none', changes: [], warnings: [] });
  });

  it('reads empty defaults a GET spells out (null, [], {}) as absent, so a matching gateway plans nothing', () => {
    const d = desiredGateway(state, request, facts);
    const spelledOut = {
      ...d.body.ai_gateway,
      guardrails: {
        input: { ...d.body.ai_gateway.guardrails?.input, invalid_keywords: [], valid_topics: null },
        output: { ...d.body.ai_gateway.guardrails?.output, invalid_keywords: [] },
      },
      extra_config: {},
    };
    const live: LiveSnapshot = {
      endpoint: { state: { config_update: 'NOT_UPDATING' }, config: d.body.config, ai_gateway: spelledOut },
      grants: { 'catalog:cat': { 'sp-1': ['USE_CATALOG'], ops: ['USE_CATALOG'] }, 'schema:cat.ops': { 'sp-1': ['MODIFY', 'SELECT', 'USE_SCHEMA'], ops: ['SELECT', 'USE_SCHEMA'] } },
      stateRecord: { endpoint_name: 'gw', status: 'applied', form: 'dedicated', inference_table_prefix: 'gw', payload_table: 'cat.ops.gw_payload', served_entities: ['ep-a', 'ep-c'], token_secret: 'gw/token' },
    };
    expect(buildPlan(d, live)).toMatchObject({ action: 'none', changes: [] });
    // A live-only setting that is not empty is still a change: the whole-block PUT would remove it.
    const withKeywords = { ...live, endpoint: { ...live.endpoint, ai_gateway: { ...spelledOut, guardrails: { ...spelledOut.guardrails, input: { ...spelledOut.guardrails.input, invalid_keywords: ['x'] } } } } };
    expect(buildPlan(d, withKeywords).changes.map((c) => c.path)).toEqual(['/ai_gateway/guardrails/input/invalid_keywords']);
  });

  it('warns about every change a reviewer must see on an update', () => {
    const d = desiredGateway(state, { ...request, fallback: false, guardrails: { input: { pii: { behavior: 'MASK' }, safety: true }, output: { pii: { behavior: 'BLOCK' }, safety: true } }, rateLimits: [{ key: 'endpoint', renewal_period: 'minute', calls: 500 }] }, facts);
    const live: LiveSnapshot = {
      endpoint: {
        state: { config_update: 'NOT_UPDATING' },
        config: { served_entities: [{ name: 'old', entity_name: 'ep-old', entity_version: '1' }], traffic_config: { routes: [{ served_entity_name: 'old', traffic_percentage: 100 }] } },
        ai_gateway: { usage_tracking_config: { enabled: true }, inference_table_config: { enabled: true, catalog_name: 'cat', schema_name: 'old', table_name_prefix: 'gw' }, rate_limits: DEFAULT_RATE_LIMITS, guardrails: DEFAULT_GUARDRAILS, fallback_config: { enabled: true } },
      },
      grants: {},
      stateRecord: undefined,
    };
    const plan = buildPlan(d, live);
    expect(plan.action).toBe('update');
    expect(plan.steps).toMatchObject({ putAiGateway: true, putConfig: true, moveInferenceTable: true });
    const text = plan.warnings.join('\n');
    expect(text).toMatch(/cannot change in place \(cat\.old\.gw_payload → cat\.ops\.gw_payload\)/);
    expect(text).toMatch(/input PII guardrail goes from BLOCK to MASK/);
    expect(text).toMatch(/endpoint limit goes from 120 to 500 calls/);
    expect(text).toMatch(/user limit \(20 calls per minute\) is removed/);
    expect(text).toMatch(/long-running config update/);
    expect(text).toMatch(/replaces the whole ai_gateway block of gw: .*fallback_config/);
  });
});

describe('plan_id', () => {
  const key = Buffer.from('k'.repeat(32));
  const d = desiredGateway(state, request, facts);
  const claims = { endpoint: 'gw', planDigest: planDigest(d), liveDigest: liveDigest(empty), expiresAt: 2_000 };

  it('round-trips and matches the same plan', () => {
    const id = signPlan(key, claims);
    expect(verifyPlanId(key, id, 1_000)).toEqual(claims);
    expect(() => checkPlanMatches(claims, { endpoint: 'gw', planDigest: planDigest(d), liveDigest: liveDigest(empty) })).not.toThrow();
  });

  it('refuses forged, expired and stale ids', () => {
    const id = signPlan(key, claims);
    const tampered = signPlan(Buffer.from('x'.repeat(32)), claims);
    expect(() => verifyPlanId(key, tampered, 1_000)).toThrow(/not issued here/);
    expect(() => verifyPlanId(key, `${id}x`, 1_000)).toThrow(/not issued here/);
    expect(() => verifyPlanId(key, 'garbage', 1_000)).toThrow(/not issued here/);
    expect(() => verifyPlanId(key, id, 2_001)).toThrow(/expired/);
    const other = desiredGateway(state, { ...request, tableNamePrefix: 'gw2' }, facts);
    expect(() => checkPlanMatches(claims, { endpoint: 'gw', planDigest: planDigest(other), liveDigest: liveDigest(empty) })).toThrow(/stale.*different arguments/);
    const changed = liveDigest({ ...empty, endpoint: { state: { config_update: 'NOT_UPDATING' } } });
    expect(() => checkPlanMatches(claims, { endpoint: 'gw', planDigest: planDigest(d), liveDigest: changed })).toThrow(/stale.*changed since/);
  });

  it('binds the author: only they may apply, and a refusal names who may', () => {
    const byAlice = verifyPlanId(key, signPlan(key, { ...claims, author: 'alice@example.com' }), 1_000);
    expect(byAlice.author).toBe('alice@example.com');
    expect(() => checkPlanAuthor(byAlice, 'alice@example.com')).not.toThrow();
    expect(() => checkPlanAuthor(byAlice, 'bob@example.com')).toThrow(/belongs to alice@example\.com.*you are bob@example\.com.*Ask alice@example\.com to apply it/);
    expect(() => checkPlanAuthor(byAlice, undefined)).toThrow(/belongs to alice@example\.com/);
    // A plan made where no caller is named (stdio) is not anyone's to take over, and stays usable there.
    const anonymous = verifyPlanId(key, signPlan(key, claims), 1_000);
    expect(() => checkPlanAuthor(anonymous, 'bob@example.com')).toThrow(/not yours/);
    expect(() => checkPlanAuthor(anonymous, undefined)).not.toThrow();
    // The author is under the MAC: rewriting it breaks the signature.
    const [payload, mac] = signPlan(key, { ...claims, author: 'alice@example.com' }).split('.');
    const rewritten = Buffer.from(Buffer.from(payload!, 'base64url').toString('utf8').replace('alice', 'bob')).toString('base64url');
    expect(() => verifyPlanId(key, `${rewritten}.${mac}`, 1_000)).toThrow(/not issued here/);
  });
});
