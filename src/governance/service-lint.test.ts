import { describe, expect, it } from 'vitest';
import { bodyKindOf, lintMcpServiceBody, lintModelServiceBody } from './service-lint.js';

const ppt = (model: string, name = model) => ({ name, destination_type: 'DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL', pay_per_token_config: { model: `models/system.ai.${model}` } });
const good = () => ({
  config: {
    routing: { destinations: [ppt('claude-sonnet-4-6')], fallback: { destinations: [ppt('gpt-oss-120b')] } },
    rate_limits: [
      { key: 'RATE_LIMIT_KEY_SERVICE', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 120 },
      { key: 'RATE_LIMIT_KEY_USER_DEFAULT', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 20 },
    ],
    inference_table: { parent: 'schemas/main.team', table_name_prefix: 'gw' },
  },
});
const pass = { short_chat_ok: true, streaming_ok: true, long_context_ok: true, accepted_min_context_chars: 1, audited_at: new Date().toISOString() };
const state = {
  llm_role_endpoints: { agent_chat: { endpoint: 'databricks-claude-sonnet-4-6', candidates: ['databricks-claude-sonnet-4-6', 'databricks-gpt-oss-120b'], selected_after_probe: true } },
  endpoint_guardrail_audit: { 'databricks-claude-sonnet-4-6': pass, 'databricks-gpt-oss-120b': pass },
};
const errorsOf = (body: unknown, withState = false) => lintModelServiceBody(body, withState ? { state } : {}).findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.path}`);

describe('model-service bodies', () => {
  it('passes the F4 body, with the guardrail policy reminder as a warning', () => {
    const result = lintModelServiceBody(good(), { state });
    expect(result.valid).toBe(true);
    expect(result.findings).toEqual([expect.objectContaining({ rule: 'f4.guardrails', severity: 'warning' })]);
  });

  it.each([
    ['11 destinations', (b: any) => (b.config.routing.destinations = Array.from({ length: 11 }, (_, i) => ppt('gpt-oss-120b', `d${i}`))), 'unity.shape /config/routing/destinations'],
    ['6 fallbacks', (b: any) => (b.config.routing.fallback.destinations = Array.from({ length: 6 }, (_, i) => ppt('gpt-oss-120b', `f${i}`))), 'unity.shape /config/routing/fallback/destinations'],
    ['two configs', (b: any) => (b.config.routing.destinations[0].external_model_config = {}), 'unity.shape /config/routing/destinations/0'],
    ['a bad key', (b: any) => (b.config.rate_limits[0].key = 'endpoint'), 'unity.shape /config/rate_limits/0/key'],
    ['a user limit without principal', (b: any) => (b.config.rate_limits[1].key = 'RATE_LIMIT_KEY_USER'), 'unity.shape /config/rate_limits/1/principal'],
    ['no rate limits', (b: any) => (b.config.rate_limits = []), 'f4.rate-limits /config/rate_limits'],
    ['a trailing underscore', (b: any) => (b.config.inference_table.table_name_prefix = 'gw_'), 'f4.table-prefix /config/inference_table/table_name_prefix'],
    ['no inference table', (b: any) => delete b.config.inference_table, 'f4.inference-tables /config/inference_table'],
    ['guardrails as a field', (b: any) => (b.config.guardrails = {}), 'unity.shape /config/guardrails'],
  ])('refuses %s', (_label, mutate, expected) => {
    const body = good();
    mutate(body);
    expect(errorsOf(body)).toContain(expected);
  });

  it('with a state file, refuses a destination no audited passing endpoint stands behind', () => {
    const body = good();
    body.config.routing.fallback.destinations.push(ppt('llama-4-maverick'));
    expect(errorsOf(body, true)).toEqual(['f4.audited-entities /config/routing']);
  });
});

describe('MCP-service bodies and the shape switch', () => {
  it('checks the connection name and request-only limits', () => {
    expect(lintMcpServiceBody({ config: { source_connection: { name: 'connections/main.team.github' } } }).valid).toBe(true);
    const bad = lintMcpServiceBody({ config: { source_connection: { name: 'github' }, rate_limits: [{ key: 'RATE_LIMIT_KEY_SERVICE', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', tokens: 5 }] } });
    expect(bad.findings.map((f) => f.path)).toEqual(['/config/source_connection/name', '/config/rate_limits/0/tokens']);
  });

  it('reads the API from the body shape', () => {
    expect(bodyKindOf(good())).toBe('model_service');
    expect(bodyKindOf({ config: { source_connection: {} } })).toBe('mcp_service');
    expect(bodyKindOf({ name: 'x', config: { served_entities: [] } })).toBe('serving_endpoint');
  });
});

type Found = ReturnType<typeof lintModelServiceBody>['findings'];

describe('what each broken model-service body is told', () => {
  const cases: Array<[string, (b: any) => unknown, boolean, Found]> = [
    ['no config', (b: any) => delete b.config, false, [
        { rule: 'unity.shape', severity: 'error', path: '/config', message: "a model service body needs config {routing, rate_limits, inference_table}", fix: "Pass {\"config\": {\"routing\": {\"destinations\": [...]}, ...}}" },
      ]],
    ['guardrails as a field', (b: any) => (b.config.guardrails = {}), false, [
        { rule: 'unity.shape', severity: 'error', path: '/config/guardrails', message: "guardrails are not a field of a model service: Unity AI Gateway applies them as Unity Catalog service policies attached to the service", fix: "Remove config.guardrails and attach the Sensitive Data Detection and safety policies to the service" },
      ]],
    ['no destinations', (b: any) => (b.config.routing = {}), false, [
        { rule: 'unity.shape', severity: 'error', path: '/config/routing/destinations', message: "0 destinations: a model service routes to 1 to 10", fix: "List between 1 and 10 destinations" },
      ]],
    ['ten destinations, shares summing to 100', (b: any) => (b.config.routing.destinations = Array.from({ length: 10 }, (_, i) => ({ ...ppt('claude-sonnet-4-6', `d${i}`), traffic_percentage: 10 }))), false, []],
    ['shares summing to 90', (b: any) => (b.config.routing.destinations = [{ ...ppt('claude-sonnet-4-6', 'a'), traffic_percentage: 60 }, { ...ppt('claude-sonnet-4-6', 'b'), traffic_percentage: 30 }]), false, [
        { rule: 'unity.shape', severity: 'error', path: '/config/routing/destinations', message: "traffic_percentage values sum to 90, not 100", fix: "Make the shares sum to 100, or leave them out with one destination" },
      ]],
    ['five fallbacks', (b: any) => (b.config.routing.fallback.destinations = Array.from({ length: 5 }, (_, i) => ppt('gpt-oss-120b', `f${i}`))), false, []],
    ['a destination that is a string', (b: any) => (b.config.routing.destinations[0] = 'sonnet'), false, [
        { rule: 'unity.shape', severity: 'error', path: '/config/routing/destinations/0', message: "a destination must be an object", fix: "Pass {name, destination_type, <one config>}" },
      ]],
    ['a nameless destination of an unknown type with no config', (b: any) => (b.config.routing.destinations[0] = { name: '', destination_type: 'SERVING' }), false, [
        { rule: 'unity.shape', severity: 'error', path: '/config/routing/destinations/0/name', message: "a destination needs a name", fix: "Name it, e.g. after its model" },
        { rule: 'unity.shape', severity: 'error', path: '/config/routing/destinations/0/destination_type', message: "destination_type \"SERVING\" is not one of DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL, DESTINATION_TYPE_PROVISIONED_THROUGHPUT_FOUNDATION_MODEL, DESTINATION_TYPE_EXTERNAL_FOUNDATION_MODEL", fix: "Use DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL for a system.ai model" },
        { rule: 'unity.shape', severity: 'error', path: '/config/routing/destinations/0', message: "a destination takes exactly one of pay_per_token_config, provisioned_throughput_config, external_model_config; this one has none", fix: "Keep only the config of its type" },
      ]],
    ['a destination whose config does not match its type', (b: any) => (b.config.routing.destinations[0] = { name: 'x', destination_type: 'DESTINATION_TYPE_EXTERNAL_FOUNDATION_MODEL', pay_per_token_config: { model: 'models/system.ai.x' } }), false, [
        { rule: 'unity.shape', severity: 'error', path: '/config/routing/destinations/0', message: "a destination takes exactly one of pay_per_token_config, provisioned_throughput_config, external_model_config, and DESTINATION_TYPE_EXTERNAL_FOUNDATION_MODEL takes external_model_config; this one has pay_per_token_config", fix: "Keep only external_model_config" },
      ]],
    ['a model that is not a three-part name', (b: any) => (b.config.routing.fallback.destinations[0].pay_per_token_config.model = 'system.ai.x'), false, [
        { rule: 'unity.shape', severity: 'error', path: '/config/routing/fallback/destinations/0/pay_per_token_config/model', message: "model \"system.ai.x\" is not models/{catalog}.{schema}.{model}", fix: "e.g. models/system.ai.databricks-claude-sonnet-4-6" },
      ]],
    ['a model that is missing', (b: any) => (b.config.routing.destinations[0].pay_per_token_config = {}), false, [
        { rule: 'unity.shape', severity: 'error', path: '/config/routing/destinations/0/pay_per_token_config/model', message: "model undefined is not models/{catalog}.{schema}.{model}", fix: "e.g. models/system.ai.databricks-claude-sonnet-4-6" },
      ]],
    ['rate limits that are not a list', (b: any) => (b.config.rate_limits = { key: 'RATE_LIMIT_KEY_SERVICE' }), false, [
        { rule: 'unity.shape', severity: 'error', path: '/config/rate_limits', message: "rate_limits must be a list", fix: "Pass a list of {key, renewal_period, requests?, tokens?}" },
        { rule: 'f4.rate-limits', severity: 'error', path: '/config/rate_limits', message: "no rate limit is set: one runaway agent can exhaust the workspace quota", fix: "Add RATE_LIMIT_KEY_SERVICE and RATE_LIMIT_KEY_USER_DEFAULT limits per minute (F4: 120 and 20 requests)" },
      ]],
    ['a rate limit that is not an object', (b: any) => (b.config.rate_limits[1] = 'user'), false, [
        { rule: 'unity.shape', severity: 'error', path: '/config/rate_limits/1', message: "a rate limit must be an object", fix: "Pass {key, renewal_period, requests}" },
      ]],
    ['a limit with an hourly period, a wrong period and no amount', (b: any) => (b.config.rate_limits = [{ key: 'RATE_LIMIT_KEY_SERVICE', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_HOUR', tokens: 1 }, { key: 'RATE_LIMIT_KEY_USER_DEFAULT', renewal_period: 'MINUTE' }]), false, [
        { rule: 'unity.shape', severity: 'error', path: '/config/rate_limits/1/renewal_period', message: "renewal_period \"MINUTE\" is not one of RATE_LIMIT_RENEWAL_PERIOD_MINUTE, RATE_LIMIT_RENEWAL_PERIOD_HOUR", fix: "Use RATE_LIMIT_RENEWAL_PERIOD_MINUTE" },
        { rule: 'unity.shape', severity: 'error', path: '/config/rate_limits/1', message: "a rate limit sets neither requests nor tokens", fix: "Set requests (and/or tokens) per period" },
      ]],
    ['a service limit with a principal', (b: any) => (b.config.rate_limits[0].principal = 'ops'), false, [
        { rule: 'unity.shape', severity: 'error', path: '/config/rate_limits/0/principal', message: "RATE_LIMIT_KEY_SERVICE must not name a principal", fix: "Remove principal" },
      ]],
    ['a group limit with a principal', (b: any) => (b.config.rate_limits.push({ key: 'RATE_LIMIT_KEY_USER_GROUP', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 5, principal: 'ops' })), false, []],
    ['a service principal limit without one', (b: any) => (b.config.rate_limits.push({ key: 'RATE_LIMIT_KEY_SERVICE_PRINCIPAL', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 5 })), false, [
        { rule: 'unity.shape', severity: 'error', path: '/config/rate_limits/2/principal', message: "RATE_LIMIT_KEY_SERVICE_PRINCIPAL needs a principal (user, group or service principal application id)", fix: "Set principal" },
      ]],
    ['a tag limit without a tag key', (b: any) => (b.config.rate_limits.push({ key: 'RATE_LIMIT_KEY_REQUEST_TAG', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 5 })), false, [
        { rule: 'unity.shape', severity: 'error', path: '/config/rate_limits/2/request_tag_key', message: "RATE_LIMIT_KEY_REQUEST_TAG needs request_tag_key", fix: "Match request_tag_key to the key" },
      ]],
    ['a tag limit with its tag key', (b: any) => (b.config.rate_limits.push({ key: 'RATE_LIMIT_KEY_REQUEST_TAG', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 5, request_tag_key: 'project' })), false, []],
    ['a tag key on another key', (b: any) => (b.config.rate_limits[0].request_tag_key = 'project'), false, [
        { rule: 'unity.shape', severity: 'error', path: '/config/rate_limits/0/request_tag_key', message: "request_tag_key is only valid with RATE_LIMIT_KEY_REQUEST_TAG", fix: "Match request_tag_key to the key" },
      ]],
    ['a disabled inference table', (b: any) => (b.config.inference_table.disabled = true), false, [
        { rule: 'f4.inference-tables', severity: 'error', path: '/config/inference_table', message: "the inference table is not configured (or disabled): the audit trail cannot be rebuilt after an incident", fix: "Set config.inference_table {\"parent\": \"schemas/<catalog>.<team schema>\", \"table_name_prefix\": \"gw\"}" },
      ]],
    ['an inference table in a default schema', (b: any) => (b.config.inference_table.parent = 'schemas/main.Default'), false, [
        { rule: 'f4.inference-tables', severity: 'error', path: '/config/inference_table/parent', message: "the inference table lands in a \"default\" schema: governance of the payload table is unclear there", fix: "Use a team-owned schema" },
      ]],
    ['an inference table parent that is not a schema', (b: any) => (b.config.inference_table.parent = 'main.team'), false, [
        { rule: 'unity.shape', severity: 'error', path: '/config/inference_table/parent', message: "parent \"main.team\" is not schemas/{catalog}.{schema}", fix: "e.g. schemas/main.skyloyalty_ops" },
      ]],
    ['a prefix with two trailing underscores', (b: any) => (b.config.inference_table.table_name_prefix = 'gw__'), false, [
        { rule: 'f4.table-prefix', severity: 'error', path: '/config/inference_table/table_name_prefix', message: "table_name_prefix \"gw__\" ends in \"_\": the payload table would be gw___payload", fix: "Drop the trailing underscore(s): \"gw\"" },
      ]],
    ['a destination of a model no audited endpoint stands behind', (b: any) => (b.config.routing.destinations.push(ppt('llama-4-maverick', 'l'), { name: 'ext', destination_type: 'DESTINATION_TYPE_EXTERNAL_FOUNDATION_MODEL', external_model_config: {} }, { name: 'odd', destination_type: 'DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL', pay_per_token_config: { model: 'models/main.ml.custom' } })), true, [
        { rule: 'f4.audited-entities', severity: 'error', path: '/config/routing', message: "system.ai.llama-4-maverick is not the model of a bound endpoint that passed its role probe, nor of a passing candidate (databricks-llama-4-maverick)", fix: "Route only to models behind audited, passing endpoints; re-run the role endpoint probe for others" },
        { rule: 'f4.audited-entities', severity: 'error', path: '/config/routing', message: "main.ml.custom is not the model of a bound endpoint that passed its role probe, nor of a passing candidate (no pay-per-token endpoint)", fix: "Route only to models behind audited, passing endpoints; re-run the role endpoint probe for others" },
      ]],
  ];

  it.each(cases.map(([name, edit, withState, found]) => ({ name, edit, withState, found })))('$name', ({ edit, withState, found }) => {
    const body: any = good();
    edit(body);
    const result = lintModelServiceBody(body, withState ? { state } : {});
    expect(result.findings.filter((f) => f.rule !== 'f4.guardrails')).toEqual(found);
    expect(result.valid).toBe(found.length === 0);
  });
});

describe('what each MCP-service body is told', () => {
  const cases: Array<[string, unknown, Found]> = [
    ['no config', {}, [
        { rule: 'unity.shape', severity: 'error', path: '/config/source_connection/name', message: "source_connection.name undefined is not connections/{catalog}.{schema}.{connection}", fix: "Name an existing UC HTTP connection as connections/<catalog>.<schema>.<connection>" },
      ]],
    ['a connection name with four parts', { config: { source_connection: { name: 'connections/a.b.c.d' } } }, [
        { rule: 'unity.shape', severity: 'error', path: '/config/source_connection/name', message: "source_connection.name \"connections/a.b.c.d\" is not connections/{catalog}.{schema}.{connection}", fix: "Name an existing UC HTTP connection as connections/<catalog>.<schema>.<connection>" },
      ]],
    ['selectors that are not a list', { config: { source_connection: { name: 'connections/a.b.c' }, include_tool_selectors: 'search_*' } }, [
        { rule: 'unity.shape', severity: 'error', path: '/config/include_tool_selectors', message: "include_tool_selectors must be a list of tool names or prefix patterns of at most 256 characters", fix: "e.g. [\"search_*\", \"get_issue\"]; an empty list exposes every tool" },
      ]],
    ['a selector over 256 characters', { config: { source_connection: { name: 'connections/a.b.c' }, include_tool_selectors: ['ok', 'x'.repeat(257)] } }, [
        { rule: 'unity.shape', severity: 'error', path: '/config/include_tool_selectors', message: "include_tool_selectors must be a list of tool names or prefix patterns of at most 256 characters", fix: "e.g. [\"search_*\", \"get_issue\"]; an empty list exposes every tool" },
      ]],
    ['selectors at 256 characters', { config: { source_connection: { name: 'connections/a.b.c' }, include_tool_selectors: ['x'.repeat(256)] } }, []],
    ['a limit by token', { config: { source_connection: { name: 'connections/a.b.c' }, rate_limits: [{ key: 'RATE_LIMIT_KEY_SERVICE', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 1, tokens: 5 }] } }, [
        { rule: 'unity.shape', severity: 'error', path: '/config/rate_limits/0/tokens', message: "MCP service rate limits count requests only", fix: "Use requests" },
      ]],
  ];

  it.each(cases)('%s', (_name, body, found) => {
    expect(lintMcpServiceBody(body)).toEqual({ valid: found.length === 0, findings: found });
  });
});

describe('model-service bodies, the remaining shapes', () => {
  const shape = (path: string, message: string, fix: string) => ({ rule: 'unity.shape', severity: 'error', path, message, fix });
  const findingsOf = (edit: (b: any) => unknown) => {
    const body: any = good();
    edit(body);
    return lintModelServiceBody(body).findings.filter((f) => f.rule !== 'f4.guardrails');
  };

  it('reads a config that is not an object as no config, for the kind and the lint alike', () => {
    expect(bodyKindOf({ config: 'routing' })).toBe('serving_endpoint');
    expect(lintModelServiceBody({ config: 'routing' }).findings).toEqual([
      shape('/config', 'a model service body needs config {routing, rate_limits, inference_table}', 'Pass {"config": {"routing": {"destinations": [...]}, ...}}'),
    ]);
  });

  it('reminds that guardrails are policies, as a warning on the config', () => {
    expect(lintModelServiceBody(good()).findings).toEqual([
      {
        rule: 'f4.guardrails',
        severity: 'warning',
        path: '/config',
        message: 'PII and safety guardrails are service policies on this target and cannot be checked in the body',
        fix: 'Attach the Sensitive Data Detection (deny or mask) and safety policies to the service in Catalog Explorer',
      },
    ]);
  });

  it.each<[string, (b: any) => unknown, object[]]>([
    ['six fallbacks', (b) => (b.config.routing.fallback.destinations = Array.from({ length: 6 }, (_, i) => ppt('gpt-oss-120b', `f${i}`))), [shape('/config/routing/fallback/destinations', '6 fallback destinations: at most 5 are tried', 'Keep the 5 to try first, in order')]],
    ['a name that is not a string', (b) => (b.config.routing.destinations[0].name = 7), [shape('/config/routing/destinations/0/name', 'a destination needs a name', 'Name it, e.g. after its model')]],
    [
      'a type given as a list',
      (b) => (b.config.routing.destinations[0].destination_type = ['DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL']),
      [
        shape('/config/routing/destinations/0/destination_type', 'destination_type ["DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL"] is not one of DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL, DESTINATION_TYPE_PROVISIONED_THROUGHPUT_FOUNDATION_MODEL, DESTINATION_TYPE_EXTERNAL_FOUNDATION_MODEL', 'Use DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL for a system.ai model'),
      ],
    ],
    [
      'two configs',
      (b) => (b.config.routing.destinations[0].external_model_config = {}),
      [shape('/config/routing/destinations/0', 'a destination takes exactly one of pay_per_token_config, provisioned_throughput_config, external_model_config, and DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL takes pay_per_token_config; this one has pay_per_token_config, external_model_config', 'Keep only pay_per_token_config')],
    ],
    ['a model given as a list', (b) => (b.config.routing.destinations[0].pay_per_token_config.model = ['models/system.ai.x']), [shape('/config/routing/destinations/0/pay_per_token_config/model', 'model ["models/system.ai.x"] is not models/{catalog}.{schema}.{model}', 'e.g. models/system.ai.databricks-claude-sonnet-4-6')]],
    ['a model with a path before it', (b) => (b.config.routing.destinations[0].pay_per_token_config.model = 'x/models/system.ai.x'), [shape('/config/routing/destinations/0/pay_per_token_config/model', 'model "x/models/system.ai.x" is not models/{catalog}.{schema}.{model}', 'e.g. models/system.ai.databricks-claude-sonnet-4-6')]],
    ['a model with a path after it', (b) => (b.config.routing.destinations[0].pay_per_token_config.model = 'models/system.ai.x/v2'), [shape('/config/routing/destinations/0/pay_per_token_config/model', 'model "models/system.ai.x/v2" is not models/{catalog}.{schema}.{model}', 'e.g. models/system.ai.databricks-claude-sonnet-4-6')]],
    [
      'an unknown key',
      (b) => (b.config.rate_limits[0].key = 'endpoint'),
      [shape('/config/rate_limits/0/key', 'key "endpoint" is not one of RATE_LIMIT_KEY_SERVICE, RATE_LIMIT_KEY_USER, RATE_LIMIT_KEY_USER_DEFAULT, RATE_LIMIT_KEY_USER_GROUP, RATE_LIMIT_KEY_SERVICE_PRINCIPAL, RATE_LIMIT_KEY_REQUEST_TAG', 'F4: RATE_LIMIT_KEY_SERVICE for the service, RATE_LIMIT_KEY_USER_DEFAULT per user')],
    ],
    ['a parent given as a list', (b) => (b.config.inference_table.parent = ['schemas/main.team']), [shape('/config/inference_table/parent', 'parent ["schemas/main.team"] is not schemas/{catalog}.{schema}', 'e.g. schemas/main.skyloyalty_ops')]],
    ['a parent with a path before it', (b) => (b.config.inference_table.parent = 'x/schemas/main.team'), [shape('/config/inference_table/parent', 'parent "x/schemas/main.team" is not schemas/{catalog}.{schema}', 'e.g. schemas/main.skyloyalty_ops')]],
    ['a parent naming a table', (b) => (b.config.inference_table.parent = 'schemas/main.team/gw'), [shape('/config/inference_table/parent', 'parent "schemas/main.team/gw" is not schemas/{catalog}.{schema}', 'e.g. schemas/main.skyloyalty_ops')]],
    [
      'a prefix with an inner underscore and a trailing one',
      (b) => (b.config.inference_table.table_name_prefix = 'team_gw_'),
      [{ rule: 'f4.table-prefix', severity: 'error', path: '/config/inference_table/table_name_prefix', message: 'table_name_prefix "team_gw_" ends in "_": the payload table would be team_gw__payload', fix: 'Drop the trailing underscore(s): "team_gw"' }],
    ],
  ])('%s', (_name, edit, found) => {
    expect(findingsOf(edit)).toEqual(found);
  });

  it('with a state file, refuses a destination whose bound endpoint failed its probe', () => {
    const failed = { ...state, endpoint_guardrail_audit: { ...state.endpoint_guardrail_audit, 'databricks-claude-sonnet-4-6': { ...pass, short_chat_ok: false } } };
    const body = good();
    body.config.routing.fallback.destinations = [];
    expect(lintModelServiceBody(body, { state: failed }).findings.filter((f) => f.rule === 'f4.audited-entities').map((f) => f.message)).toEqual([
      'system.ai.claude-sonnet-4-6 is not the model of a bound endpoint that passed its role probe, nor of a passing candidate (databricks-claude-sonnet-4-6)',
    ]);
  });
});

describe('MCP-service bodies, the remaining shapes', () => {
  const named = (config: object) => ({ config: { source_connection: { name: 'connections/a.b.c' }, ...config } });

  it('takes request limits, and refuses a name with a path before it and a selector that is not a string', () => {
    expect(lintMcpServiceBody(named({ rate_limits: [{ key: 'RATE_LIMIT_KEY_SERVICE', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 10 }] }))).toEqual({ valid: true, findings: [] });
    expect(lintMcpServiceBody({ config: { source_connection: { name: 'x/connections/a.b.c' } } }).findings.map((f) => f.path)).toEqual(['/config/source_connection/name']);
    expect(lintMcpServiceBody(named({ include_tool_selectors: ['search_*', 5] })).findings.map((f) => f.path)).toEqual(['/config/include_tool_selectors']);
  });
});
