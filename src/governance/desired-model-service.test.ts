import { describe, expect, it } from 'vitest';
import { DEFAULT_GUARDRAILS, DEFAULT_RATE_LIMITS, type GatewayRequest } from './desired-endpoint.js';
import { buildModelServicePlan, desiredModelService, leafMaskPath, modelServiceFindings, type ModelServiceFacts } from './desired-model-service.js';

const state = {
  llm_role_endpoints: { agent_chat: { endpoint: 'ep-a', candidates: ['ep-a', 'ep-c'], selected_after_probe: true } },
  endpoint_guardrail_audit: { 'ep-a': { short_chat_ok: true, streaming_ok: true, audited_at: new Date().toISOString() }, 'ep-c': { short_chat_ok: true, streaming_ok: true } },
};
const request: GatewayRequest = {
  name: 'svc',
  form: 'dedicated',
  provisionedUnits: 1,
  roles: ['agent_chat'],
  fallback: true,
  catalog: 'cat',
  schema: 'ops',
  tableNamePrefix: 'gw',
  rateLimits: DEFAULT_RATE_LIMITS,
  guardrails: DEFAULT_GUARDRAILS,
  grants: {},
};
const facts: ModelServiceFacts = {
  host: 'https://ws',
  connections: {},
  models: { 'ep-a': { endpoint: 'ep-a', model: 'system.ai.databricks-a', source: 'GET a' }, 'ep-c': { endpoint: 'ep-c', model: 'system.ai.c_v1', source: 'GET c' } },
};
const desired = desiredModelService(state, request, facts);
const snapshot = (config: Record<string, unknown>) => ({ endpoint: { service: { name: 'model-services/cat.ops.svc', etag: 'e1', config }, mcp: {} }, grants: {}, stateRecord: desired.record });

/** The desired config as a workspace GET returns it: output-only members added, int64 members as strings. */
function asWorkspaceReturns(): Record<string, unknown> {
  const config = structuredClone(desired.body.config) as any;
  for (const d of [...config.routing.destinations, ...config.routing.fallback.destinations]) d.is_deleted = false;
  for (const l of config.rate_limits) l.requests = String(l.requests);
  config.inference_table.table = 'tables/cat.ops.gw_payload';
  config.inference_table.is_deleted = false;
  config.routing.first_token_timeout = '30s';
  return config;
}

describe('model service plans', () => {
  it('routes to the registered models the workspace named, never a string edit of the endpoint name', () => {
    expect(desired.body.config.routing).toMatchObject({
      destinations: [{ name: 'databricks-a', pay_per_token_config: { model: 'models/system.ai.databricks-a' } }],
      fallback: { destinations: [{ name: 'c_v1', pay_per_token_config: { model: 'models/system.ai.c_v1' } }] },
    });
  });

  it('blocks an endpoint the workspace named no model for, with the problem and the call that settles it', () => {
    const unresolved: ModelServiceFacts = { ...facts, models: { ...facts.models, 'ep-c': { endpoint: 'ep-c', problem: 'nothing names a model for ep-c', settle: 'GET /api/2.0/serving-endpoints/ep-c' } } };
    const findings = modelServiceFindings(request, unresolved, desiredModelService(state, request, unresolved));
    expect(findings).toContainEqual(expect.objectContaining({ severity: 'error', path: '/served/ep-c', message: 'nothing names a model for ep-c', fix: 'GET /api/2.0/serving-endpoints/ep-c' }));
  });

  it('is unchanged against a GET with output-only fields, string int64s and routing members it does not manage', () => {
    const plan = buildModelServicePlan(desired, snapshot(asWorkspaceReturns()));
    expect(plan.changes).toEqual([]);
    expect(plan.action).toBe('none');
  });

  it('PATCHes leaf paths only, and the inference table only when it differs', () => {
    const live = asWorkspaceReturns() as any;
    live.routing.fallback.destinations = [];
    live.rate_limits[0].requests = '999';
    const plan = buildModelServicePlan(desired, snapshot(live));
    expect(plan.steps.services).toEqual([{ kind: 'model-services', fullName: 'cat.ops.svc', action: 'update', updateMask: ['config.rate_limits', 'config.routing.fallback.destinations'] }]);
  });

  it('PATCHes an MCP service on the changed leaf too, never the whole config', () => {
    const withMcp = desiredModelService(state, { ...request, mcpServices: [{ name: 'gh', connection: 'conn', requestsPerMinute: 30 }] }, facts);
    const live = { ...snapshot(asWorkspaceReturns()), endpoint: { service: { name: 'model-services/cat.ops.svc', etag: 'e1', config: asWorkspaceReturns() }, mcp: { gh: { name: 'mcp-services/cat.ops.gh', etag: 'm1', config: { source_connection: { name: 'connections/cat.ops.conn' }, rate_limits: [{ key: 'RATE_LIMIT_KEY_SERVICE', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: '60' }] } } } } };
    expect(buildModelServicePlan(withMcp, live).steps.services).toEqual([{ kind: 'mcp-services', fullName: 'cat.ops.gh', action: 'update', updateMask: ['config.rate_limits'] }]);
  });

  it.each([
    ['/config/routing/destinations', 'config.routing.destinations'],
    ['/config/routing/fallback', 'config.routing.fallback.destinations'],
    ['/config/routing/fallback/destinations', 'config.routing.fallback.destinations'],
    ['/config/rate_limits', 'config.rate_limits'],
    ['/config/inference_table/table_name_prefix', 'config.inference_table'],
  ])('maps the change at %s to the leaf mask %s', (path, mask) => {
    expect(leafMaskPath(path)).toBe(mask);
  });
});
