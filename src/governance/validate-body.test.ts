import { describe, expect, it } from 'vitest';
import { bodyWith, goodBody, provisionedBody, workshopBody } from '../../test/support/bodies.js';
import { LLAMA, SCENARIOS, SONNET } from '../../test/support/states.js';
import { evaluateAudit } from './role-probe.js';
import { RULES } from './rules/rule-catalog.js';
import { validateCreateBody } from './validate-body.js';

const state = SCENARIOS.passing;
const findings = (body: unknown, withState = true) => validateCreateBody(body, withState ? { state } : {}).findings;
const hit = (body: unknown, rule: string, withState = true) => findings(body, withState).filter((f) => f.rule === rule);

describe('validateCreateBody', () => {
  it('accepts a body that follows every rule, with no findings at all', () => {
    expect(validateCreateBody(goodBody(), { state })).toEqual({ valid: true, findings: [] });
  });

  it('accepts Provisioned Throughput of the model the workspace named behind an audited endpoint', () => {
    const registeredModels = { 'system.ai.llama_v3_3_70b_instruct': 'databricks-meta-llama-3-3-70b-instruct' };
    expect(validateCreateBody(provisionedBody(), { state, registeredModels }).findings.filter((f) => f.severity === 'error')).toEqual([]);
    // Offline, an irregular name cannot be tied to its endpoint: no string edit of the endpoint's name gives it.
    expect(validateCreateBody(provisionedBody(), { state }).findings.map((f) => f.rule)).toContain('f4.audited-entities');
  });

  it("refuses the workshop's literal body: a pay-per-token endpoint is not a registered model", () => {
    const result = validateCreateBody(workshopBody(), { state });
    expect(result.valid).toBe(false);
    expect(result.findings).toContainEqual(expect.objectContaining({ rule: 'api.entity-name-is-model', severity: 'error', path: '/config/served_entities/0/entity_name' }));
  });

  // One row per rule: the edit that breaks it, the rule that must fire, where, and at which severity.
  const cases: Array<[string, (b: any) => void, string, string, 'error' | 'warning', (() => Record<string, unknown>)?]> = [
    ['name too long', (b) => (b.name = 'x'.repeat(64)), 'api.name', '/name', 'error'],
    ['name with a dot', (b) => (b.name = 'my.gateway'), 'api.name', '/name', 'error'],
    ['ai_gateway inside config', (b) => ((b.config.ai_gateway = b.ai_gateway), delete b.ai_gateway), 'api.ai-gateway-placement', '/config/ai_gateway', 'error'],
    ['no ai_gateway block', (b) => delete b.ai_gateway, 'api.ai-gateway-required', '/ai_gateway', 'error'],
    ['an unknown ai_gateway field', (b) => (b.ai_gateway.usage_tracking = true), 'api.ai-gateway-fields', '/ai_gateway/usage_tracking', 'warning'],
    ['no served entities', (b) => (b.config.served_entities = []), 'api.served-entities', '/config/served_entities', 'error'],
    ['a numeric entity_version', (b) => (b.config.served_entities[0].entity_version = 1), 'api.entity-version-string', '/config/served_entities/0/entity_version', 'error', provisionedBody],
    ['workload_size in lower case', (b) => (b.config.served_entities[0].workload_size = 'small'), 'api.workload-size', '/config/served_entities/0/workload_size', 'error', provisionedBody],
    ['scale_to_zero_enabled as a string', (b) => (b.config.served_entities[0].scale_to_zero_enabled = 'yes'), 'api.scale-to-zero-boolean', '/config/served_entities/0/scale_to_zero_enabled', 'error', provisionedBody],
    ['a pay-per-token endpoint as entity_name', (b) => (b.config.served_entities[0].entity_name = 'databricks-meta-llama-3-3-70b-instruct'), 'api.entity-name-is-model', '/config/served_entities/0/entity_name', 'error', provisionedBody],
    ['workload_size on a foundation model', (b) => (b.config.served_entities[0].workload_size = 'Small'), 'api.foundation-model-no-workload-size', '/config/served_entities/0/workload_size', 'error', provisionedBody],
    ['external models of two tasks', (b) => (b.config.served_entities[1].external_model.task = 'llm/v1/embeddings'), 'api.external-models-one-task', '/config/served_entities/1/external_model/task', 'error'],
    ['a plaintext token', (b) => (b.config.served_entities[0].external_model.databricks_model_serving_config.databricks_api_token_plaintext = 'dapi123'), 'api.no-plaintext-token', '/config/served_entities/0/external_model/databricks_model_serving_config/databricks_api_token_plaintext', 'error'],
    ['a token that is not a secret reference', (b) => (b.config.served_entities[0].external_model.databricks_model_serving_config.databricks_api_token = 'dapi123'), 'api.secret-reference', '/config/served_entities/0/external_model/databricks_model_serving_config/databricks_api_token', 'error'],
    ['a fallback without external models', (b) => (b.ai_gateway.fallback_config = { enabled: true }), 'api.fallbacks', '/ai_gateway/fallback_config/enabled', 'error', provisionedBody],
    ['three fallbacks', (b) => { b.config.served_entities.push({ ...b.config.served_entities[1], name: 'f2' }, { ...b.config.served_entities[1], name: 'f3' }); b.config.traffic_config.routes.push({ served_entity_name: 'f2', traffic_percentage: 0 }, { served_entity_name: 'f3', traffic_percentage: 0 }); }, 'api.fallbacks', '/ai_gateway/fallback_config/enabled', 'error'],
    ['routes not summing to 100', (b) => (b.config.traffic_config.routes[0].traffic_percentage = 90), 'api.traffic-routes', '/config/traffic_config/routes', 'error'],
    ['rate-limit key in upper case', (b) => (b.ai_gateway.rate_limits[0].key = 'ENDPOINT'), 'api.rate-limit-key', '/ai_gateway/rate_limits/0/key', 'error'],
    ['renewal_period missing', (b) => delete b.ai_gateway.rate_limits[1].renewal_period, 'api.rate-limit-renewal-period', '/ai_gateway/rate_limits/1/renewal_period', 'error'],
    ['renewal_period hour', (b) => (b.ai_gateway.rate_limits[1].renewal_period = 'hour'), 'api.rate-limit-renewal-period', '/ai_gateway/rate_limits/1/renewal_period', 'error'],
    ['a rate limit without calls or tokens', (b) => delete b.ai_gateway.rate_limits[0].calls, 'api.rate-limit-amount', '/ai_gateway/rate_limits/0', 'error'],
    ['a group limit without principal', (b) => b.ai_gateway.rate_limits.push({ key: 'user_group', renewal_period: 'minute', calls: 5 }), 'api.rate-limit-principal', '/ai_gateway/rate_limits/2/principal', 'error'],
    ['PII behavior in lower case', (b) => (b.ai_gateway.guardrails.input.pii.behavior = 'block'), 'api.pii-behavior', '/ai_gateway/guardrails/input/pii/behavior', 'error'],
    ['usage tracking off', (b) => (b.ai_gateway.usage_tracking_config.enabled = false), 'f4.usage-tracking', '/ai_gateway/usage_tracking_config/enabled', 'error'],
    ['inference tables off', (b) => (b.ai_gateway.inference_table_config.enabled = false), 'f4.inference-tables', '/ai_gateway/inference_table_config/enabled', 'error'],
    ['no schema', (b) => delete b.ai_gateway.inference_table_config.schema_name, 'f4.inference-tables', '/ai_gateway/inference_table_config/schema_name', 'error'],
    ['schema default', (b) => (b.ai_gateway.inference_table_config.schema_name = 'default'), 'f4.inference-tables', '/ai_gateway/inference_table_config/schema_name', 'error'],
    ['prefix gw_', (b) => (b.ai_gateway.inference_table_config.table_name_prefix = 'gw_'), 'f4.table-prefix', '/ai_gateway/inference_table_config/table_name_prefix', 'error'],
    ['an unaudited served entity', (b) => (b.config.served_entities[0].external_model.name = 'my-handpicked-llm'), 'f4.audited-entities', '/config/served_entities/0/external_model/name', 'error'],
    ['a fallback candidate taking traffic', (b) => ((b.config.traffic_config.routes[0].traffic_percentage = 50), (b.config.traffic_config.routes[1].traffic_percentage = 50)), 'f4.audited-entities', '/config/served_entities/1/external_model/name', 'error'],
    ['an endpoint the audit never saw', (b) => (b.config.served_entities[0].external_model.name = 'databricks-gpt-oss-120b'), 'f4.audited-entities', '/config/served_entities/0/external_model/name', 'error'],
    ['a provisioned model behind no audited endpoint', (b) => (b.config.served_entities[0].entity_name = 'system.ai.gpt-oss-120b'), 'f4.audited-entities', '/config/served_entities/0/entity_name', 'error', provisionedBody],
    ['no rate limits', (b) => (b.ai_gateway.rate_limits = []), 'f4.rate-limits', '/ai_gateway/rate_limits', 'error'],
    ['output safety off', (b) => (b.ai_gateway.guardrails.output.safety = false), 'f4.guardrails', '/ai_gateway/guardrails/output/safety', 'error'],
    ['input PII NONE', (b) => (b.ai_gateway.guardrails.input.pii.behavior = 'NONE'), 'f4.guardrails', '/ai_gateway/guardrails/input/pii/behavior', 'error'],
    ['no guardrails at all', (b) => delete b.ai_gateway.guardrails, 'f4.guardrails', '/ai_gateway/guardrails/input/safety', 'error'],
    ['top-level rate_limits', (b) => (b.rate_limits = [{ key: 'endpoint', renewal_period: 'minute', calls: 1 }]), 'deprecated.top-level-rate-limits', '/rate_limits', 'warning'],
    ['served_models', (b) => (b.config.served_models = []), 'deprecated.served-models', '/config/served_models', 'warning'],
    ['auto_capture_config', (b) => (b.config.auto_capture_config = { enabled: true }), 'deprecated.auto-capture-config', '/config/auto_capture_config', 'warning'],
    ['invalid_keywords', (b) => (b.ai_gateway.guardrails.input.invalid_keywords = ['x']), 'deprecated.invalid-keywords', '/ai_gateway/guardrails/input/invalid_keywords', 'warning'],
    ['valid_topics', (b) => (b.ai_gateway.guardrails.output.valid_topics = ['x']), 'deprecated.valid-topics', '/ai_gateway/guardrails/output/valid_topics', 'warning'],
    ['only an endpoint limit', (b) => b.ai_gateway.rate_limits.pop(), 'advice.rate-limit-keys', '/ai_gateway/rate_limits', 'warning'],
    ['a limit of 0 calls', (b) => (b.ai_gateway.rate_limits[1].calls = 0), 'f4.rate-limit-zero', '/ai_gateway/rate_limits/1/calls', 'error'],
    ['a prefix that is not an identifier', (b) => (b.ai_gateway.inference_table_config.table_name_prefix = "' OR '1'='1"), 'f4.table-prefix-identifier', '/ai_gateway/inference_table_config/table_name_prefix', 'error'],
    ['a prefix with a space', (b) => (b.ai_gateway.inference_table_config.table_name_prefix = 'a b'), 'f4.table-prefix-identifier', '/ai_gateway/inference_table_config/table_name_prefix', 'error'],
    ['a prefix with a path', (b) => (b.ai_gateway.inference_table_config.table_name_prefix = '../x'), 'f4.table-prefix-identifier', '/ai_gateway/inference_table_config/table_name_prefix', 'error'],
    ['the OTel prefix reused', (b) => (b.ai_gateway.inference_table_config.table_name_prefix = 'agent_otel'), 'advice.prefix-differs-from-otel', '/ai_gateway/inference_table_config/table_name_prefix', 'warning'],
    ['a traffic split with fallback off', (b) => ((b.ai_gateway.fallback_config.enabled = false), (b.config.traffic_config.routes[0].traffic_percentage = 60), (b.config.traffic_config.routes[1].traffic_percentage = 40), (b.config.served_entities[1].external_model.name = LLAMA)), 'advice.fallback-traffic', '/config/traffic_config/routes', 'warning'],
  ];

  it("refuses the bound endpoint of a role that FAILED its probe, while another role passes", () => {
    const failed = SCENARIOS.oneRoleFails;
    expect(evaluateAudit(failed, { roles: [] }).roles.map((r) => [r.role, r.endpoint, r.status])).toEqual([
      ['agent_chat', SONNET, 'pass'],
      ['summarizer', LLAMA, 'fail'],
    ]);
    const servesFailed = bodyWith((b) => (b.config.served_entities[0].external_model.name = LLAMA));
    expect(validateCreateBody(servesFailed, { state: failed }).findings.filter((f) => f.rule === 'f4.audited-entities')).toEqual([
      expect.objectContaining({ severity: 'error', path: '/config/served_entities/0/external_model/name', message: expect.stringContaining('is not a bound endpoint that passed') }),
    ]);
    // Nor at 0 % traffic: only a passing role's candidates may stand by as fallbacks.
    const asFallback = bodyWith((b) => (b.config.served_entities[1].external_model.name = LLAMA));
    expect(validateCreateBody(asFallback, { state: failed }).findings.filter((f) => f.rule === 'f4.audited-entities').map((f) => f.path)).toEqual(['/config/served_entities/1/external_model/name']);
    expect(validateCreateBody(goodBody(), { state: failed }).valid).toBe(true);
  });

  it.each(cases)('%s → %s', (_name, edit, rule, path, severity, base) => {
    const body = bodyWith(edit, base);
    const hits = hit(body, rule);
    expect(hits.map((h) => ({ path: h.path, severity: h.severity }))).toContainEqual({ path, severity });
    if (severity === 'error') expect(validateCreateBody(body, { state }).valid).toBe(false);
  });

  it('covers every rule in the catalog with at least one case', () => {
    const covered = new Set(cases.map(([, , rule]) => rule));
    expect(RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('explains the double underscore a trailing "_" produces', () => {
    const [finding] = hit(bodyWith((b) => (b.ai_gateway.inference_table_config.table_name_prefix = 'gw_')), 'f4.table-prefix');
    expect(finding?.message).toMatch(/gw__/);
    expect(finding?.message).toMatch(/use "gw"/);
  });

  it('says the audited-entities check could not run without a state file', () => {
    const [finding] = hit(goodBody(), 'f4.audited-entities', false);
    expect(finding).toMatchObject({ severity: 'warning' });
    expect(finding?.message).toMatch(/no state file was given/);
  });

  it('says the served entities cannot be checked against a state file with no audit', () => {
    const { endpoint_guardrail_audit: _audit, ...noAudit } = SCENARIOS.passing;
    const found = validateCreateBody(goodBody(), { state: noAudit }).findings.filter((f) => f.rule === 'f4.audited-entities');
    expect(found).toEqual([expect.objectContaining({ severity: 'error', path: '/config/served_entities', message: expect.stringMatching(/no endpoint_guardrail_audit/) })]);
  });

  it('hints at the API\'s spelling of a workload size', () => {
    const [finding] = hit(bodyWith((b) => (b.config.served_entities[0].workload_size = 'small')), 'api.workload-size');
    expect(finding?.message).toMatch(/write "Small"/);
  });

  it('accepts what the SDK documents: a custom workload size of the workspace, and a dotless Model Registry name', () => {
    // PY ServedEntityInput: "Additional custom workload sizes can also be used when available in the workspace";
    // entity_name "may be a model in the Databricks Model Registry".
    expect(hit(bodyWith((b) => (b.config.served_entities[0].workload_size = 'GPU_MEDIUM_8')), 'api.workload-size')).toEqual([]);
    const registry = { name: 'legacy', config: { served_entities: [{ name: 'churn', entity_name: 'churn-classifier', entity_version: '3', workload_size: 'Small' }] } };
    expect(validateCreateBody(registry).findings.map((f) => f.rule)).not.toContain('api.entity-name-is-model');
  });

  it('refuses a body that is not an object', () => {
    expect(validateCreateBody([1, 2])).toMatchObject({ valid: false, findings: [{ rule: 'api.body', severity: 'error' }] });
  });

  it('lists errors before warnings, whatever order the catalog checks them in', () => {
    // The unknown-field warning comes from a rule checked before the F4 error.
    const listed = findings(bodyWith((b) => ((b.ai_gateway.usage_tracking = true), (b.ai_gateway.usage_tracking_config.enabled = false))));
    expect(listed.map((f) => [f.rule, f.severity])).toEqual([
      ['f4.usage-tracking', 'error'],
      ['api.ai-gateway-fields', 'warning'],
    ]);
  });

  it('refuses a body without an endpoint name', () => {
    const body = bodyWith((b) => delete b.name);
    expect(hit(body, 'api.name')).toEqual([expect.objectContaining({ severity: 'error', path: '/name', message: 'the endpoint name is missing' })]);
    expect(validateCreateBody(body, { state }).valid).toBe(false);
  });
});
