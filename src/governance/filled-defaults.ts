/**
 * Which fields a workspace fills into a gateway endpoint that the product never sends (README "Known limits":
 * "which defaults a real GET fills into ai_gateway and served entities"). The plan compares the live endpoint
 * with the desired one after dropping empty values (plan-diff.ts `withoutEmpty`, served entities cut to the
 * keys it compares), so each path listed here would show as a change on every plan of that gateway. Pure.
 */
import { isRecord } from '../shared/records.js';
import { withoutEmpty } from './plan-diff.js';

/** Leaf paths of `ai_gateway` the desired gateway sets (desired-endpoint.ts), array members as `[]`. */
const SENT_GATEWAY_PATHS = new Set([
  'usage_tracking_config.enabled',
  'inference_table_config.enabled',
  'inference_table_config.catalog_name',
  'inference_table_config.schema_name',
  'inference_table_config.table_name_prefix',
  'rate_limits[].key',
  'rate_limits[].renewal_period',
  'rate_limits[].calls',
  'rate_limits[].tokens',
  'rate_limits[].principal',
  'guardrails.input.pii.behavior',
  'guardrails.input.safety',
  'guardrails.output.pii.behavior',
  'guardrails.output.safety',
  'fallback_config.enabled',
]);

/** Served-entity keys the plan compares (plan-diff.ts ENTITY_KEYS) and, of those, the leaves the product sends. */
const COMPARED_ENTITY_KEYS = ['name', 'entity_name', 'entity_version', 'workload_size', 'scale_to_zero_enabled', 'external_model', 'provisioned_model_units', 'min_provisioned_throughput', 'max_provisioned_throughput'];
const SENT_ENTITY_PATHS = new Set([
  'name',
  'entity_name',
  'entity_version',
  'provisioned_model_units',
  'min_provisioned_throughput',
  'max_provisioned_throughput',
  'external_model.name',
  'external_model.provider',
  'external_model.task',
  'external_model.databricks_model_serving_config.databricks_workspace_url',
  'external_model.databricks_model_serving_config.databricks_api_token',
]);

function leafPaths(value: unknown, prefix: string): string[] {
  if (Array.isArray(value)) return value.flatMap((member) => leafPaths(member, `${prefix}[]`));
  if (!isRecord(value)) return [prefix];
  return Object.entries(value).flatMap(([key, member]) => leafPaths(member, prefix ? `${prefix}.${key}` : key));
}

/** The non-empty fields of a live endpoint's `ai_gateway` and served entities that the product does not send. */
export function filledDefaults(endpoint: { ai_gateway?: unknown; config?: { served_entities?: unknown } }): string[] {
  const filled = leafPaths(withoutEmpty(endpoint.ai_gateway ?? {}), '')
    .filter((path) => path !== '' && !SENT_GATEWAY_PATHS.has(path))
    .map((path) => `ai_gateway.${path}`);
  const entities = Array.isArray(endpoint.config?.served_entities) ? endpoint.config.served_entities : [];
  entities.forEach((entity, i) => {
    if (!isRecord(entity)) return;
    // withoutEmpty drops the keys the entity lacks, so every path left names a field of a record.
    const compared = Object.fromEntries(COMPARED_ENTITY_KEYS.map((key) => [key, entity[key]]));
    for (const path of leafPaths(withoutEmpty(compared), '')) {
      if (!SENT_ENTITY_PATHS.has(path)) filled.push(`config.served_entities[${i}].${path}`);
    }
  });
  return [...new Set(filled)];
}
