/**
 * The gateway F4 asks for, beyond the happy paths of plan-diff.test.ts: how traffic is shared between several
 * roles, which fallback each role gets, the record and warnings a reviewer sees, and every finding that blocks a
 * form or the grants, with the words that tell the agent what to change.
 */
import { describe, expect, it } from 'vitest';
import { gatewayRequest } from '../../test/support/gateway-request.js';
import { desiredGateway, desiredGrants, formFindings, grantFindings, type GatewayFacts, type GatewayRequest } from './desired-endpoint.js';

const entry = { short_chat_ok: true, streaming_ok: true, audited_at: new Date().toISOString() };
const bind = (endpoint: string, candidates: string[]) => ({ endpoint, candidates, selected_after_probe: true });

/** Three roles on three endpoints, each with a passing spare candidate; `shared` is bound twice. */
const state = {
  llm_role_endpoints: {
    agent_chat: bind('ep-a', ['ep-a', 'ep-spare']),
    tools: bind('ep-b', ['ep-b', 'ep-spare', 'ep-c']),
    summarizer: bind('ep-c', ['ep-c']),
    again: bind('ep-a', ['ep-a']),
  },
  endpoint_guardrail_audit: { 'ep-a': entry, 'ep-b': entry, 'ep-c': entry, 'ep-spare': entry },
};

const request = gatewayRequest({ tokenSecret: { scope: 'sc', key: 'k' }, provisionedUnits: 3, grants: { agentServicePrincipal: 'sp-1', opsGroup: 'ops' } });
const facts: GatewayFacts = { host: 'https://h', endpoints: { 'ep-a': { task: 'llm/v1/chat' }, 'ep-b': { task: 'llm/v1/chat' }, 'ep-c': { task: 'llm/v1/chat' }, 'ep-spare': { task: 'llm/v1/chat' } } };
const want = (overrides: Partial<GatewayRequest>, f: GatewayFacts = facts) => desiredGateway(state, { ...request, ...overrides }, f);
const findings = (overrides: Partial<GatewayRequest>, f: GatewayFacts = facts) => {
  const r = { ...request, ...overrides };
  return formFindings(r, f, desiredGateway(state, r, f)).map(({ path, message, fix }) => ({ path, message, fix }));
};

describe('served entities and traffic', () => {
  it('shares traffic between the primaries of several roles, the first taking the remainder, each endpoint once', () => {
    const d = want({ roles: ['agent_chat', 'tools', 'summarizer', 'again'] });
    expect(d.served).toEqual([
      { role: 'agent_chat', entityName: 'ep-a', kind: 'primary', trafficPercentage: 34 },
      { role: 'tools', entityName: 'ep-b', kind: 'primary', trafficPercentage: 33 },
      { role: 'summarizer', entityName: 'ep-c', kind: 'primary', trafficPercentage: 33 },
    ]);
    expect(d.body.config?.traffic_config.routes).toEqual([
      { served_entity_name: 'ep-a', traffic_percentage: 34 },
      { served_entity_name: 'ep-b', traffic_percentage: 33 },
      { served_entity_name: 'ep-c', traffic_percentage: 33 },
    ]);
    expect(d.body.ai_gateway).not.toHaveProperty('fallback_config');
  });

  it('gives each role the next passing candidate not served already, at 0 %', () => {
    const d = want({ roles: ['agent_chat', 'tools', 'summarizer'], fallback: true });
    expect(d.served.filter((s) => s.kind === 'fallback')).toEqual([{ role: 'agent_chat', entityName: 'ep-spare', kind: 'fallback', trafficPercentage: 0 }]);
    expect(d.body.ai_gateway.fallback_config).toEqual({ enabled: true });
  });

  it('serves nothing for a role without a passing bound endpoint', () => {
    const failing = { ...state, endpoint_guardrail_audit: { ...state.endpoint_guardrail_audit, 'ep-b': { ...entry, short_chat_ok: false } } };
    expect(desiredGateway(failing, { ...request, roles: ['tools'] }, facts).served).toEqual([]);
  });

  it('names served entities as the API allows, at most 63 characters', () => {
    const odd = 'ep.with/odd:chars-' + 'x'.repeat(60);
    const oddState = { llm_role_endpoints: { agent_chat: bind(odd, [odd]) }, endpoint_guardrail_audit: { [odd]: entry } };
    const d = desiredGateway(oddState, request, { host: 'https://h', endpoints: { [odd]: { task: 'llm/v1/chat' } } });
    expect(d.body.config?.served_entities[0]?.name).toBe(`ep-with-odd-chars-${'x'.repeat(45)}`);
    expect(d.body.config?.served_entities[0]?.external_model).toMatchObject({ name: odd });
  });

  it('wraps an endpoint whose task or token is unknown with empty fields the findings then name', () => {
    const d = want({ tokenSecret: undefined }, { host: 'https://h', endpoints: { 'ep-a': {} } });
    expect(d.body.config?.served_entities[0]?.external_model).toEqual({
      name: 'ep-a',
      provider: 'databricks-model-serving',
      task: '',
      databricks_model_serving_config: { databricks_workspace_url: 'https://h', databricks_api_token: '' },
    });
  });

  it('provisioned: whole chunks of model units or of a throughput band, or an empty entity when the workspace lists no model', () => {
    const d = want({ form: 'provisioned' }, { ...facts, provisioned: { 'ep-a': { model: 'system.ai.a', version: '2', sizing: { kind: 'model-units', chunkSize: 50 } } } });
    expect(d.body.config?.served_entities).toEqual([{ name: 'ep-a', entity_name: 'system.ai.a', entity_version: '2', provisioned_model_units: 150 }]);
    expect(d.provisionedInModelUnits).toBe(true);
    const band = want({ form: 'provisioned' }, { ...facts, provisioned: { 'ep-a': { model: 'system.ai.a', version: '2', sizing: { kind: 'throughput-band', chunkSize: 970 } } } });
    expect(band.body.config?.served_entities).toEqual([{ name: 'ep-a', entity_name: 'system.ai.a', entity_version: '2', min_provisioned_throughput: 0, max_provisioned_throughput: 2910 }]);
    expect(band.provisionedInModelUnits).toBe(false);
    const none = want({ form: 'provisioned' }, { ...facts, provisioned: { 'ep-a': { problem: 'not eligible' } } });
    expect(none.body.config?.served_entities).toEqual([{ name: 'ep-a', entity_name: '' }]);
    expect(want({ form: 'provisioned' }).body.config?.served_entities).toEqual([{ name: 'ep-a', entity_name: '' }]);
  });
});

describe('the ai_gateway block', () => {
  it('turns usage tracking on and sends each rate limit with only the fields it sets; request_tag limits are not a serving endpoint\'s', () => {
    const d = want({
      rateLimits: [
        { key: 'endpoint', renewal_period: 'minute', calls: 120 },
        { key: 'user_group', renewal_period: 'minute', tokens: 1000, principal: 'ops' },
        { key: 'request_tag', renewal_period: 'minute', calls: 5, request_tag_key: 'team', request_tag_value: 'a' },
        { key: 'service_principal', renewal_period: 'minute', calls: 3, tokens: 30, principal: 'sp-1' },
      ],
    });
    expect(d.body.ai_gateway.usage_tracking_config).toStrictEqual({ enabled: true });
    expect(d.body.ai_gateway.rate_limits).toStrictEqual([
      { key: 'endpoint', renewal_period: 'minute', calls: 120 },
      { key: 'user_group', renewal_period: 'minute', tokens: 1000, principal: 'ops' },
      { key: 'service_principal', renewal_period: 'minute', calls: 3, tokens: 30, principal: 'sp-1' },
    ]);
  });

  it('creates through the /pt routes only when a provisioned entity is sized in model units', () => {
    const units = { model: 'system.ai.a', version: '2', sizing: { kind: 'model-units' as const, chunkSize: 50 } };
    const band = { model: 'system.ai.b', version: '1', sizing: { kind: 'throughput-band' as const, chunkSize: 970 } };
    const roles = ['agent_chat', 'tools'];
    expect(want({ form: 'provisioned', roles }, { ...facts, provisioned: { 'ep-a': band, 'ep-b': units } }).provisionedInModelUnits).toBe(true);
    expect(want({ form: 'provisioned', roles }, { ...facts, provisioned: { 'ep-a': band, 'ep-b': { problem: 'x' } } }).provisionedInModelUnits).toBe(false);
    expect(want({ form: 'dedicated' }, { ...facts, provisioned: { 'ep-a': units } }).provisionedInModelUnits).toBe(false);
  });
});

describe('the request as recorded and warned about', () => {
  it('records the dedicated gateway with its token secret, and the payload table the prefix names', () => {
    const d = want({ tableNamePrefix: 'team_gw' });
    expect(d.payloadTable).toBe('cat.ops.team_gw_payload');
    expect(d.record).toEqual({
      endpoint_name: 'gw',
      status: 'applied',
      form: 'dedicated',
      inference_table_prefix: 'team_gw',
      payload_table: 'cat.ops.team_gw_payload',
      served_entities: ['ep-a'],
      token_secret: 'sc/k',
    });
    expect(d.body.ai_gateway.inference_table_config).toEqual({ enabled: true, catalog_name: 'cat', schema_name: 'ops', table_name_prefix: 'team_gw' });
    expect(d.warnings).toEqual([]);
  });

  it('records no token secret for another form, and the grants opt-out with its warning', () => {
    const d = want({ form: 'provisioned', grants: { optOut: 'lab workspace' } });
    expect(d.record).not.toHaveProperty('token_secret');
    expect(d.record.grants_opt_out).toBe('lab workspace');
    expect(d.warnings).toEqual([
      'Grants opted out ("lab workspace"): no agent service principal or ops group gets access to the payload table; F4 expects both. The opt-out is recorded in the state file.',
    ]);
    expect(d.grants).toEqual([]);
  });

  it('attach: warns that an endpoint of its own affects every caller', () => {
    const own = { llm_role_endpoints: { agent_chat: bind('team-llm', ['team-llm']) }, endpoint_guardrail_audit: { 'team-llm': entry } };
    const d = desiredGateway(own, { ...request, form: 'attach', name: undefined }, facts);
    expect(d.name).toBe('team-llm');
    expect(d.warnings).toEqual([
      'attach configures the AI Gateway of team-llm itself: every caller of this endpoint is affected. This form cannot carry fallbacks; use form "dedicated" for an endpoint of the team\'s own.',
    ]);
  });

  it('attach: warns that a pay-per-token endpoint is shared by the whole workspace', () => {
    const ppt = { llm_role_endpoints: { agent_chat: bind('databricks-x', ['databricks-x']) }, endpoint_guardrail_audit: { 'databricks-x': entry } };
    expect(desiredGateway(ppt, { ...request, form: 'attach', name: undefined }, facts).warnings[0]).toBe(
      'attach configures the AI Gateway of databricks-x itself: a pay-per-token endpoint is shared by the whole workspace, so its rate limits, guardrails and inference table apply to every caller, not only the agents of this team. This form cannot carry fallbacks; use form "dedicated" for an endpoint of the team\'s own.',
    );
  });

  it('attach with no served endpoint falls back to the requested name, or none', () => {
    expect(want({ form: 'attach', roles: [] }).name).toBe('gw');
    expect(want({ form: 'attach', roles: [], name: undefined }).name).toBe('');
    expect(want({ name: undefined }).name).toBe('');
  });
});

describe('formFindings', () => {
  it('finds nothing in a complete dedicated request', () => {
    expect(findings({})).toEqual([]);
  });

  it('asks for a name for the forms that create an endpoint', () => {
    expect(findings({ form: 'provisioned', name: undefined }, { ...facts, provisioned: { 'ep-a': { model: 'm', version: '1', sizing: { kind: 'model-units' as const, chunkSize: 50 } } } })).toEqual([
      { path: '/name', message: 'form "provisioned" creates an endpoint of its own, and no name was given', fix: 'Pass name, e.g. "skyloyalty-ai-gateway"' },
    ]);
  });

  it('refuses fallbacks outside the dedicated form', () => {
    expect(findings({ form: 'provisioned', fallback: true }, { ...facts, provisioned: { 'ep-a': { model: 'm', version: '1', sizing: { kind: 'model-units' as const, chunkSize: 50 } } } })).toEqual([
      { path: '/fallback', message: 'form "provisioned" cannot carry fallbacks: Databricks falls back between external models only', fix: 'Use form "dedicated" for fallbacks, or pass fallback: false' },
    ]);
  });

  it('attach: one endpoint at a time, and only under its own name', () => {
    expect(findings({ form: 'attach', roles: ['agent_chat', 'tools'], name: undefined })).toEqual([
      {
        path: '/roles',
        message: 'attach configures one endpoint, and these roles are bound to 2 (ep-a, ep-b)',
        fix: 'Attach one role at a time, or use form "dedicated" to serve several endpoints behind one gateway',
      },
    ]);
    expect(findings({ form: 'attach', name: 'ep-a' })).toEqual([]);
    expect(findings({ form: 'attach', name: 'mine' })).toEqual([
      {
        path: '/name',
        message: 'attach configures the audited endpoint ep-a itself, not an endpoint named mine',
        fix: 'Leave name out (or pass "ep-a"), or use form "dedicated" for a gateway named mine',
      },
    ]);
  });

  it('finds nothing in a complete dedicated gateway of several roles and their fallbacks', () => {
    expect(findings({ roles: ['agent_chat', 'tools', 'summarizer'], fallback: true })).toEqual([]);
  });

  it('attach counts the bound endpoints, not the fallbacks it cannot carry', () => {
    expect(findings({ form: 'attach', name: undefined, fallback: true }).map((f) => f.path)).toEqual(['/fallback']);
  });

  it('names an audited endpoint the workspace was not asked about as reporting no task', () => {
    expect(findings({}, { host: 'https://h', endpoints: {} }).map((f) => f.message)).toEqual(['the endpoint ep-a reports no task, so the external model wrapping it cannot be typed']);
  });

  it('reads Provisioned Throughput problems only for the provisioned form', () => {
    expect(findings({}, { ...facts, provisioned: { 'ep-a': { problem: 'system.ai.a is not eligible' } } })).toEqual([]);
  });

  it('names an audited endpoint the workspace lacks, or one that reports no task', () => {
    expect(findings({}, { host: 'https://h', endpoints: { 'ep-a': null } })).toEqual([
      {
        path: '/served/ep-a',
        message: 'the audited endpoint ep-a does not exist in this workspace',
        fix: 'Check the workspace: the audit must name endpoints of the workspace the gateway is created in; re-run the role endpoint probe there',
      },
    ]);
    expect(findings({}, { host: 'https://h', endpoints: { 'ep-a': {} } })).toEqual([
      {
        path: '/served/ep-a',
        message: 'the endpoint ep-a reports no task, so the external model wrapping it cannot be typed',
        fix: 'Check the endpoint in the Serving UI; a pay-per-token chat endpoint reports llm/v1/chat',
      },
    ]);
    expect(findings({ form: 'provisioned' }, { host: 'https://h', endpoints: { 'ep-a': {} }, provisioned: { 'ep-a': { model: 'm', version: '1', sizing: { kind: 'model-units' as const, chunkSize: 50 } } } })).toEqual([]);
  });

  it('passes on why the workspace cannot serve a model with Provisioned Throughput', () => {
    expect(findings({ form: 'provisioned' }, { ...facts, provisioned: { 'ep-a': { problem: 'system.ai.a is not eligible' } } })).toEqual([
      {
        path: '/served/ep-a',
        message: 'system.ai.a is not eligible',
        fix: 'Use form "dedicated" (external models wrapping the pay-per-token endpoint), or choose a role endpoint whose model the workspace lists as eligible for Provisioned Throughput',
      },
    ]);
  });

  it('names a missing schema and how to create it', () => {
    expect(findings({}, { ...facts, schemaMissing: true })).toEqual([
      {
        path: '/schema',
        message: 'the schema cat.ops does not exist, and the inference table lands in it',
        fix: 'Create the team schema first (CREATE SCHEMA cat.ops, by its owner), or pass the catalog and schema of one that exists',
      },
    ]);
  });

  it('asks for the token secret of a dedicated gateway, and says how to create a missing one', () => {
    expect(findings({ tokenSecret: undefined })).toEqual([
      {
        path: '/token_secret',
        message: 'form "dedicated" calls the wrapped endpoints with a token kept in a secret, and no token_secret was named',
        fix: 'Pass token_secret "scope/key" naming a Databricks secret that holds a token of the identity the gateway calls with (databricks secrets put-secret <scope> <key>)',
      },
    ]);
    expect(findings({}, { ...facts, secretProblem: 'the scope sc does not exist' })).toEqual([
      {
        path: '/token_secret',
        message: 'the scope sc does not exist',
        fix: 'Create it without printing the token: databricks secrets create-scope sc (if the scope is missing), then databricks secrets put-secret sc k; plan again',
      },
    ]);
    expect(findings({ form: 'provisioned', tokenSecret: undefined }, { ...facts, secretProblem: 'x', provisioned: { 'ep-a': { model: 'm', version: '1', sizing: { kind: 'model-units' as const, chunkSize: 50 } } } })).toEqual([]);
  });

  it('files every finding under the gateway-form rule as an error', () => {
    const r = { ...request, tokenSecret: undefined };
    expect(formFindings(r, facts, desiredGateway(state, r, facts))).toEqual([expect.objectContaining({ rule: 'f4.gateway-form', severity: 'error' })]);
  });
});

describe('grants', () => {
  it('grants the catalog and the schema to each principal named, with overrides de-duplicated', () => {
    expect(desiredGrants({ ...request, grants: { opsGroup: 'ops', opsPrivileges: ['SELECT', 'SELECT', 'USE_SCHEMA'] } })).toEqual([
      { securable: 'catalog', fullName: 'cat', principal: 'ops', privileges: ['USE_CATALOG'] },
      { securable: 'schema', fullName: 'cat.ops', principal: 'ops', privileges: ['SELECT', 'USE_SCHEMA'] },
    ]);
  });

  it('requires both principals unless the caller opts out', () => {
    expect(grantFindings({ ...request, grants: {} })).toEqual([
      {
        rule: 'f4.grants-required',
        severity: 'error',
        path: '/grants/agent_service_principal',
        message: 'the agent service principal is not named: F4 grants it explicit access to the payload table, and without it the live check of the gateway fails',
        fix: "Pass grants.agent_service_principal (the application id of the agents' service principal), or grants.opt_out_reason to go without grants on purpose (recorded in the state file)",
      },
      {
        rule: 'f4.grants-required',
        severity: 'error',
        path: '/grants/ops_group',
        message: 'the ops group is not named: F4 grants it explicit access to the payload table, and without it the live check of the gateway fails',
        fix: 'Pass grants.ops_group (the group that reads the tables), or grants.opt_out_reason to go without grants on purpose (recorded in the state file)',
      },
    ]);
    expect(grantFindings({ ...request, grants: { optOut: 'lab' } })).toEqual([]);
    expect(grantFindings(request)).toEqual([]);
  });

  it('refuses ALL_PRIVILEGES in either override, by position', () => {
    const found = grantFindings({ ...request, grants: { ...request.grants, agentPrivileges: ['SELECT', 'ALL_PRIVILEGES'], opsPrivileges: ['ALL PRIVILEGES'] } });
    expect(found.map(({ rule, path, message }) => ({ rule, path, message }))).toEqual([
      { rule: 'f4.explicit-grants', path: '/grants/agent_privileges/1', message: 'ALL_PRIVILEGES was asked for: grants on the inference and usage tables are explicit (the F2 pattern), never ALL_PRIVILEGES' },
      { rule: 'f4.explicit-grants', path: '/grants/ops_privileges/0', message: 'ALL PRIVILEGES was asked for: grants on the inference and usage tables are explicit (the F2 pattern), never ALL_PRIVILEGES' },
    ]);
    expect(found[0]).toMatchObject({ severity: 'error', fix: 'Ask for the specific privileges instead: USE_SCHEMA, SELECT and MODIFY for the agent service principal; USE_SCHEMA and SELECT for the ops group' });
  });
});
