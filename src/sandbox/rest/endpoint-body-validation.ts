/**
 * Request-body validation for the serving-endpoint API, as strict as the real service where it matters:
 * unknown fields and enum values, `ai_gateway` nested in the wrong place, missing required fields. A body
 * the sandbox accepts should be one a workspace accepts; one it refuses names the field and the fix.
 */
import { invalid } from './error-replies.js';
import { legacyRateLimits, servedModelsAsEntities, validateTelemetryConfig } from './deprecated-fields.js';
import { checkExternalModel, checkRegisteredEntity, type EntityCatalog } from './served-entity-checks.js';
import { array, boolean, count, object, oneOf, onlyFields, string, type Json } from './rest-fields.js';
import { defaultTablePrefix } from '../payload-names.js';

export interface ServedEntity extends Json {
  name: string;
}

export interface TrafficConfig {
  routes: { served_entity_name: string; traffic_percentage: number }[];
}

export interface EndpointConfig {
  served_entities: ServedEntity[];
  traffic_config: TrafficConfig;
}

export interface InferenceTableConfig {
  enabled: boolean;
  catalog_name?: string;
  schema_name?: string;
  table_name_prefix?: string;
}

export interface AiGatewayConfig extends Json {
  inference_table_config?: InferenceTableConfig;
}

export interface CreateRequest {
  name: string;
  config: EndpointConfig;
  aiGateway?: AiGatewayConfig;
  extras: Json;
}

export const MAX_SERVED_ENTITIES = 10;
const ENDPOINT_NAME = /^[A-Za-z0-9_-]{1,63}$/;
const UC_IDENTIFIER = /^[A-Za-z0-9_-]{1,255}$/;
// The field and value lists below are exported for the contract check (test/contracts), which compares each with
// Databricks' own generated SDK types, both ways: nothing the SDK lacks, nothing it has left out.
export const RATE_LIMIT_KEYS = ['user', 'user_group', 'service_principal', 'endpoint'] as const;
export const RENEWAL_PERIODS = ['minute'] as const;
export const PII_BEHAVIORS = ['NONE', 'BLOCK', 'MASK'] as const;
// PY `ServedEntityInput.workload_size`: these, plus "custom workload sizes … when available in the workspace"; this
// workspace has none, so anything else is refused here (the product's linter lets custom sizes through).
const WORKLOAD_SIZES = ['Small', 'Medium', 'Large'];
// The workspace's list (databricks-sdk-py `ServedEntityInput`), kept apart from the product's
// (governance/live-gateway-rules.ts) on purpose: the sandbox models Databricks, not the product, so the two are
// compared by test/sandbox/served-entity-fields.test.ts rather than shared.
export const SERVED_ENTITY_FIELDS = [
  'name',
  'entity_name',
  'entity_version',
  'external_model',
  'workload_size',
  'workload_type',
  'scale_to_zero_enabled',
  'min_provisioned_concurrency',
  'max_provisioned_concurrency',
  'min_provisioned_throughput',
  'max_provisioned_throughput',
  'provisioned_model_units',
  'environment_vars',
  'instance_profile_arn',
  'burst_scaling_enabled',
] as const;
/** Create fields kept as given and returned by GET. */
const EXTRA_FIELDS = ['tags', 'description', 'budget_policy_id', 'route_optimized', 'email_notifications', 'telemetry_config'] as const;
export const CREATE_FIELDS = ['name', 'config', 'ai_gateway', 'rate_limits', ...EXTRA_FIELDS] as const;
export const CONFIG_FIELDS = ['served_entities', 'served_models', 'traffic_config'] as const;
export const ROUTE_FIELDS = ['served_entity_name', 'served_model_name', 'traffic_percentage'] as const;
export const AI_GATEWAY_FIELDS = ['usage_tracking_config', 'inference_table_config', 'rate_limits', 'guardrails', 'fallback_config'] as const;
export const RATE_LIMIT_FIELDS = ['key', 'principal', 'renewal_period', 'calls', 'tokens'] as const;
export const GUARDRAIL_FIELDS = ['safety', 'pii', 'invalid_keywords', 'valid_topics'] as const;
export const INFERENCE_TABLE_FIELDS = ['enabled', 'catalog_name', 'schema_name', 'table_name_prefix'] as const;

export function validateEndpointName(name: unknown): string {
  const text = string(name, 'name');
  if (!ENDPOINT_NAME.test(text)) {
    throw invalid(
      `Invalid endpoint name '${text}': use 1 to 63 characters, letters, digits, '-' and '_' only.`,
    );
  }
  return text;
}

/**
 * Server-filled served-entity name (PY `ServedEntityInput.name`): an external model's name with '.' and ':'
 * replaced by '-'; otherwise entity_name-entity_version. For a three-part Unity Catalog name the sandbox keeps
 * the last part, since served-entity names cannot hold dots (what a workspace fills is unconfirmed).
 */
function defaultEntityName(entity: Json): string {
  const external = entity.external_model as Json | undefined;
  if (external) return String(external.name).replace(/[.:]/g, '-');
  const model = String(entity.entity_name).split('.').at(-1);
  return entity.entity_version === undefined ? String(model) : `${model}-${String(entity.entity_version)}`;
}

function validateServedEntity(raw: unknown, path: string, catalog: EntityCatalog): ServedEntity {
  const entity = object(raw, path);
  onlyFields(entity, SERVED_ENTITY_FIELDS, path, {
    model_name: "Use 'entity_name' ('model_name' belongs to the deprecated served_models).",
    model_version: "Use 'entity_version'.",
  });
  const hasEntity = entity.entity_name !== undefined;
  const hasExternal = entity.external_model !== undefined;
  if (hasEntity === hasExternal) {
    throw invalid(`Invalid ${path}: set exactly one of 'entity_name' (with 'entity_version') or 'external_model'.`);
  }
  if (entity.workload_size !== undefined) oneOf(entity.workload_size, WORKLOAD_SIZES, `${path}.workload_size`);
  if (entity.scale_to_zero_enabled !== undefined) boolean(entity.scale_to_zero_enabled, `${path}.scale_to_zero_enabled`);
  let defaults: Json = {};
  if (hasEntity) {
    string(entity.entity_name, `${path}.entity_name`);
    if (entity.entity_version !== undefined) string(entity.entity_version, `${path}.entity_version`);
    // Custom models and feature specs run on CPU/GPU compute; Databricks fills what the caller left out.
    if (checkRegisteredEntity(entity, path, catalog).kind !== 'foundation-model') defaults = { workload_type: 'CPU', scale_to_zero_enabled: false };
  } else {
    checkExternalModel(entity, path, catalog);
  }
  const name = entity.name === undefined ? defaultEntityName(entity) : string(entity.name, `${path}.name`);
  return { ...defaults, ...entity, name };
}

function validateTrafficConfig(raw: unknown, entities: ServedEntity[], at: string): TrafficConfig {
  if (raw === undefined) {
    // Omitted: split evenly, the remainder to the first entity, so the routes still sum to 100.
    const share = Math.floor(100 / entities.length);
    return {
      routes: entities.map((e, i) => ({
        served_entity_name: e.name,
        traffic_percentage: share + (i === 0 ? 100 - share * entities.length : 0),
      })),
    };
  }
  const config = object(raw, `${at}traffic_config`);
  onlyFields(config, ['routes'], `${at}traffic_config`);
  const routes = array(config.routes, `${at}traffic_config.routes`).map((rawRoute, i) => {
    const path = `${at}traffic_config.routes[${i}]`;
    const route = object(rawRoute, path);
    onlyFields(route, ROUTE_FIELDS, path);
    const target = string(route.served_entity_name ?? route.served_model_name, `${path}.served_entity_name`);
    if (!entities.some((e) => e.name === target)) {
      throw invalid(
        `Invalid ${path}.served_entity_name '${target}': no served entity has that name (names: ${entities.map((e) => e.name).join(', ')}).`,
      );
    }
    return { served_entity_name: target, traffic_percentage: count(route.traffic_percentage, `${path}.traffic_percentage`, 100) };
  });
  const total = routes.reduce((sum, r) => sum + r.traffic_percentage, 0);
  if (total !== 100) {
    throw invalid(`Invalid ${at}traffic_config: traffic percentages sum to ${total}; they must sum to 100.`);
  }
  return { routes };
}

/** `path` is 'config' inside a create request, or undefined for the bare body of PUT /config. */
export function validateEndpointConfig(raw: unknown, catalog: EntityCatalog, path?: string): EndpointConfig {
  const at = path ? `${path}.` : '';
  const config = object(raw, path ?? 'request body');
  onlyFields(config, CONFIG_FIELDS, path ?? 'the config update', {
    ai_gateway: "'ai_gateway' is a top-level field of the create request (a sibling of 'config'), or the body of PUT /api/2.0/serving-endpoints/{name}/ai-gateway.",
    rate_limits: "Rate limits belong in ai_gateway.rate_limits.",
    auto_capture_config: "Legacy inference tables can no longer be enabled: use ai_gateway.inference_table_config.",
  });
  if (config.served_models !== undefined && config.served_entities !== undefined) {
    throw invalid(`Invalid ${path ?? 'request body'}: set served_entities or the deprecated served_models, not both.`);
  }
  const list = config.served_models === undefined ? 'served_entities' : 'served_models';
  const rawEntities =
    list === 'served_models' ? servedModelsAsEntities(config.served_models, `${at}served_models`) : array(config.served_entities, `${at}served_entities`);
  if (rawEntities.length === 0) throw invalid(`Invalid ${at}${list}: at least one served entity is required.`);
  if (rawEntities.length > MAX_SERVED_ENTITIES) {
    throw invalid(`Invalid ${at}${list}: ${rawEntities.length} given, at most ${MAX_SERVED_ENTITIES} are allowed.`);
  }
  const entities = rawEntities.map((e, i) => validateServedEntity(e, `${at}${list}[${i}]`, catalog));
  const names = new Set<string>();
  for (const e of entities) {
    if (names.has(e.name)) throw invalid(`Invalid ${at}served_entities: the name '${e.name}' is used twice.`);
    names.add(e.name);
  }
  const external = entities.filter((e) => e.external_model !== undefined);
  if (external.length > 0 && external.length < entities.length) {
    throw invalid(`Invalid ${at}served_entities: an endpoint serves either external models or registered models, not both.`);
  }
  const tasks = new Set(external.map((e) => (e.external_model as Json).task));
  if (tasks.size > 1) {
    throw invalid(`Invalid ${at}served_entities: all external models of an endpoint must share one task (got ${[...tasks].join(', ')}).`);
  }
  return { served_entities: entities, traffic_config: validateTrafficConfig(config.traffic_config, entities, at) };
}

function validateRateLimit(raw: unknown, path: string): Json {
  const limit = object(raw, path);
  onlyFields(limit, RATE_LIMIT_FIELDS, path);
  const key = limit.key === undefined ? 'endpoint' : oneOf(limit.key, RATE_LIMIT_KEYS, `${path}.key`);
  if (limit.renewal_period === undefined) throw invalid(`Missing required field ${path}.renewal_period (only 'minute' is supported).`);
  oneOf(limit.renewal_period, RENEWAL_PERIODS, `${path}.renewal_period`);
  if (limit.calls === undefined && limit.tokens === undefined) throw invalid(`Invalid ${path}: set 'calls', 'tokens' or both.`);
  if (limit.calls !== undefined) count(limit.calls, `${path}.calls`);
  if (limit.tokens !== undefined) count(limit.tokens, `${path}.tokens`);
  if (limit.principal !== undefined) {
    string(limit.principal, `${path}.principal`);
    if (key === 'endpoint') throw invalid(`Invalid ${path}: 'principal' does not apply to key 'endpoint'.`);
  } else if (key === 'user_group' || key === 'service_principal') {
    throw invalid(`Invalid ${path}: key '${key}' needs a 'principal' (a group name or a service principal application id).`);
  }
  return { ...limit, key };
}

function validateGuardrailParameters(raw: unknown, path: string): Json {
  const params = object(raw, path);
  onlyFields(params, GUARDRAIL_FIELDS, path);
  if (params.safety !== undefined) boolean(params.safety, `${path}.safety`);
  if (params.pii !== undefined) {
    const pii = object(params.pii, `${path}.pii`);
    onlyFields(pii, ['behavior'], `${path}.pii`);
    oneOf(pii.behavior, PII_BEHAVIORS, `${path}.pii.behavior`);
  }
  for (const field of ['invalid_keywords', 'valid_topics']) {
    if (params[field] !== undefined) array(params[field], `${path}.${field}`).forEach((v, i) => string(v, `${path}.${field}[${i}]`));
  }
  return params;
}

function validateInferenceTableConfig(raw: unknown, endpointName: string, path: string): InferenceTableConfig {
  const config = object(raw, path);
  onlyFields(config, INFERENCE_TABLE_FIELDS, path);
  const enabled = config.enabled === undefined ? false : boolean(config.enabled, `${path}.enabled`);
  const result: InferenceTableConfig = { enabled };
  for (const field of ['catalog_name', 'schema_name', 'table_name_prefix'] as const) {
    if (config[field] === undefined) continue;
    const value = string(config[field], `${path}.${field}`);
    if (!UC_IDENTIFIER.test(value)) throw invalid(`Invalid ${path}.${field} '${value}': use letters, digits, '-' and '_' only.`);
    result[field] = value;
  }
  if (enabled) {
    for (const field of ['catalog_name', 'schema_name'] as const) {
      if (!result[field]) throw invalid(`Missing required field ${path}.${field}: it is required when inference tables are enabled.`);
    }
    result.table_name_prefix ??= defaultTablePrefix(endpointName);
  }
  return result;
}

/** Validates an AiGatewayConfig (the `ai_gateway` of a create, or the bare body of PUT /ai-gateway). */
export function validateAiGateway(raw: unknown, endpointName: string, path: string): AiGatewayConfig {
  const config = object(raw, path);
  onlyFields(
    config,
    AI_GATEWAY_FIELDS,
    path,
    { ai_gateway: 'The PUT /ai-gateway body is the bare AiGatewayConfig, not wrapped in {ai_gateway: …}.' },
  );
  const result: AiGatewayConfig = {};
  if (config.usage_tracking_config !== undefined) {
    const usage = object(config.usage_tracking_config, `${path}.usage_tracking_config`);
    onlyFields(usage, ['enabled'], `${path}.usage_tracking_config`);
    if (usage.enabled !== undefined) boolean(usage.enabled, `${path}.usage_tracking_config.enabled`);
    result.usage_tracking_config = usage;
  }
  if (config.inference_table_config !== undefined) {
    result.inference_table_config = validateInferenceTableConfig(config.inference_table_config, endpointName, `${path}.inference_table_config`);
  }
  if (config.rate_limits !== undefined) {
    result.rate_limits = array(config.rate_limits, `${path}.rate_limits`).map((r, i) => validateRateLimit(r, `${path}.rate_limits[${i}]`));
  }
  if (config.guardrails !== undefined) {
    const guardrails = object(config.guardrails, `${path}.guardrails`);
    onlyFields(guardrails, ['input', 'output'], `${path}.guardrails`);
    const checked: Json = {};
    for (const side of ['input', 'output'] as const) {
      if (guardrails[side] !== undefined) checked[side] = validateGuardrailParameters(guardrails[side], `${path}.guardrails.${side}`);
    }
    result.guardrails = checked;
  }
  if (config.fallback_config !== undefined) {
    const fallback = object(config.fallback_config, `${path}.fallback_config`);
    onlyFields(fallback, ['enabled'], `${path}.fallback_config`);
    boolean(fallback.enabled, `${path}.fallback_config.enabled`);
    result.fallback_config = fallback;
  }
  return result;
}

/** Fallbacks take at most this many entities at 0 % traffic (Databricks' notebook wording; reference §1). */
export const MAX_FALLBACKS = 2;

/**
 * Fallback (`ai_gateway.fallback_config.enabled`) retries a failed request on the other served entities, and is
 * for external models only; an entity at 0 % traffic is fallback-only, and there may be at most two of those.
 * An entity above 0 % is simply served, not a fallback. Checked wherever the config or the gateway changes.
 */
export function checkFallback(config: EndpointConfig, aiGateway: AiGatewayConfig | undefined, path: string): void {
  if ((aiGateway?.fallback_config as Json | undefined)?.enabled !== true) return;
  if (config.served_entities.some((e) => e.external_model === undefined)) {
    throw invalid(`Invalid ${path}.fallback_config: fallbacks need an endpoint of external models; this endpoint serves registered models.`);
  }
  const fallbacks = config.traffic_config.routes.filter((r) => r.traffic_percentage === 0);
  if (fallbacks.length > MAX_FALLBACKS) {
    throw invalid(
      `Invalid ${path}.fallback_config: ${fallbacks.length} served entities are at 0 % traffic (${fallbacks.map((r) => r.served_entity_name).join(', ')}); at most ${MAX_FALLBACKS} fallbacks are allowed.`,
    );
  }
}

export function validateCreate(raw: unknown, catalog: EntityCatalog): CreateRequest {
  const body = object(raw, 'request body');
  onlyFields(body, CREATE_FIELDS, 'the create request', {
    served_entities: "'served_entities' belongs inside 'config'.",
  });
  const name = validateEndpointName(body.name);
  if (body.config === undefined) throw invalid("Missing required field 'config' with at least one served entity.");
  const config = validateEndpointConfig(body.config, catalog, 'config');
  let aiGateway = body.ai_gateway === undefined ? undefined : validateAiGateway(body.ai_gateway, name, 'ai_gateway');
  if (body.rate_limits !== undefined) {
    if (aiGateway?.rate_limits !== undefined) throw invalid('Invalid rate_limits: set rate limits in ai_gateway.rate_limits only, not also in the deprecated top-level rate_limits.');
    aiGateway = { ...aiGateway, rate_limits: legacyRateLimits(body.rate_limits, 'rate_limits') };
  }
  checkFallback(config, aiGateway, 'ai_gateway');
  const extras: Json = {};
  for (const field of EXTRA_FIELDS) {
    if (body[field] !== undefined) extras[field] = body[field];
  }
  if (extras.telemetry_config !== undefined) validateTelemetryConfig(extras.telemetry_config, 'telemetry_config');
  if (extras.tags !== undefined) {
    array(extras.tags, 'tags').forEach((t, i) => string(object(t, `tags[${i}]`).key, `tags[${i}].key`));
  }
  return { name, config, aiGateway, extras };
}
