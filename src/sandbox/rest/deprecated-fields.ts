/**
 * Create fields the SDKs still send and a workspace still accepts though newer ones replace them (PY
 * `CreateServingEndpoint`, `EndpointCoreConfigInput`): `config.served_models` (use served_entities) and the
 * top-level `rate_limits` (use ai_gateway.rate_limits), plus `telemetry_config`. Refusing them would make the
 * sandbox stricter than Databricks; each is read into its current form here.
 */
import { invalid } from './error-replies.js';
import { array, count, object, oneOf, onlyFields, string, type Json } from './rest-fields.js';

/** ServedModelInput fields, and what each is called in ServedEntityInput. */
const SERVED_MODEL_FIELDS: Record<string, string> = {
  model_name: 'entity_name',
  model_version: 'entity_version',
  name: 'name',
  workload_size: 'workload_size',
  workload_type: 'workload_type',
  scale_to_zero_enabled: 'scale_to_zero_enabled',
  environment_vars: 'environment_vars',
  instance_profile_arn: 'instance_profile_arn',
  min_provisioned_throughput: 'min_provisioned_throughput',
  max_provisioned_throughput: 'max_provisioned_throughput',
  min_provisioned_concurrency: 'min_provisioned_concurrency',
  max_provisioned_concurrency: 'max_provisioned_concurrency',
  provisioned_model_units: 'provisioned_model_units',
  burst_scaling_enabled: 'burst_scaling_enabled',
};

/** `served_models` read as served entities; ServedModelInput requires model_name, model_version and scale_to_zero_enabled. */
export function servedModelsAsEntities(raw: unknown, path: string): Json[] {
  return array(raw, path).map((item, i) => {
    const at = `${path}[${i}]`;
    const model = object(item, at);
    onlyFields(model, Object.keys(SERVED_MODEL_FIELDS), at, { entity_name: "served_models take 'model_name'; 'entity_name' belongs to served_entities." });
    for (const required of ['model_name', 'model_version', 'scale_to_zero_enabled']) {
      if (model[required] === undefined) throw invalid(`Missing required field ${at}.${required}.`);
    }
    return Object.fromEntries(Object.entries(model).map(([field, value]) => [SERVED_MODEL_FIELDS[field]!, value]));
  });
}

/**
 * The legacy endpoint rate limits (PY `RateLimit`: calls per minute, key `user` or `endpoint`). Databricks moved
 * endpoint rate limits into AI Gateway; the sandbox reads them as `ai_gateway.rate_limits` (how a workspace
 * reports them afterwards is unconfirmed).
 */
export function legacyRateLimits(raw: unknown, path: string): Json[] {
  return array(raw, path).map((item, i) => {
    const at = `${path}[${i}]`;
    const limit = object(item, at);
    onlyFields(limit, ['calls', 'key', 'renewal_period'], at);
    if (limit.calls === undefined) throw invalid(`Missing required field ${at}.calls.`);
    if (limit.renewal_period === undefined) throw invalid(`Missing required field ${at}.renewal_period (only 'minute' is supported).`);
    return {
      key: limit.key === undefined ? 'endpoint' : oneOf(limit.key, ['user', 'endpoint'], `${at}.key`),
      renewal_period: oneOf(limit.renewal_period, ['minute'], `${at}.renewal_period`),
      calls: count(limit.calls, `${at}.calls`),
    };
  });
}

/** PY `TelemetryConfig`: kept as given and returned by GET. */
export function validateTelemetryConfig(raw: unknown, path: string): Json {
  const config = object(raw, path);
  onlyFields(config, ['enabled_telemetry_features', 'inference_table_config', 'table_names', 'telemetry_profile_id'], path);
  if (config.enabled_telemetry_features !== undefined) {
    array(config.enabled_telemetry_features, `${path}.enabled_telemetry_features`).forEach((f, i) => string(f, `${path}.enabled_telemetry_features[${i}]`));
  }
  for (const field of ['inference_table_config', 'table_names']) {
    if (config[field] !== undefined) object(config[field], `${path}.${field}`);
  }
  if (config.telemetry_profile_id !== undefined) string(config.telemetry_profile_id, `${path}.telemetry_profile_id`);
  return config;
}
