/**
 * What each rule tells the agent when a body breaks it: the exact findings of that rule (where, how severe, and the
 * message naming the value at fault), one row per one-edit break of the good body. validate-body.test.ts checks
 * which rule fires; this file checks what it says, since the message is what the agent acts on.
 */
import { describe, expect, it } from 'vitest';
import { bodyWith, goodBody, provisionedBody, type Body } from '../../../test/support/bodies.js';
import { LLAMA, SCENARIOS } from '../../../test/support/states.js';
import { validateCreateBody } from '../validate-body.js';

type Hit = { severity: 'error' | 'warning' | 'info'; path: string; message: string };
const state = SCENARIOS.passing;
const findingsOf = (body: Body, rule: string) =>
  validateCreateBody(body, { state }).findings.filter((f) => f.rule === rule).map(({ severity, path, message }) => ({ severity, path, message }));

describe('rule messages', () => {
  const cases: Array<[string, (b: any) => void, string, () => Body, Hit[]]> = [
    ['name too long', (b) => (b.name = 'x'.repeat(64)), 'api.name', goodBody, [
        { severity: 'error', path: '/name', message: "the endpoint name \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" is not 1–63 letters, digits, \"-\" or \"_\"" },
      ]],
    ['name with a dot', (b) => (b.name = 'my.gateway'), 'api.name', goodBody, [
        { severity: 'error', path: '/name', message: "the endpoint name \"my.gateway\" is not 1–63 letters, digits, \"-\" or \"_\"" },
      ]],
    ['ai_gateway inside config', (b) => ((b.config.ai_gateway = b.ai_gateway), delete b.ai_gateway), 'api.ai-gateway-placement', goodBody, [
        { severity: 'error', path: '/config/ai_gateway', message: "ai_gateway is nested inside config; the API ignores or rejects it there" },
      ]],
    ['no ai_gateway block', (b) => delete b.ai_gateway, 'api.ai-gateway-required', goodBody, [
        { severity: 'error', path: '/ai_gateway', message: "there is no ai_gateway block, so the endpoint would have no gateway features" },
      ]],
    ['an unknown ai_gateway field', (b) => (b.ai_gateway.usage_tracking = true), 'api.ai-gateway-fields', goodBody, [
        { severity: 'warning', path: '/ai_gateway/usage_tracking', message: "ai_gateway.usage_tracking is not a field of the AI Gateway config; the API will reject or ignore it" },
      ]],
    ['no served entities', (b) => (b.config.served_entities = []), 'api.served-entities', goodBody, [
        { severity: 'error', path: '/config/served_entities', message: "config.served_entities is missing or empty" },
      ]],
    ['a numeric entity_version', (b) => (b.config.served_entities[0].entity_version = 1), 'api.entity-version-string', provisionedBody, [
        { severity: 'error', path: '/config/served_entities/0/entity_version', message: "entity_version is 1, a number; the API takes a string" },
      ]],
    ['workload_size in lower case', (b) => (b.config.served_entities[0].workload_size = 'small'), 'api.workload-size', provisionedBody, [
        { severity: 'error', path: '/config/served_entities/0/workload_size', message: "workload_size \"small\" is not one of Small, Medium, Large (the API is case-sensitive: write \"Small\")" },
      ]],
    ['scale_to_zero_enabled as a string', (b) => (b.config.served_entities[0].scale_to_zero_enabled = 'yes'), 'api.scale-to-zero-boolean', provisionedBody, [
        { severity: 'error', path: '/config/served_entities/0/scale_to_zero_enabled', message: "scale_to_zero_enabled is \"yes\", a string; the API takes true or false" },
      ]],
    ['a pay-per-token endpoint as entity_name', (b) => (b.config.served_entities[0].entity_name = 'databricks-meta-llama-3-3-70b-instruct'), 'api.entity-name-is-model', provisionedBody, [
        { severity: 'error', path: '/config/served_entities/0/entity_name', message: "entity_name \"databricks-meta-llama-3-3-70b-instruct\" is a pay-per-token serving endpoint: the API takes a Unity Catalog model (catalog.schema.model) or a Model Registry model there" },
      ]],
    ['workload_size on a foundation model', (b) => (b.config.served_entities[0].workload_size = 'Small'), 'api.foundation-model-no-workload-size', provisionedBody, [
        { severity: 'error', path: '/config/served_entities/0/workload_size', message: "\"system.ai.llama_v3_3_70b_instruct\" is a foundation model: workload_size sizes custom-model compute and does not apply" },
      ]],
    ['external models of two tasks', (b) => (b.config.served_entities[1].external_model.task = 'llm/v1/embeddings'), 'api.external-models-one-task', goodBody, [
        { severity: 'error', path: '/config/served_entities/1/external_model/task', message: "task \"llm/v1/embeddings\" differs from \"llm/v1/chat\" of the first external model" },
      ]],
    ['a plaintext token', (b) => (b.config.served_entities[0].external_model.databricks_model_serving_config.databricks_api_token_plaintext = 'dapi123'), 'api.no-plaintext-token', goodBody, [
        { severity: 'error', path: '/config/served_entities/0/external_model/databricks_model_serving_config/databricks_api_token_plaintext', message: "databricks_api_token_plaintext carries a credential in plain text: it would be stored in the endpoint config and shown to anyone who can read it" },
      ]],
    ['a token that is not a secret reference', (b) => (b.config.served_entities[0].external_model.databricks_model_serving_config.databricks_api_token = 'dapi123'), 'api.secret-reference', goodBody, [
        { severity: 'error', path: '/config/served_entities/0/external_model/databricks_model_serving_config/databricks_api_token', message: "databricks_api_token is not a {{secrets/<scope>/<key>}} reference" },
      ]],
    ['a fallback without external models', (b) => (b.ai_gateway.fallback_config = { enabled: true }), 'api.fallbacks', provisionedBody, [
        { severity: 'error', path: '/ai_gateway/fallback_config/enabled', message: "fallbacks are enabled but no served entity is an external model: Databricks falls back between external models only" },
      ]],
    ['three fallbacks', (b) => { b.config.served_entities.push({ ...b.config.served_entities[1], name: 'f2' }, { ...b.config.served_entities[1], name: 'f3' }); b.config.traffic_config.routes.push({ served_entity_name: 'f2', traffic_percentage: 0 }, { served_entity_name: 'f3', traffic_percentage: 0 }); }, 'api.fallbacks', goodBody, [
        { severity: 'error', path: '/ai_gateway/fallback_config/enabled', message: "3 served entities wait at 0 % traffic; at most 2 fallbacks are allowed" },
      ]],
    ['routes not summing to 100', (b) => (b.config.traffic_config.routes[0].traffic_percentage = 90), 'api.traffic-routes', goodBody, [
        { severity: 'error', path: '/config/traffic_config/routes', message: "route percentages add up to 90, not 100" },
      ]],
    ['rate-limit key in upper case', (b) => (b.ai_gateway.rate_limits[0].key = 'ENDPOINT'), 'api.rate-limit-key', goodBody, [
        { severity: 'error', path: '/ai_gateway/rate_limits/0/key', message: "rate-limit key \"ENDPOINT\" is not one of user, user_group, service_principal, endpoint (the API is case-sensitive: write \"endpoint\")" },
      ]],
    ['renewal_period missing', (b) => delete b.ai_gateway.rate_limits[1].renewal_period, 'api.rate-limit-renewal-period', goodBody, [
        { severity: 'error', path: '/ai_gateway/rate_limits/1/renewal_period', message: "renewal_period is missing; the API requires it" },
      ]],
    ['renewal_period hour', (b) => (b.ai_gateway.rate_limits[1].renewal_period = 'hour'), 'api.rate-limit-renewal-period', goodBody, [
        { severity: 'error', path: '/ai_gateway/rate_limits/1/renewal_period', message: "renewal_period \"hour\" is not \"minute\"" },
      ]],
    ['a rate limit without calls or tokens', (b) => delete b.ai_gateway.rate_limits[0].calls, 'api.rate-limit-amount', goodBody, [
        { severity: 'error', path: '/ai_gateway/rate_limits/0', message: "the rate limit sets neither calls nor tokens" },
      ]],
    ['a group limit without principal', (b) => b.ai_gateway.rate_limits.push({ key: 'user_group', renewal_period: 'minute', calls: 5 }), 'api.rate-limit-principal', goodBody, [
        { severity: 'error', path: '/ai_gateway/rate_limits/2/principal', message: "a user_group limit needs a principal" },
      ]],
    ['PII behavior in lower case', (b) => (b.ai_gateway.guardrails.input.pii.behavior = 'block'), 'api.pii-behavior', goodBody, [
        { severity: 'error', path: '/ai_gateway/guardrails/input/pii/behavior', message: "PII behavior \"block\" is not one of NONE, BLOCK, MASK (the API is case-sensitive: write \"BLOCK\")" },
      ]],
    ['usage tracking off', (b) => (b.ai_gateway.usage_tracking_config.enabled = false), 'f4.usage-tracking', goodBody, [
        { severity: 'error', path: '/ai_gateway/usage_tracking_config/enabled', message: "usage tracking is not enabled" },
      ]],
    ['inference tables off', (b) => (b.ai_gateway.inference_table_config.enabled = false), 'f4.inference-tables', goodBody, [
        { severity: 'error', path: '/ai_gateway/inference_table_config/enabled', message: "inference tables are not enabled; the audit trail cannot be rebuilt after an incident" },
      ]],
    ['no schema', (b) => delete b.ai_gateway.inference_table_config.schema_name, 'f4.inference-tables', goodBody, [
        { severity: 'error', path: '/ai_gateway/inference_table_config/schema_name', message: "schema_name is required when inference tables are enabled" },
      ]],
    ['schema default', (b) => (b.ai_gateway.inference_table_config.schema_name = 'default'), 'f4.inference-tables', goodBody, [
        { severity: 'error', path: '/ai_gateway/inference_table_config/schema_name', message: "schema_name is \"default\": governance of the payload table is unclear there" },
      ]],
    ['prefix gw_', (b) => (b.ai_gateway.inference_table_config.table_name_prefix = 'gw_'), 'f4.table-prefix', goodBody, [
        { severity: 'error', path: '/ai_gateway/inference_table_config/table_name_prefix', message: "table_name_prefix \"gw_\" ends in \"_\": the payload table is <prefix>_payload, so it would be gw__payload with a double underscore, which breaks downstream queries; use \"gw\"" },
      ]],
    ['an unaudited served entity', (b) => (b.config.served_entities[0].external_model.name = 'my-handpicked-llm'), 'f4.audited-entities', goodBody, [
        { severity: 'error', path: '/config/served_entities/0/external_model/name', message: "\"my-handpicked-llm\" is not a bound endpoint that passed its role probe in endpoint_guardrail_audit" },
      ]],
    ['a fallback candidate taking traffic', (b) => ((b.config.traffic_config.routes[0].traffic_percentage = 50), (b.config.traffic_config.routes[1].traffic_percentage = 50)), 'f4.audited-entities', goodBody, [
        { severity: 'error', path: '/config/served_entities/1/external_model/name', message: "\"databricks-claude-opus-4-5\" passes its role probe but is not the bound endpoint, and takes traffic; a fallback candidate must be at 0 %" },
      ]],
    ['a bound endpoint of a role that failed', (b) => (b.config.served_entities[0].external_model.name = 'databricks-gpt-oss-120b'), 'f4.audited-entities', goodBody, [
        { severity: 'error', path: '/config/served_entities/0/external_model/name', message: "\"databricks-gpt-oss-120b\" is not a bound endpoint that passed its role probe in endpoint_guardrail_audit" },
      ]],
    ['a provisioned model behind no audited endpoint', (b) => (b.config.served_entities[0].entity_name = 'system.ai.gpt-oss-120b'), 'f4.audited-entities', provisionedBody, [
        { severity: 'error', path: '/config/served_entities/0/entity_name', message: "\"databricks-gpt-oss-120b\" is not a bound endpoint that passed its role probe in endpoint_guardrail_audit" },
      ]],
    ['no rate limits', (b) => (b.ai_gateway.rate_limits = []), 'f4.rate-limits', goodBody, [
        { severity: 'error', path: '/ai_gateway/rate_limits', message: "no rate limit is configured; nothing stops a runaway agent" },
      ]],
    ['output safety off', (b) => (b.ai_gateway.guardrails.output.safety = false), 'f4.guardrails', goodBody, [
        { severity: 'error', path: '/ai_gateway/guardrails/output/safety', message: "the output safety guardrail is off" },
      ]],
    ['input PII NONE', (b) => (b.ai_gateway.guardrails.input.pii.behavior = 'NONE'), 'f4.guardrails', goodBody, [
        { severity: 'error', path: '/ai_gateway/guardrails/input/pii/behavior', message: "the input PII guardrail is \"NONE\"" },
      ]],
    ['no guardrails at all', (b) => delete b.ai_gateway.guardrails, 'f4.guardrails', goodBody, [
        { severity: 'error', path: '/ai_gateway/guardrails/input/pii/behavior', message: "the input PII guardrail is off" },
        { severity: 'error', path: '/ai_gateway/guardrails/input/safety', message: "the input safety guardrail is off" },
        { severity: 'error', path: '/ai_gateway/guardrails/output/pii/behavior', message: "the output PII guardrail is off" },
        { severity: 'error', path: '/ai_gateway/guardrails/output/safety', message: "the output safety guardrail is off" },
      ]],
    ['top-level rate_limits', (b) => (b.rate_limits = [{ key: 'endpoint', renewal_period: 'minute', calls: 1 }]), 'deprecated.top-level-rate-limits', goodBody, [
        { severity: 'warning', path: '/rate_limits', message: "top-level rate_limits is deprecated" },
      ]],
    ['served_models', (b) => (b.config.served_models = []), 'deprecated.served-models', goodBody, [
        { severity: 'warning', path: '/config/served_models', message: "config.served_models is deprecated" },
      ]],
    ['auto_capture_config', (b) => (b.config.auto_capture_config = { enabled: true }), 'deprecated.auto-capture-config', goodBody, [
        { severity: 'warning', path: '/config/auto_capture_config', message: "legacy inference tables (auto_capture_config) can no longer be enabled" },
      ]],
    ['invalid_keywords', (b) => (b.ai_gateway.guardrails.input.invalid_keywords = ['x']), 'deprecated.invalid-keywords', goodBody, [
        { severity: 'warning', path: '/ai_gateway/guardrails/input/invalid_keywords', message: "guardrails.input.invalid_keywords is deprecated" },
      ]],
    ['valid_topics', (b) => (b.ai_gateway.guardrails.output.valid_topics = ['x']), 'deprecated.valid-topics', goodBody, [
        { severity: 'warning', path: '/ai_gateway/guardrails/output/valid_topics', message: "guardrails.output.valid_topics is deprecated" },
      ]],
    ['only an endpoint limit', (b) => b.ai_gateway.rate_limits.pop(), 'advice.rate-limit-keys', goodBody, [
        { severity: 'warning', path: '/ai_gateway/rate_limits', message: "there is no \"user\" rate limit" },
      ]],
    ['a limit of 0 calls', (b) => (b.ai_gateway.rate_limits[1].calls = 0), 'f4.rate-limit-zero', goodBody, [
        { severity: 'error', path: '/ai_gateway/rate_limits/1/calls', message: "calls is 0: tools read it differently (\"disabled\" in the UI, \"unlimited\" elsewhere), so it leaves no effective limit" },
      ]],
    ['a prefix that is not an identifier', (b) => (b.ai_gateway.inference_table_config.table_name_prefix = "' OR '1'='1"), 'f4.table-prefix-identifier', goodBody, [
        { severity: 'error', path: '/ai_gateway/inference_table_config/table_name_prefix', message: "table_name_prefix \"' OR '1'='1\" is not a plain identifier: it names a table (<prefix>_payload), and Unity Catalog table names the platform creates are letters, digits and \"_\" of at most 64 characters" },
      ]],
    ['a prefix with a space', (b) => (b.ai_gateway.inference_table_config.table_name_prefix = 'a b'), 'f4.table-prefix-identifier', goodBody, [
        { severity: 'error', path: '/ai_gateway/inference_table_config/table_name_prefix', message: "table_name_prefix \"a b\" is not a plain identifier: it names a table (<prefix>_payload), and Unity Catalog table names the platform creates are letters, digits and \"_\" of at most 64 characters" },
      ]],
    ['a prefix with a path', (b) => (b.ai_gateway.inference_table_config.table_name_prefix = '../x'), 'f4.table-prefix-identifier', goodBody, [
        { severity: 'error', path: '/ai_gateway/inference_table_config/table_name_prefix', message: "table_name_prefix \"../x\" is not a plain identifier: it names a table (<prefix>_payload), and Unity Catalog table names the platform creates are letters, digits and \"_\" of at most 64 characters" },
      ]],
    ['the OTel prefix reused', (b) => (b.ai_gateway.inference_table_config.table_name_prefix = 'agent_otel'), 'advice.prefix-differs-from-otel', goodBody, [
        { severity: 'warning', path: '/ai_gateway/inference_table_config/table_name_prefix', message: "table_name_prefix \"agent_otel\" is the OTel table prefix recorded by F2" },
      ]],
    ['a traffic split with fallback off', (b) => ((b.ai_gateway.fallback_config.enabled = false), (b.config.traffic_config.routes[0].traffic_percentage = 60), (b.config.traffic_config.routes[1].traffic_percentage = 40), (b.config.served_entities[1].external_model.name = LLAMA)), 'advice.fallback-traffic', goodBody, [
        { severity: 'warning', path: '/config/traffic_config/routes', message: "traffic is split across primary (60 %), fallback (40 %) while fallback_config is off" },
      ]],
  ];

  it.each(cases.map(([name, edit, rule, base, hits]) => ({ name, edit, rule, base, hits })))('$name: $rule says exactly this', ({ edit, rule, base, hits }) => {
    expect(findingsOf(bodyWith(edit, base), rule)).toEqual(hits);
  });

  // Boundaries and variants of the same rules: what fires, what does not, and the words for each.
  const edges: Array<[string, (b: any) => void, string, () => Body, Hit[]]> = [
    ['an empty name', (b) => (b.name = ''), 'api.name', goodBody, [
        { severity: 'error', path: '/name', message: "the endpoint name \"\" is not 1–63 letters, digits, \"-\" or \"_\"" },
      ]],
    ['a one-letter name', (b) => (b.name = 'a'), 'api.name', goodBody, []],
    ['a 63-character name', (b) => (b.name = 'x'.repeat(63)), 'api.name', goodBody, []],
    ['a name with a trailing newline', (b) => (b.name = 'gw\n'), 'api.name', goodBody, [
        { severity: 'error', path: '/name', message: "the endpoint name \"gw\n\" is not 1–63 letters, digits, \"-\" or \"_\"" },
      ]],
    ['config.ai_gateway beside ai_gateway', (b) => (b.config.ai_gateway = {}), 'api.ai-gateway-placement', goodBody, [
        { severity: 'error', path: '/config/ai_gateway', message: "ai_gateway is nested inside config; the API ignores or rejects it there" },
      ]],
    ['ai_gateway only inside config', (b) => ((b.config.ai_gateway = b.ai_gateway), delete b.ai_gateway), 'api.ai-gateway-required', goodBody, []],
    ['ai_gateway that is not an object', (b) => (b.ai_gateway = true), 'api.ai-gateway-required', goodBody, [
        { severity: 'error', path: '/ai_gateway', message: "there is no ai_gateway block, so the endpoint would have no gateway features" },
      ]],
    ['two unknown ai_gateway fields', (b) => ((b.ai_gateway.guardrail = {}), (b.ai_gateway.rate_limit = [])), 'api.ai-gateway-fields', goodBody, [
        { severity: 'warning', path: '/ai_gateway/guardrail', message: "ai_gateway.guardrail is not a field of the AI Gateway config; the API will reject or ignore it" },
        { severity: 'warning', path: '/ai_gateway/rate_limit', message: "ai_gateway.rate_limit is not a field of the AI Gateway config; the API will reject or ignore it" },
      ]],
    ['served_models instead of served_entities', (b) => ((b.config.served_models = [{ model_name: 'm' }]), delete b.config.served_entities), 'api.served-entities', goodBody, []],
    ['served_entities that is not a list', (b) => (b.config.served_entities = { name: 'x' }), 'api.served-entities', goodBody, [
        { severity: 'error', path: '/config/served_entities', message: "config.served_entities is missing or empty" },
      ]],
    ['eleven served entities', (b) => (b.config.served_entities = Array.from({ length: 11 }, (_, i) => ({ ...b.config.served_entities[0], name: `e${i}` }))), 'api.served-entities', goodBody, [
        { severity: 'error', path: '/config/served_entities', message: "11 served entities; the API allows at most 10" },
      ]],
    ['ten served entities', (b) => (b.config.served_entities = Array.from({ length: 10 }, (_, i) => ({ ...b.config.served_entities[0], name: `e${i}` }))), 'api.served-entities', goodBody, []],
    ['a served entity that is a string', (b) => (b.config.served_entities[1] = 'fallback'), 'api.served-entities', goodBody, [
        { severity: 'error', path: '/config/served_entities/1', message: "a served entity must be an object" },
      ]],
    ['a served entity naming nothing', (b) => (b.config.served_entities[1] = { name: 'fallback' }), 'api.served-entities', goodBody, [
        { severity: 'error', path: '/config/served_entities/1', message: "the served entity names neither entity_name nor external_model" },
      ]],
    ['a served entity with both names', (b) => (b.config.served_entities[0].entity_name = 'system.ai.x'), 'api.served-entities', goodBody, [
        { severity: 'error', path: '/config/served_entities/0', message: "the served entity has both entity_name and external_model; use exactly one" },
      ]],
    ['a boolean entity_version', (b) => (b.config.served_entities[0].entity_version = true), 'api.entity-version-string', provisionedBody, [
        { severity: 'error', path: '/config/served_entities/0/entity_version', message: "entity_version is true, a boolean; the API takes a string" },
      ]],
    ['a custom workload size of the workspace', (b) => (b.config.served_entities[0].workload_size = 'Huge'), 'api.workload-size', provisionedBody, []],
    ['a blank workload size', (b) => (b.config.served_entities[0].workload_size = ' '), 'api.workload-size', provisionedBody, [
        { severity: 'error', path: '/config/served_entities/0/workload_size', message: "workload_size \" \" is not one of Small, Medium, Large" },
      ]],
    ['every workload size', (b) => (b.config.served_entities = ['Small', 'Medium', 'Large'].map((size, i) => ({ name: `m${i}`, entity_name: 'main.ml.model', entity_version: '1', workload_size: size }))), 'api.workload-size', provisionedBody, []],
    ['scale_to_zero_enabled null', (b) => (b.config.served_entities[0].scale_to_zero_enabled = null), 'api.scale-to-zero-boolean', provisionedBody, [
        { severity: 'error', path: '/config/served_entities/0/scale_to_zero_enabled', message: "scale_to_zero_enabled is null, a null; the API takes true or false" },
      ]],
    ['scale_to_zero_enabled false', (b) => (b.config.served_entities[0].scale_to_zero_enabled = false), 'api.scale-to-zero-boolean', provisionedBody, []],
    ['route percentages out of range or not integers', (b) => (b.config.traffic_config.routes = [{ served_entity_name: 'primary', traffic_percentage: 101 }, { served_entity_name: 'fallback', traffic_percentage: -1 }, { served_entity_name: 'x', traffic_percentage: 50.5 }, { served_entity_name: 'y', traffic_percentage: '50' }]), 'api.traffic-routes', goodBody, [
        { severity: 'error', path: '/config/traffic_config/routes/0/traffic_percentage', message: "traffic_percentage 101 is not an integer from 0 to 100" },
        { severity: 'error', path: '/config/traffic_config/routes/1/traffic_percentage', message: "traffic_percentage -1 is not an integer from 0 to 100" },
        { severity: 'error', path: '/config/traffic_config/routes/2/traffic_percentage', message: "traffic_percentage 50.5 is not an integer from 0 to 100" },
        { severity: 'error', path: '/config/traffic_config/routes/3/traffic_percentage', message: "traffic_percentage \"50\" is not an integer from 0 to 100" },
      ]],
    ['routes at the bounds', (b) => (b.config.traffic_config.routes = [{ served_entity_name: 'primary', traffic_percentage: 100 }, { served_entity_name: 'fallback', traffic_percentage: 0 }]), 'api.traffic-routes', goodBody, []],
    ['no routes', (b) => (b.config.traffic_config.routes = []), 'api.traffic-routes', goodBody, []],
    ['routes over 100', (b) => (b.config.traffic_config.routes[1].traffic_percentage = 10), 'api.traffic-routes', goodBody, [
        { severity: 'error', path: '/config/traffic_config/routes', message: "route percentages add up to 110, not 100" },
      ]],
    ['an unknown rate-limit key', (b) => (b.ai_gateway.rate_limits[0].key = 'team'), 'api.rate-limit-key', goodBody, [
        { severity: 'error', path: '/ai_gateway/rate_limits/0/key', message: "rate-limit key \"team\" is not one of user, user_group, service_principal, endpoint" },
      ]],
    ['a rate limit without key', (b) => delete b.ai_gateway.rate_limits[0].key, 'api.rate-limit-key', goodBody, []],
    ['renewal_period in upper case', (b) => (b.ai_gateway.rate_limits[0].renewal_period = 'MINUTE'), 'api.rate-limit-renewal-period', goodBody, [
        { severity: 'error', path: '/ai_gateway/rate_limits/0/renewal_period', message: "renewal_period \"MINUTE\" is not \"minute\" (the API is case-sensitive: write \"minute\")" },
      ]],
    ['a rate limit that is not an object', (b) => (b.ai_gateway.rate_limits[1] = 5), 'api.rate-limit-amount', goodBody, [
        { severity: 'error', path: '/ai_gateway/rate_limits/1', message: "a rate limit must be an object" },
      ]],
    ['negative and fractional amounts', (b) => ((b.ai_gateway.rate_limits[0].calls = -1), (b.ai_gateway.rate_limits[0].tokens = 1.5), (b.ai_gateway.rate_limits[1].calls = '20')), 'api.rate-limit-amount', goodBody, [
        { severity: 'error', path: '/ai_gateway/rate_limits/0/calls', message: "calls is -1, not a non-negative integer" },
        { severity: 'error', path: '/ai_gateway/rate_limits/0/tokens', message: "tokens is 1.5, not a non-negative integer" },
        { severity: 'error', path: '/ai_gateway/rate_limits/1/calls', message: "calls is \"20\", not a non-negative integer" },
      ]],
    ['only tokens, and zero calls', (b) => ((b.ai_gateway.rate_limits[0] = { key: 'endpoint', renewal_period: 'minute', tokens: 1000 }), (b.ai_gateway.rate_limits[1].calls = 0)), 'api.rate-limit-amount', goodBody, []],
    ['a service principal limit without principal', (b) => b.ai_gateway.rate_limits.push({ key: 'service_principal', renewal_period: 'minute', calls: 5 }), 'api.rate-limit-principal', goodBody, [
        { severity: 'error', path: '/ai_gateway/rate_limits/2/principal', message: "a service_principal limit needs a principal" },
      ]],
    ['a group limit with a principal', (b) => b.ai_gateway.rate_limits.push({ key: 'user_group', principal: 'ops', renewal_period: 'minute', calls: 5 }), 'api.rate-limit-principal', goodBody, []],
    ['an endpoint limit with a principal', (b) => (b.ai_gateway.rate_limits[0].principal = 'ops'), 'api.rate-limit-principal', goodBody, [
        { severity: 'error', path: '/ai_gateway/rate_limits/0/principal', message: "an endpoint limit applies to all callers and takes no principal" },
      ]],
    ['a keyless limit with a principal', (b) => ((b.ai_gateway.rate_limits[0].principal = 'ops'), delete b.ai_gateway.rate_limits[0].key), 'api.rate-limit-principal', goodBody, [
        { severity: 'error', path: '/ai_gateway/rate_limits/0/principal', message: "an endpoint limit applies to all callers and takes no principal" },
      ]],
    ['a user limit with a principal', (b) => (b.ai_gateway.rate_limits[1].principal = 'ops'), 'api.rate-limit-principal', goodBody, []],
    ['a rate limit that is a string', (b) => (b.ai_gateway.rate_limits[1] = 'user'), 'api.rate-limit-principal', goodBody, []],
    ['PII behavior mask on output', (b) => (b.ai_gateway.guardrails.output.pii.behavior = 'mask'), 'api.pii-behavior', goodBody, [
        { severity: 'error', path: '/ai_gateway/guardrails/output/pii/behavior', message: "PII behavior \"mask\" is not one of NONE, BLOCK, MASK (the API is case-sensitive: write \"MASK\")" },
      ]],
    ['an unknown PII behavior', (b) => (b.ai_gateway.guardrails.input.pii.behavior = 'REDACT'), 'api.pii-behavior', goodBody, [
        { severity: 'error', path: '/ai_gateway/guardrails/input/pii/behavior', message: "PII behavior \"REDACT\" is not one of NONE, BLOCK, MASK" },
      ]],
    ['a Model Registry name (dotless)', (b) => (b.config.served_entities[0].entity_name = 'my_model'), 'api.entity-name-is-model', provisionedBody, []],
    ['a registered model', (b) => (b.config.served_entities[0].entity_name = 'main.ml.model'), 'api.entity-name-is-model', provisionedBody, []],
    ['a dotted pay-per-token name', (b) => (b.config.served_entities[0].entity_name = 'databricks-x.y'), 'api.entity-name-is-model', provisionedBody, [
        { severity: 'error', path: '/config/served_entities/0/entity_name', message: "entity_name \"databricks-x.y\" is a pay-per-token serving endpoint: the API takes a Unity Catalog model (catalog.schema.model) or a Model Registry model there" },
      ]],
    ['workload_size on a custom model', (b) => ((b.config.served_entities[0].entity_name = 'main.ml.model'), (b.config.served_entities[0].workload_size = 'Small')), 'api.foundation-model-no-workload-size', provisionedBody, []],
    ['three external models, two tasks', (b) => ((b.config.served_entities.push({ ...b.config.served_entities[1], name: 'third', external_model: { ...b.config.served_entities[1].external_model, task: 'llm/v1/completions' } }))), 'api.external-models-one-task', goodBody, [
        { severity: 'error', path: '/config/served_entities/2/external_model/task', message: "task \"llm/v1/completions\" differs from \"llm/v1/chat\" of the first external model" },
      ]],
    ['plaintext keys anywhere in the body', (b) => ((b.config.served_entities[1].external_model.openai_config = { openai_api_key_plaintext: 'sk' }), (b.ai_gateway.extra = [{ token_plaintext: 'x' }])), 'api.no-plaintext-token', goodBody, [
        { severity: 'error', path: '/config/served_entities/1/external_model/openai_config/openai_api_key_plaintext', message: "openai_api_key_plaintext carries a credential in plain text: it would be stored in the endpoint config and shown to anyone who can read it" },
        { severity: 'error', path: '/ai_gateway/extra/0/token_plaintext', message: "token_plaintext carries a credential in plain text: it would be stored in the endpoint config and shown to anyone who can read it" },
      ]],
    ['a token that is a number', (b) => (b.config.served_entities[1].external_model.databricks_model_serving_config.databricks_api_token = 42), 'api.secret-reference', goodBody, [
        { severity: 'error', path: '/config/served_entities/1/external_model/databricks_model_serving_config/databricks_api_token', message: "databricks_api_token is not a {{secrets/<scope>/<key>}} reference" },
      ]],
    ['two fallbacks', (b) => { b.config.served_entities.push({ ...b.config.served_entities[1], name: 'f2' }); b.config.traffic_config.routes.push({ served_entity_name: 'f2', traffic_percentage: 0 }); }, 'api.fallbacks', goodBody, []],
    ['fallbacks off with three at 0 %', (b) => { b.ai_gateway.fallback_config.enabled = false; b.config.served_entities.push({ ...b.config.served_entities[1], name: 'f2' }, { ...b.config.served_entities[1], name: 'f3' }); b.config.traffic_config.routes.push({ served_entity_name: 'f2', traffic_percentage: 0 }, { served_entity_name: 'f3', traffic_percentage: 0 }); }, 'api.fallbacks', goodBody, []],
    ['no usage tracking block', (b) => delete b.ai_gateway.usage_tracking_config, 'f4.usage-tracking', goodBody, [
        { severity: 'error', path: '/ai_gateway/usage_tracking_config/enabled', message: "usage tracking is not enabled" },
      ]],
    ['blank catalog and no schema', (b) => ((b.ai_gateway.inference_table_config.catalog_name = '  '), delete b.ai_gateway.inference_table_config.schema_name), 'f4.inference-tables', goodBody, [
        { severity: 'error', path: '/ai_gateway/inference_table_config/catalog_name', message: "catalog_name is required when inference tables are enabled" },
        { severity: 'error', path: '/ai_gateway/inference_table_config/schema_name', message: "schema_name is required when inference tables are enabled" },
      ]],
    ['schema DEFAULT', (b) => (b.ai_gateway.inference_table_config.schema_name = 'DEFAULT'), 'f4.inference-tables', goodBody, [
        { severity: 'error', path: '/ai_gateway/inference_table_config/schema_name', message: "schema_name is \"default\": governance of the payload table is unclear there" },
      ]],
    ['no inference table block', (b) => delete b.ai_gateway.inference_table_config, 'f4.inference-tables', goodBody, [
        { severity: 'error', path: '/ai_gateway/inference_table_config/enabled', message: "inference tables are not enabled; the audit trail cannot be rebuilt after an incident" },
      ]],
    ['prefix gw__', (b) => (b.ai_gateway.inference_table_config.table_name_prefix = 'gw__'), 'f4.table-prefix', goodBody, [
        { severity: 'error', path: '/ai_gateway/inference_table_config/table_name_prefix', message: "table_name_prefix \"gw__\" ends in \"_\": the payload table is <prefix>_payload, so it would be gw___payload with a double underscore, which breaks downstream queries; use \"gw\"" },
      ]],
    ['a prefix of 64 characters', (b) => (b.ai_gateway.inference_table_config.table_name_prefix = `_${'a1'.repeat(31)}b`), 'f4.table-prefix-identifier', goodBody, []],
    ['a prefix of 65 characters', (b) => (b.ai_gateway.inference_table_config.table_name_prefix = 'a'.repeat(65)), 'f4.table-prefix-identifier', goodBody, [
        { severity: 'error', path: '/ai_gateway/inference_table_config/table_name_prefix', message: "table_name_prefix \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is not a plain identifier: it names a table (<prefix>_payload), and Unity Catalog table names the platform creates are letters, digits and \"_\" of at most 64 characters" },
      ]],
    ['a prefix starting with a digit', (b) => (b.ai_gateway.inference_table_config.table_name_prefix = '1gw'), 'f4.table-prefix-identifier', goodBody, [
        { severity: 'error', path: '/ai_gateway/inference_table_config/table_name_prefix', message: "table_name_prefix \"1gw\" is not a plain identifier: it names a table (<prefix>_payload), and Unity Catalog table names the platform creates are letters, digits and \"_\" of at most 64 characters" },
      ]],
    ['a prefix with a trailing newline', (b) => (b.ai_gateway.inference_table_config.table_name_prefix = 'gw\n'), 'f4.table-prefix-identifier', goodBody, [
        { severity: 'error', path: '/ai_gateway/inference_table_config/table_name_prefix', message: "table_name_prefix \"gw\n\" is not a plain identifier: it names a table (<prefix>_payload), and Unity Catalog table names the platform creates are letters, digits and \"_\" of at most 64 characters" },
      ]],
    ['an external model of another provider', (b) => (b.config.served_entities[0].external_model.provider = 'openai'), 'f4.audited-entities', goodBody, []],
    ['a passing fallback first without routes', (b) => { delete b.config.traffic_config; b.config.served_entities.reverse(); }, 'f4.audited-entities', goodBody, [
        { severity: 'error', path: '/config/served_entities/0/external_model/name', message: "\"databricks-claude-opus-4-5\" passes its role probe but is not the bound endpoint, and takes traffic; a fallback candidate must be at 0 %" },
      ]],
    ['a passing fallback second without routes', (b) => delete b.config.traffic_config, 'f4.audited-entities', goodBody, []],
    ['an unnamed passing fallback served alone without routes (keyed by its entity_name)', (b) => { delete b.config.traffic_config; b.config.served_entities = [{ entity_name: 'system.ai.claude-opus-4-5', entity_version: '1', provisioned_model_units: 50 }]; }, 'f4.audited-entities', provisionedBody, [
        { severity: 'error', path: '/config/served_entities/0/entity_name', message: "\"databricks-claude-opus-4-5\" passes its role probe but is not the bound endpoint, and takes traffic; a fallback candidate must be at 0 %" },
      ]],
    ['an unnamed passing fallback second without routes', (b) => { delete b.config.traffic_config; b.config.served_entities.push({ entity_name: 'system.ai.claude-opus-4-5', entity_version: '1', provisioned_model_units: 50 }); }, 'f4.audited-entities', provisionedBody, [
        { severity: 'error', path: '/config/served_entities/0/entity_name', message: "\"databricks-llama_v3_3_70b_instruct\" is not a bound endpoint that passed its role probe in endpoint_guardrail_audit" },
      ]],
    ['routes by served_model_name', (b) => (b.config.traffic_config.routes = [{ served_model_name: 'primary', traffic_percentage: 0 }, { served_model_name: 'fallback', traffic_percentage: 100 }]), 'f4.audited-entities', goodBody, [
        { severity: 'error', path: '/config/served_entities/1/external_model/name', message: "\"databricks-claude-opus-4-5\" passes its role probe but is not the bound endpoint, and takes traffic; a fallback candidate must be at 0 %" },
      ]],
    ['safety as a string, PII MASK', (b) => ((b.ai_gateway.guardrails.input.safety = 'true'), (b.ai_gateway.guardrails.output.pii.behavior = 'MASK')), 'f4.guardrails', goodBody, [
        { severity: 'error', path: '/ai_gateway/guardrails/input/safety', message: "the input safety guardrail is off" },
      ]],
    ['a PII behavior that is not a string', (b) => (b.ai_gateway.guardrails.output.pii.behavior = 1), 'f4.guardrails', goodBody, [
        { severity: 'error', path: '/ai_gateway/guardrails/output/pii/behavior', message: "the output PII guardrail is 1" },
      ]],
    ['two limits of the same key', (b) => (b.ai_gateway.rate_limits[1].key = 'endpoint'), 'advice.rate-limit-keys', goodBody, [
        { severity: 'warning', path: '/ai_gateway/rate_limits', message: "there is no \"user\" rate limit" },
      ]],
    ['only keyless limits', (b) => (b.ai_gateway.rate_limits = [{ renewal_period: 'minute', calls: 5 }]), 'advice.rate-limit-keys', goodBody, [
        { severity: 'warning', path: '/ai_gateway/rate_limits', message: "there is no \"user\" rate limit" },
      ]],
    ['only a user limit', (b) => b.ai_gateway.rate_limits.shift(), 'advice.rate-limit-keys', goodBody, [
        { severity: 'warning', path: '/ai_gateway/rate_limits', message: "there is no \"endpoint\" rate limit" },
      ]],
    ['zero tokens and zero calls', (b) => ((b.ai_gateway.rate_limits[0].tokens = 0), (b.ai_gateway.rate_limits[0].calls = 0)), 'f4.rate-limit-zero', goodBody, [
        { severity: 'error', path: '/ai_gateway/rate_limits/0/calls', message: "calls is 0: tools read it differently (\"disabled\" in the UI, \"unlimited\" elsewhere), so it leaves no effective limit" },
        { severity: 'error', path: '/ai_gateway/rate_limits/0/tokens', message: "tokens is 0: tools read it differently (\"disabled\" in the UI, \"unlimited\" elsewhere), so it leaves no effective limit" },
      ]],
    ['the OTel prefix with a trailing underscore', (b) => (b.ai_gateway.inference_table_config.table_name_prefix = 'agent_otel_'), 'advice.prefix-differs-from-otel', goodBody, [
        { severity: 'warning', path: '/ai_gateway/inference_table_config/table_name_prefix', message: "table_name_prefix \"agent_otel_\" is the OTel table prefix recorded by F2" },
      ]],
    ['a traffic split with fallback on', (b) => ((b.config.traffic_config.routes[0].traffic_percentage = 60), (b.config.traffic_config.routes[1].traffic_percentage = 40)), 'advice.fallback-traffic', goodBody, []],
    ['one entity, fallback off', (b) => ((b.ai_gateway.fallback_config.enabled = false), b.config.served_entities.pop(), b.config.traffic_config.routes.pop()), 'advice.fallback-traffic', goodBody, []],
    ['a split by entity order without routes, fallback off', (b) => ((b.ai_gateway.fallback_config.enabled = false), delete b.config.traffic_config), 'advice.fallback-traffic', goodBody, []],
    ['deprecated fields on both sides', (b) => ((b.ai_gateway.guardrails.input.valid_topics = []), (b.ai_gateway.guardrails.output.valid_topics = ['x'])), 'deprecated.valid-topics', goodBody, [
        { severity: 'warning', path: '/ai_gateway/guardrails/input/valid_topics', message: "guardrails.input.valid_topics is deprecated" },
        { severity: 'warning', path: '/ai_gateway/guardrails/output/valid_topics', message: "guardrails.output.valid_topics is deprecated" },
      ]],
  ];

  it.each(edges.map(([name, edit, rule, base, hits]) => ({ name, edit, rule, base, hits })))('$name: $rule says exactly this', ({ edit, rule, base, hits }) => {
    expect(findingsOf(bodyWith(edit, base), rule)).toEqual(hits);
  });
});

describe('audited entities against the roles of the state', () => {
  const SONNET = 'databricks-claude-sonnet-4-6';
  const OPUS = 'databricks-claude-opus-4-5';
  const ok = { short_chat_ok: true, streaming_ok: true, audited_at: new Date().toISOString() };
  const audited = (body: Body, state?: Record<string, unknown>) =>
    validateCreateBody(body, state ? { state } : {}).findings.filter((f) => f.rule === 'f4.audited-entities').map(({ severity, path, message }) => ({ severity, path, message }));

  it('refuses the endpoint, and the fallback, of a role whose bound endpoint failed its probe', () => {
    const failing = { llm_role_endpoints: { agent_chat: { endpoint: SONNET, candidates: [SONNET, OPUS], selected_after_probe: true } }, endpoint_guardrail_audit: { [SONNET]: { ...ok, streaming_ok: false }, [OPUS]: ok } };
    expect(audited(goodBody(), failing)).toEqual([
      { severity: 'error', path: '/config/served_entities/0/external_model/name', message: `"${SONNET}" is not a bound endpoint that passed its role probe in endpoint_guardrail_audit` },
      { severity: 'error', path: '/config/served_entities/1/external_model/name', message: `"${OPUS}" is not a bound endpoint that passed its role probe in endpoint_guardrail_audit` },
    ]);
  });

  it('says where it could not check without a state file or an audit, and checks nothing without served entities', () => {
    expect(audited(goodBody())).toEqual([
      { severity: 'warning', path: '/config/served_entities', message: 'no state file was given, so the served entities could not be checked against endpoint_guardrail_audit' },
    ]);
    const noAudit = { llm_role_endpoints: {}, endpoint_guardrail_audit: null };
    expect(audited(goodBody(), noAudit)).toEqual([
      { severity: 'error', path: '/config/served_entities', message: 'the state file has no endpoint_guardrail_audit (the audit step has not run), so no served entity is shown to have passed its role probe' },
    ]);
    expect(audited(bodyWith((b) => (b.config.served_entities = [])))).toEqual([]);
  });

  it('ignores routes it cannot read when it weighs a fallback\'s traffic', () => {
    const state = SCENARIOS.passing;
    const routes = (r: unknown[]) => bodyWith((b) => (b.config.traffic_config.routes = r));
    expect(audited(routes(['x', { served_entity_name: 'fallback' }, { served_entity_name: 'primary', traffic_percentage: 100 }]), state)).toEqual([]);
    expect(audited(routes([{ served_entity_name: 'primary', traffic_percentage: 100 }, { served_entity_name: 'fallback', traffic_percentage: '50' }]), state)).toEqual([]);
  });
});
