/**
 * The F4 gateway as a Unity AI Gateway model service, unit by unit: the body sent to the workspace (routing,
 * rate-limit keys, inference table, MCP services), the grants, the record, what blocks a plan, and the plan itself
 * (create, PATCH with an update mask, MCP services) with the digests that make it stale.
 */
import { describe, expect, it } from 'vitest';
import { gatewayRequest } from '../../test/support/gateway-request.js';
import type { GatewayRequest } from './desired-endpoint.js';
import {
  buildModelServicePlan,
  connectionFullName,
  desiredModelService,
  GUARDRAIL_POLICY_WARNING,
  immutableFindings,
  modelServiceFindings,
  modelServiceLiveDigest,
  modelServiceMatches,
  modelServicePlanDigest,
  type LiveModelGateway,
  type ModelServiceFacts,
} from './desired-model-service.js';
import type { LiveSnapshot } from './plan-diff.js';

const SONNET = 'databricks-claude-sonnet-4-6';
const OPUS = 'databricks-claude-opus-4-5';
const LLAMA = 'databricks-meta-llama-3-3-70b-instruct';
const entry = { short_chat_ok: true, streaming_ok: true, audited_at: new Date().toISOString() };
const state = {
  llm_role_endpoints: {
    agent_chat: { endpoint: SONNET, candidates: [SONNET, OPUS, 'team-llm'], selected_after_probe: true },
    summarizer: { endpoint: LLAMA, candidates: [LLAMA, OPUS], selected_after_probe: true },
    custom: { endpoint: 'team-llm', candidates: ['team-llm'], selected_after_probe: true },
  },
  endpoint_guardrail_audit: { [SONNET]: entry, [OPUS]: entry, [LLAMA]: entry, 'team-llm': entry },
};
const request = gatewayRequest({ name: 'skyloyalty_gateway', grants: { agentServicePrincipal: 'sp-1', opsGroup: 'ops' } });
/** The registered model the workspace named behind an endpoint, as the resolver records it. */
const named = (endpoint: string, model: string) => ({ endpoint, model, source: `GET /api/2.0/serving-endpoints/${endpoint}` });
const facts: ModelServiceFacts = {
  host: 'https://h',
  models: { [SONNET]: named(SONNET, 'system.ai.claude-sonnet-4-6'), [OPUS]: named(OPUS, 'system.ai.claude-opus-4-5'), [LLAMA]: named(LLAMA, 'system.ai.meta-llama-3-3-70b-instruct') },
  connections: {},
};
const want = (overrides: Partial<GatewayRequest> = {}, f: ModelServiceFacts = facts) => desiredModelService(state, { ...request, ...overrides }, f);
const findingsOf = (overrides: Partial<GatewayRequest> = {}, f: ModelServiceFacts = facts) => {
  const r = { ...request, ...overrides };
  return modelServiceFindings(r, f, desiredModelService(state, r, f)).filter((x) => x.rule !== 'f4.guardrails');
};
const sonnet = { name: 'claude-sonnet-4-6', destination_type: 'DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL', pay_per_token_config: { model: 'models/system.ai.claude-sonnet-4-6' } };
const llama = { name: 'meta-llama-3-3-70b-instruct', destination_type: 'DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL', pay_per_token_config: { model: 'models/system.ai.meta-llama-3-3-70b-instruct' } };
const opus = { name: 'claude-opus-4-5', destination_type: 'DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL', pay_per_token_config: { model: 'models/system.ai.claude-opus-4-5' } };

describe('the model service body', () => {
  it('routes to the system.ai model behind the bound endpoint, with the F4 limits and the team-schema inference table', () => {
    const d = want();
    expect(d).toMatchObject({ name: 'cat.ops.skyloyalty_gateway', catalog: 'cat', schema: 'ops', id: 'skyloyalty_gateway', payloadTable: 'cat.ops.gw_payload' });
    expect(d.body).toEqual({
      config: {
        routing: { destinations: [sonnet] },
        rate_limits: [
          { key: 'RATE_LIMIT_KEY_SERVICE', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 120 },
          { key: 'RATE_LIMIT_KEY_USER_DEFAULT', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 20 },
        ],
        inference_table: { parent: 'schemas/cat.ops', table_name_prefix: 'gw' },
      },
    });
    expect(d.destinations).toEqual([{ endpoint: SONNET, model: 'system.ai.claude-sonnet-4-6', kind: 'primary' }]);
  });

  it('splits traffic between several primaries (the first takes the remainder) and lists fallbacks once, in order', () => {
    const d = want({ roles: ['agent_chat', 'summarizer', 'custom'], fallback: true });
    expect(d.body.config.routing).toEqual({
      destinations: [
        { ...sonnet, traffic_percentage: 34 },
        { ...llama, traffic_percentage: 33 },
        { name: 'team-llm', destination_type: 'DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL', pay_per_token_config: { model: 'models/' }, traffic_percentage: 33 },
      ],
      fallback: { destinations: [opus] },
    });
    expect(d.destinations.map((x) => [x.endpoint, x.kind])).toEqual([
      [SONNET, 'primary'],
      [LLAMA, 'primary'],
      ['team-llm', 'primary'],
      [OPUS, 'fallback'],
    ]);
    expect(d.record).toMatchObject({ destinations: ['system.ai.claude-sonnet-4-6', 'system.ai.meta-llama-3-3-70b-instruct', ''], fallback_destinations: ['system.ai.claude-opus-4-5'] });
  });

  it('maps every rate-limit key and carries tokens, principals and request tags', () => {
    const d = want({
      rateLimits: [
        { key: 'user_group', renewal_period: 'minute', tokens: 1000, principal: 'ops' },
        { key: 'service_principal', renewal_period: 'minute', calls: 5, principal: 'sp-1' },
        { key: 'request_tag', renewal_period: 'minute', calls: 7, request_tag_key: 'project', request_tag_value: 'x' },
      ],
    });
    expect(d.body.config.rate_limits).toEqual([
      { key: 'RATE_LIMIT_KEY_USER_GROUP', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', tokens: 1000, principal: 'ops' },
      { key: 'RATE_LIMIT_KEY_SERVICE_PRINCIPAL', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 5, principal: 'sp-1' },
      { key: 'RATE_LIMIT_KEY_REQUEST_TAG', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 7, request_tag_key: 'project', request_tag_value: 'x' },
    ]);
  });

  it('registers MCP services over UC connections, in the gateway schema unless the connection names its own', () => {
    const d = want({ mcpServices: [{ name: 'github', connection: 'gh_conn', includeTools: ['search'], requestsPerMinute: 30 }, { name: 'jira', connection: 'other.sch.jira', includeTools: [] }] });
    expect(d.mcp).toEqual([
      {
        id: 'github',
        fullName: 'cat.ops.github',
        connection: 'cat.ops.gh_conn',
        body: { config: { source_connection: { name: 'connections/cat.ops.gh_conn' }, include_tool_selectors: ['search'], rate_limits: [{ key: 'RATE_LIMIT_KEY_SERVICE', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 30 }] } },
        url: 'https://h/ai-gateway/mcp-services/cat.ops.github',
      },
      { id: 'jira', fullName: 'cat.ops.jira', connection: 'other.sch.jira', body: { config: { source_connection: { name: 'connections/other.sch.jira' } } }, url: 'https://h/ai-gateway/mcp-services/cat.ops.jira' },
    ]);
    expect(d.record.mcp_services).toEqual(['cat.ops.github', 'cat.ops.jira']);
    expect(want().record).not.toHaveProperty('mcp_services');
    expect(connectionFullName('a.b.c', 'x', 'y')).toBe('a.b.c');
  });

  it('grants EXECUTE on the service and each MCP service to both principals, after the schema grants', () => {
    const d = want({ mcpServices: [{ name: 'github', connection: 'gh' }] });
    expect(d.grants.filter((g) => g.securable === 'model_service' || g.securable === 'mcp_service')).toEqual([
      { securable: 'model_service', fullName: 'cat.ops.skyloyalty_gateway', principal: 'sp-1', privileges: ['EXECUTE'] },
      { securable: 'mcp_service', fullName: 'cat.ops.github', principal: 'sp-1', privileges: ['EXECUTE'] },
      { securable: 'model_service', fullName: 'cat.ops.skyloyalty_gateway', principal: 'ops', privileges: ['EXECUTE'] },
      { securable: 'mcp_service', fullName: 'cat.ops.github', principal: 'ops', privileges: ['EXECUTE'] },
    ]);
    expect(d.grants[0]).toEqual({ securable: 'catalog', fullName: 'cat', principal: 'sp-1', privileges: ['USE_CATALOG'] });
    expect(want({ grants: { opsGroup: 'ops' } }).grants.filter((g) => g.securable === 'model_service').map((g) => g.principal)).toEqual(['ops']);
  });

  it('records the service and warns that guardrails are service policies, and of a grants opt-out', () => {
    const d = want({ grants: { optOut: 'lab' } });
    expect(d.record).toEqual({
      target: 'model_service',
      service_name: 'cat.ops.skyloyalty_gateway',
      status: 'applied',
      inference_table_prefix: 'gw',
      payload_table: 'cat.ops.gw_payload',
      destinations: ['system.ai.claude-sonnet-4-6'],
      fallback_destinations: [],
      grants_opt_out: 'lab',
    });
    expect(d.warnings).toEqual([
      GUARDRAIL_POLICY_WARNING,
      'Grants opted out ("lab"): no agent service principal or ops group gets EXECUTE on the service or access to the payload table; F4 expects both. The opt-out is recorded in the state file.',
    ]);
    expect(d.grants).toEqual([]);
    expect(want().warnings).toEqual([GUARDRAIL_POLICY_WARNING]);
  });
});

describe('modelServiceFindings', () => {
  it('always warns that the guardrails are policies to attach, and finds nothing else in a complete request', () => {
    expect(modelServiceFindings(request, facts, want())).toEqual([
      {
        rule: 'f4.guardrails',
        severity: 'warning',
        path: '/guardrails',
        message: GUARDRAIL_POLICY_WARNING,
        fix: 'Attach the Sensitive Data Detection and safety service policies to the model service in the workspace, then tick the F4 guardrail item',
      },
    ]);
  });

  it('asks for a name', () => {
    expect(findingsOf({ name: undefined })).toEqual([
      { rule: 'f4.gateway-form', severity: 'error', path: '/name', message: 'the model_service target creates a model service of its own, and no name was given', fix: 'Pass name, e.g. "skyloyalty_gateway"' },
    ]);
    expect(want({ name: undefined }).name).toBe('cat.ops.');
  });

  it('refuses a destination the workspace named no model for, with its problem and the call that settles it', () => {
    expect(findingsOf({ roles: ['custom'] })).toEqual([
      { rule: 'f4.audited-entities', severity: 'error', path: '/served/team-llm', message: 'no registered model was resolved for team-llm', fix: 'Plan again; the plan asks the workspace anew' },
    ]);
    const unlisted = { endpoint: SONNET, problem: `GET … names system.ai.claude-sonnet-4-6, but the workspace does not list it`, settle: 'Check system.ai in Catalog Explorer' };
    expect(findingsOf({}, { ...facts, models: { ...facts.models, [SONNET]: unlisted } })).toEqual([
      { rule: 'f4.audited-entities', severity: 'error', path: `/served/${SONNET}`, message: unlisted.problem, fix: unlisted.settle },
    ]);
  });

  it('limits destinations to 10 and fallbacks to 5', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => `databricks-m${i}`);
    const roles = many(12);
    const big = {
      llm_role_endpoints: Object.fromEntries(roles.map((e, i) => [`r${i}`, { endpoint: e, candidates: i === 0 ? [e, ...many(18).slice(12)] : [e], selected_after_probe: true }])),
      endpoint_guardrail_audit: Object.fromEntries(many(18).map((e) => [e, entry])),
    };
    const r = { ...request, roles: roles.map((_, i) => `r${i}`), fallback: true };
    const f = { ...facts, models: Object.fromEntries(many(18).map((e) => [e, named(e, e.replace('databricks-', 'system.ai.'))])) };
    const found = modelServiceFindings(r, f, desiredModelService(big, r, f)).filter((x) => x.rule.startsWith('unity.'));
    expect(found).toEqual([
      { rule: 'unity.destinations', severity: 'error', path: '/config/routing/destinations', message: '12 destinations: a model service routes to at most 10', fix: 'Serve fewer roles behind this service' },
      {
        rule: 'unity.fallbacks',
        severity: 'error',
        path: '/config/routing/fallback/destinations',
        message: '6 passing fallback candidates: a model service tries at most 5 fallbacks',
        fix: "Serve fewer roles, or trim the roles' candidate lists to the 5 to try, re-running the probe",
      },
    ]);
    const r10 = { ...r, roles: r.roles.slice(0, 10) };
    const withFive = { ...big, llm_role_endpoints: { ...big.llm_role_endpoints, r0: { ...big.llm_role_endpoints.r0, candidates: big.llm_role_endpoints.r0!.candidates.slice(0, 6) } } };
    expect(modelServiceFindings(r10, f, desiredModelService(withFive, r10, f)).filter((x) => x.rule.startsWith('unity.'))).toEqual([]);
  });

  it('asks for the principal or tag a rate limit needs', () => {
    const found = findingsOf({
      rateLimits: [
        { key: 'user_group', renewal_period: 'minute', calls: 1 },
        { key: 'service_principal', renewal_period: 'minute', calls: 1 },
        { key: 'request_tag', renewal_period: 'minute', calls: 1 },
        { key: 'user', renewal_period: 'minute', calls: 1 },
      ],
    });
    expect(found.map(({ path, message, fix }) => ({ path, message, fix }))).toEqual([
      { path: '/rate_limits/0/principal', message: 'a user_group limit needs a principal', fix: 'Pass principal: the group name or service principal application id' },
      { path: '/rate_limits/1/principal', message: 'a service_principal limit needs a principal', fix: 'Pass principal: the group name or service principal application id' },
      { path: '/rate_limits/2/request_tag_key', message: 'a request_tag limit needs request_tag_key', fix: 'Pass request_tag_key (e.g. "project") and optionally request_tag_value' },
    ]);
    expect(found.every((x) => x.rule === 'unity.rate-limits' && x.severity === 'error')).toBe(true);
  });

  it('refuses a prefix ending in "_" and names a missing schema', () => {
    expect(findingsOf({ tableNamePrefix: 'gw__' }, { ...facts, schemaMissing: true })).toEqual([
      {
        rule: 'f4.table-prefix',
        severity: 'error',
        path: '/config/inference_table/table_name_prefix',
        message: 'table_name_prefix "gw__" ends in "_": the payload table would be gw___payload',
        fix: 'Drop the trailing underscore(s): "gw"',
      },
      {
        rule: 'f4.gateway-form',
        severity: 'error',
        path: '/schema',
        message: 'the schema cat.ops does not exist, and the service and its inference table live in it',
        fix: 'Create the team schema first (CREATE SCHEMA cat.ops), or pass one that exists',
      },
    ]);
  });

  it('needs each MCP connection to exist and to be an HTTP connection', () => {
    const mcpServices = [
      { name: 'a', connection: 'missing' },
      { name: 'b', connection: 'x.y.jdbc' },
      { name: 'c', connection: 'ok' },
      { name: 'd', connection: 'gone' },
    ];
    const found = findingsOf({ mcpServices }, { ...facts, connections: { 'x.y.jdbc': 'JDBC', 'cat.ops.ok': 'HTTP', 'cat.ops.gone': null } });
    expect(found).toEqual([
      {
        rule: 'unity.mcp-connection',
        severity: 'error',
        path: '/mcp_services/a/connection',
        message: 'the UC connection cat.ops.missing does not exist',
        fix: "Create an HTTP connection to the MCP server first (CREATE CONNECTION missing TYPE HTTP OPTIONS (host '…', base_path '…', bearer_token secret('<scope>', '<key>')) in cat.ops), then plan again",
      },
      {
        rule: 'unity.mcp-connection',
        severity: 'error',
        path: '/mcp_services/b/connection',
        message: 'the UC connection x.y.jdbc is a JDBC connection; an MCP service needs an HTTP connection',
        fix: 'Create an HTTP connection to the MCP server and name it instead',
      },
      expect.objectContaining({ path: '/mcp_services/d/connection', message: 'the UC connection cat.ops.gone does not exist' }),
    ]);
  });
});

describe('immutableFindings', () => {
  const live = (inference_table: unknown): LiveModelGateway => ({ service: { name: 'x', config: { inference_table } }, mcp: {} });

  it('refuses to move the inference table of a live service', () => {
    expect(immutableFindings(want(), live({ parent: 'schemas/cat.old', table_name_prefix: 'old' }))).toEqual([
      {
        rule: 'unity.inference-table-immutable',
        severity: 'error',
        path: '/config/inference_table/parent',
        message: 'the inference table\'s parent of cat.ops.skyloyalty_gateway is "schemas/cat.old" and cannot change in place (asked: "schemas/cat.ops")',
        fix: 'Keep parent "schemas/cat.old"; to move the table, delete the model service and recreate it (its inference history stays in the old table). Nothing was changed',
      },
      {
        rule: 'unity.inference-table-immutable',
        severity: 'error',
        path: '/config/inference_table/table_name_prefix',
        message: 'the inference table\'s table_name_prefix of cat.ops.skyloyalty_gateway is "old" and cannot change in place (asked: "gw")',
        fix: 'Keep table_name_prefix "old"; to move the table, delete the model service and recreate it (its inference history stays in the old table). Nothing was changed',
      },
    ]);
  });

  it('finds nothing when the table matches, is unset, or there is no service', () => {
    expect(immutableFindings(want(), live({ parent: 'schemas/cat.ops', table_name_prefix: 'gw' }))).toEqual([]);
    expect(immutableFindings(want(), live({ table_name_prefix: 'gw' }))).toEqual([]);
    expect(immutableFindings(want(), live(undefined))).toEqual([]);
    expect(immutableFindings(want(), undefined)).toEqual([]);
  });
});

describe('buildModelServicePlan', () => {
  const snapshot = (gateway: LiveModelGateway | undefined, stateRecord?: Record<string, unknown>): LiveSnapshot<LiveModelGateway> => ({ endpoint: gateway, grants: {}, stateRecord });

  it('creates the service and its MCP services when none exists', () => {
    const d = want({ mcpServices: [{ name: 'gh', connection: 'gh' }], grants: {} });
    const plan = buildModelServicePlan(d, snapshot(undefined));
    expect(plan.action).toBe('create');
    expect(plan.changes[0]).toEqual({ path: '/name', from: null, to: 'cat.ops.skyloyalty_gateway' });
    expect(plan.changes).toContainEqual({ path: '/config/inference_table/table_name_prefix', from: null, to: 'gw' });
    expect(plan.changes).toContainEqual({ path: '/mcp_services/gh', from: null, to: d.mcp[0]!.body.config });
    expect(plan.steps).toEqual({
      putAiGateway: false,
      putConfig: false,
      moveInferenceTable: false,
      grants: [],
      recordState: true,
      services: [
        { kind: 'model-services', fullName: 'cat.ops.skyloyalty_gateway', action: 'create', updateMask: [] },
        { kind: 'mcp-services', fullName: 'cat.ops.gh', action: 'create', updateMask: [] },
      ],
    });
  });

  it('plans nothing for a live service that matches, whatever the server adds', () => {
    const d = want({ grants: {} });
    const config = {
      ...d.body.config,
      routing: { destinations: d.body.config.routing.destinations.map((x) => ({ ...(x as object), is_deleted: false })) },
      extra_default: [],
    };
    const gateway: LiveModelGateway = { service: { name: d.name, etag: 'e1', config }, mcp: {} };
    expect(buildModelServicePlan(d, snapshot(gateway, d.record))).toMatchObject({ action: 'none', changes: [], steps: { services: [], recordState: false } });
    expect(modelServiceMatches(d, gateway)).toBe(true);
    expect(modelServiceMatches(d, { service: undefined, mcp: {} })).toBe(false);
  });

  it('PATCHes only the changed leaf config fields, with the etag warning', () => {
    const d = want({ grants: {}, fallback: true });
    const gateway: LiveModelGateway = { service: { name: d.name, etag: 'e1', config: { ...d.body.config, routing: { destinations: d.body.config.routing.destinations }, rate_limits: [] } }, mcp: {} };
    const plan = buildModelServicePlan(d, snapshot(gateway, d.record));
    expect(plan.action).toBe('update');
    expect(plan.steps.services).toEqual([{ kind: 'model-services', fullName: d.name, action: 'update', updateMask: ['config.rate_limits', 'config.routing.fallback.destinations'] }]);
    expect(plan.warnings.at(-1)).toBe(
      'PATCH …/model-services/cat.ops.skyloyalty_gateway?update_mask=config.rate_limits,config.routing.fallback.destinations with the etag read now: if the service changes before apply, the update is refused and you plan again.',
    );
    expect(plan.changes.map((c) => c.path)).toEqual(['/config/rate_limits', '/config/routing/fallback/destinations']);
  });

  it('reads live fallback destinations without their server-filled members', () => {
    const d = want({ grants: {}, fallback: true });
    const routing = d.body.config.routing as { destinations: object[]; fallback: { destinations: object[] } };
    const live = { ...d.body.config, routing: { destinations: routing.destinations, fallback: { destinations: routing.fallback.destinations.map((x) => ({ ...x, is_deleted: false })) } } };
    expect(modelServiceMatches(d, { service: { name: d.name, config: live }, mcp: {} })).toBe(true);
    const noList = { ...live, routing: { destinations: 'x', fallback: {} } };
    expect(modelServiceMatches(want({ grants: {}, roles: [] }), { service: { name: d.name, config: noList }, mcp: {} })).toBe(true);
  });

  it('updates an MCP service whose config changed, and leaves a matching one', () => {
    const d = want({ grants: {}, mcpServices: [{ name: 'gh', connection: 'gh', includeTools: ['a'] }, { name: 'jira', connection: 'jira' }] });
    const gateway: LiveModelGateway = {
      service: { name: d.name, config: d.body.config },
      mcp: { gh: { name: 'gh', config: { source_connection: { name: 'connections/cat.ops.gh' } } }, jira: { name: 'jira', config: d.mcp[1]!.body.config } },
    };
    const plan = buildModelServicePlan(d, snapshot(gateway, d.record));
    expect(plan.changes).toEqual([{ path: '/mcp_services/gh/config/include_tool_selectors', from: null, to: ['a'] }]);
    expect(plan.steps.services).toEqual([{ kind: 'mcp-services', fullName: 'cat.ops.gh', action: 'update', updateMask: ['config.include_tool_selectors'] }]);
    expect(plan.action).toBe('update');
    const bare: LiveModelGateway = { ...gateway, mcp: { ...gateway.mcp, gh: { name: 'gh' } } };
    expect(buildModelServicePlan(d, snapshot(bare, d.record)).changes.map((c) => c.path)).toEqual([
      '/mcp_services/gh/config/include_tool_selectors',
      '/mcp_services/gh/config/source_connection/name',
    ]);
  });

  it('digests what the plan makes true and the etags it was made against', () => {
    const d = want();
    expect(modelServicePlanDigest(want())).toBe(modelServicePlanDigest(d));
    expect(modelServicePlanDigest(want({ mcpServices: [{ name: 'gh', connection: 'gh' }] }))).not.toBe(modelServicePlanDigest(d));
    expect(modelServicePlanDigest({ ...d, warnings: [] })).toBe(modelServicePlanDigest(d));
    const live = snapshot({ service: { name: 'x', etag: 'e1' }, mcp: { gh: { name: 'gh', etag: 'm1' } } }, { a: 1, updated_at: 't1' });
    const base = modelServiceLiveDigest(live);
    expect(modelServiceLiveDigest({ ...live, stateRecord: { a: 1, updated_at: 't2' } })).toBe(base);
    expect(modelServiceLiveDigest(snapshot({ service: { name: 'x', etag: 'e2' }, mcp: { gh: { name: 'gh', etag: 'm1' } } }, { a: 1 }))).not.toBe(base);
    expect(modelServiceLiveDigest(snapshot({ service: { name: 'x', etag: 'e1' }, mcp: { gh: { name: 'gh', etag: 'm2' } } }, { a: 1 }))).not.toBe(base);
    expect(modelServiceLiveDigest(snapshot({ service: { name: 'x', etag: 'e1' }, mcp: { gh: undefined } }, { a: 1 }))).not.toBe(base);
    expect(modelServiceLiveDigest(snapshot({ service: undefined, mcp: {} }))).not.toBe(modelServiceLiveDigest(snapshot(undefined)));
    expect(modelServiceLiveDigest({ ...live, grants: { 'catalog:c': {} } })).not.toBe(base);
  });
});
