/**
 * The bodies Unity AI Gateway accepts for model services and MCP services (PY SDK `catalog.ModelService`,
 * `McpService`, `RateLimit`; reference §2), checked as strictly as the workspace checks them: destinations 1–10
 * with exactly one config of their type, pay-per-token models that Unity Catalog lists, at most 5 fallbacks,
 * rate-limit keys, periods and principal rules, and an inference table in a schema that exists.
 */
import { invalid } from './error-replies.js';
import { array, count, object, oneOf, onlyFields, string, type Json } from './rest-fields.js';

export const DESTINATION_TYPES = {
  DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL: 'pay_per_token_config',
  DESTINATION_TYPE_PROVISIONED_THROUGHPUT_FOUNDATION_MODEL: 'provisioned_throughput_config',
  DESTINATION_TYPE_EXTERNAL_FOUNDATION_MODEL: 'external_model_config',
} as const;
const CONFIG_KINDS = Object.values(DESTINATION_TYPES);

export const RATE_LIMIT_KEYS = [
  'RATE_LIMIT_KEY_SERVICE',
  'RATE_LIMIT_KEY_USER',
  'RATE_LIMIT_KEY_USER_DEFAULT',
  'RATE_LIMIT_KEY_USER_GROUP',
  'RATE_LIMIT_KEY_SERVICE_PRINCIPAL',
  'RATE_LIMIT_KEY_REQUEST_TAG',
];
export const RENEWAL_PERIODS = ['RATE_LIMIT_RENEWAL_PERIOD_MINUTE', 'RATE_LIMIT_RENEWAL_PERIOD_HOUR'];
const NO_PRINCIPAL_KEYS = ['RATE_LIMIT_KEY_SERVICE', 'RATE_LIMIT_KEY_USER_DEFAULT', 'RATE_LIMIT_KEY_REQUEST_TAG'];

export const MAX_DESTINATIONS = 10;
export const MAX_FALLBACKS = 5;

/** What the body names that only the workspace can confirm. */
export interface ServiceWorld {
  modelExists(fullName: string): boolean;
  schemaExists(fullName: string): boolean;
}

const SCHEMA_REF = /^schemas\/([^./]+)\.([^./]+)$/;
const MODEL_REF = /^models\/([^./]+\.[^./]+\.[^./]+)$/;

/** `schemas/{c}.{s}` → `c.s`, or refused. */
export function schemaRef(value: unknown, path: string): string {
  const text = string(value, path);
  const match = SCHEMA_REF.exec(text);
  if (!match) throw invalid(`Invalid ${path} '${text}': expected schemas/{catalog}.{schema}.`);
  return `${match[1]}.${match[2]}`;
}

export function checkModelServiceConfig(raw: unknown, world: ServiceWorld): void {
  const config = object(raw, 'config');
  onlyFields(config, ['routing', 'rate_limits', 'inference_table'], 'config', {
    guardrails: 'Guardrails are Unity Catalog service policies attached to the service, not fields of it.',
  });
  const routing = object(config.routing, 'config.routing');
  onlyFields(routing, ['destinations', 'fallback', 'first_token_timeout', 'traffic_splitting'], 'config.routing');
  const destinations = array(routing.destinations, 'config.routing.destinations');
  if (destinations.length < 1 || destinations.length > MAX_DESTINATIONS) {
    throw invalid(`Invalid config.routing.destinations: expected 1 to ${MAX_DESTINATIONS} destinations, got ${destinations.length}.`);
  }
  destinations.forEach((d, i) => checkDestination(d, `config.routing.destinations[${i}]`, world));
  const shares = destinations.map((d) => (d as Json).traffic_percentage).filter((p) => p !== undefined) as number[];
  if (shares.length > 0 && shares.reduce((a, b) => a + b, 0) !== 100) {
    throw invalid(`Invalid config.routing.destinations: traffic_percentage values must sum to 100, got ${shares.reduce((a, b) => a + b, 0)}.`);
  }
  if (routing.fallback !== undefined) {
    const fallback = object(routing.fallback, 'config.routing.fallback');
    onlyFields(fallback, ['destinations'], 'config.routing.fallback');
    // A PATCH of config.routing.fallback.destinations without a value clears the fallbacks.
    const fallbacks = fallback.destinations === undefined ? [] : array(fallback.destinations, 'config.routing.fallback.destinations');
    if (fallbacks.length > MAX_FALLBACKS) throw invalid(`Invalid config.routing.fallback.destinations: at most ${MAX_FALLBACKS} fallback destinations, got ${fallbacks.length}.`);
    fallbacks.forEach((d, i) => checkDestination(d, `config.routing.fallback.destinations[${i}]`, world));
  }
  if (config.rate_limits !== undefined) checkRateLimits(config.rate_limits, 'config.rate_limits', false);
  if (config.inference_table !== undefined) {
    const table = object(config.inference_table, 'config.inference_table');
    onlyFields(table, ['parent', 'table_name_prefix', 'disabled'], 'config.inference_table');
    const parent = schemaRef(table.parent, 'config.inference_table.parent');
    if (!world.schemaExists(parent)) throw invalid(`Invalid config.inference_table.parent: schema '${parent}' does not exist.`);
    if (table.table_name_prefix !== undefined && !/^[A-Za-z0-9_-]{1,100}$/.test(string(table.table_name_prefix, 'config.inference_table.table_name_prefix'))) {
      throw invalid(`Invalid config.inference_table.table_name_prefix '${String(table.table_name_prefix)}': letters, digits, '-' and '_' only.`);
    }
  }
}

function checkDestination(raw: unknown, path: string, world: ServiceWorld): void {
  const destination = object(raw, path);
  onlyFields(destination, ['name', 'destination_type', 'traffic_percentage', ...CONFIG_KINDS], path);
  string(destination.name, `${path}.name`);
  const type = oneOf(destination.destination_type, Object.keys(DESTINATION_TYPES), `${path}.destination_type`) as keyof typeof DESTINATION_TYPES;
  if (destination.traffic_percentage !== undefined) count(destination.traffic_percentage, `${path}.traffic_percentage`, 100);
  const present = CONFIG_KINDS.filter((kind) => destination[kind] !== undefined);
  if (present.length !== 1) throw invalid(`Invalid ${path}: exactly one of ${CONFIG_KINDS.join(', ')} must be set, got ${present.length}.`);
  if (present[0] !== DESTINATION_TYPES[type]) throw invalid(`Invalid ${path}: destination_type ${type} takes ${DESTINATION_TYPES[type]}, not ${present[0]}.`);
  if (type === 'DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL') {
    const ref = string(object(destination.pay_per_token_config, `${path}.pay_per_token_config`).model, `${path}.pay_per_token_config.model`);
    const model = MODEL_REF.exec(ref)?.[1];
    if (!model) throw invalid(`Invalid ${path}.pay_per_token_config.model '${ref}': expected models/{catalog}.{schema}.{model}.`);
    if (!world.modelExists(model)) throw invalid(`Invalid ${path}.pay_per_token_config.model: model '${model}' does not exist in Unity Catalog.`);
  }
}

/** MCP services take request limits only (PY `McpServiceConfig.rate_limits`). */
export function checkRateLimits(raw: unknown, path: string, requestsOnly: boolean): void {
  array(raw, path).forEach((item, i) => {
    const at = `${path}[${i}]`;
    const limit = object(item, at);
    onlyFields(limit, ['key', 'renewal_period', 'requests', 'tokens', 'principal', 'request_tag_key', 'request_tag_value'], at);
    const key = oneOf(limit.key, RATE_LIMIT_KEYS, `${at}.key`);
    oneOf(limit.renewal_period, RENEWAL_PERIODS, `${at}.renewal_period`);
    // Neither requests nor tokens is a limit on nothing, which the API takes (PY `RateLimit`: "Leave requests or
    // tokens unset to impose no limit on that dimension").
    if (limit.requests !== undefined) count(limit.requests, `${at}.requests`);
    if (limit.tokens !== undefined) {
      if (requestsOnly) throw invalid(`Invalid ${at}.tokens: MCP service rate limits count requests only.`);
      count(limit.tokens, `${at}.tokens`);
    }
    const needsPrincipal = !NO_PRINCIPAL_KEYS.includes(key);
    if (needsPrincipal && limit.principal === undefined) throw invalid(`Invalid ${at}: ${key} requires principal.`);
    if (!needsPrincipal && limit.principal !== undefined) throw invalid(`Invalid ${at}: ${key} must not set principal.`);
    const tagged = key === 'RATE_LIMIT_KEY_REQUEST_TAG';
    if (tagged && limit.request_tag_key === undefined) throw invalid(`Invalid ${at}: RATE_LIMIT_KEY_REQUEST_TAG requires request_tag_key.`);
    if (!tagged && (limit.request_tag_key !== undefined || limit.request_tag_value !== undefined)) throw invalid(`Invalid ${at}: request_tag_key and request_tag_value are only valid with RATE_LIMIT_KEY_REQUEST_TAG.`);
  });
}

export function checkMcpServiceConfig(raw: unknown): string {
  const config = object(raw, 'config');
  onlyFields(config, ['source_connection', 'include_tool_selectors', 'rate_limits'], 'config');
  const source = object(config.source_connection, 'config.source_connection');
  const name = string(source.name, 'config.source_connection.name');
  const match = /^connections\/([^./]+\.[^./]+\.[^./]+)$/.exec(name);
  if (!match) throw invalid(`Invalid config.source_connection.name '${name}': expected connections/{catalog}.{schema}.{connection}.`);
  if (config.include_tool_selectors !== undefined) {
    array(config.include_tool_selectors, 'config.include_tool_selectors').forEach((s, i) => {
      const selector = string(s, `config.include_tool_selectors[${i}]`);
      if (selector.length > 256) throw invalid(`Invalid config.include_tool_selectors[${i}]: at most 256 characters.`);
    });
  }
  if (config.rate_limits !== undefined) checkRateLimits(config.rate_limits, 'config.rate_limits', true);
  return match[1]!;
}
