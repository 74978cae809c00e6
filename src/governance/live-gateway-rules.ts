/**
 * Compliance of a live gateway: its current config (as GET returns it) turned back into a create body and
 * checked against the rule catalog, plus the F4 checklist items only the workspace can answer — the rollout
 * state, the ops group's read access to the inference tables, and whether the state file records the same
 * prefix. Pure: the live values are read elsewhere.
 */
import { type StateData, isRecord } from '../shared/records.js';
import { isBroadPrivilege } from '../shared/privileges.js';
import type { Finding } from './rules/rule-types.js';
import { validateCreateBody, type Validation } from './validate-body.js';

export interface LiveGateway {
  name: string;
  state?: { ready?: string; config_update?: string };
  config?: { served_entities?: Array<Record<string, unknown>>; traffic_config?: unknown };
  pending_config?: LiveGateway['config'];
  ai_gateway?: Record<string, unknown>;
}

/** Direct grants on the inference table's catalog and schema: principal → privileges. */
export interface LiveGrants {
  catalog: Record<string, string[]>;
  schema: Record<string, string[]>;
}

/**
 * Fields of a served entity that a create body may carry (databricks-sdk-py `ServedEntityInput`); GET adds state,
 * creator and timestamps. The sandbox keeps its own copy on purpose (src/sandbox/rest/endpoint-body-validation.ts):
 * it stands in for the workspace and the product never imports it; test/sandbox/served-entity-fields.test.ts
 * holds the two lists equal.
 */
export const SERVED_ENTITY_INPUT_FIELDS = [
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
];

/** The create body the live endpoint corresponds to. */
export function bodyOfLive(endpoint: LiveGateway): Record<string, unknown> {
  const config = endpoint.config ?? endpoint.pending_config;
  const body: Record<string, unknown> = { name: endpoint.name };
  if (config) {
    body.config = {
      served_entities: (config.served_entities ?? []).map((entity) => Object.fromEntries(SERVED_ENTITY_INPUT_FIELDS.filter((k) => entity[k] !== undefined).map((k) => [k, entity[k]]))),
      ...(config.traffic_config === undefined ? {} : { traffic_config: config.traffic_config }),
    };
  }
  if (endpoint.ai_gateway && Object.keys(endpoint.ai_gateway).length > 0) body.ai_gateway = endpoint.ai_gateway;
  return body;
}

const OPS_PRIVILEGES = { catalog: ['USE_CATALOG'], schema: ['USE_SCHEMA', 'SELECT'] } as const;

export function checkLiveGateway(endpoint: LiveGateway, options: { state?: StateData; grants?: LiveGrants; opsGroup?: string }): Validation {
  const base = validateCreateBody(bodyOfLive(endpoint), { state: options.state });
  // A pay-per-token endpoint with its gateway attached serves Databricks' own foundation model: only its
  // ai_gateway block is the operator's to check.
  const own = servesFoundationModelApi(endpoint) ? base.findings.filter((f) => !f.path.startsWith('/config')) : base.findings;
  const findings: Finding[] = [...own, ...rolloutFindings(endpoint), ...stateRecordFindings(endpoint, options.state)];
  if (options.grants) findings.push(...opsGrantFindings(endpoint, options.grants, options.opsGroup));
  const order = { error: 0, warning: 1, info: 2 } as const;
  findings.sort((a, b) => order[a.severity] - order[b.severity]);
  return { valid: !findings.some((f) => f.severity === 'error'), findings };
}

function servesFoundationModelApi(endpoint: LiveGateway): boolean {
  const entities = (endpoint.config ?? endpoint.pending_config)?.served_entities ?? [];
  return entities.length > 0 && entities.every((entity) => isRecord(entity.foundation_model));
}

/** Catalog and schema of the inference table, when inference tables are on. */
export function inferenceLocationOf(endpoint: LiveGateway): { catalog: string; schema: string } | undefined {
  const table = endpoint.ai_gateway?.inference_table_config;
  if (!isRecord(table) || table.enabled !== true) return undefined;
  return typeof table.catalog_name === 'string' && typeof table.schema_name === 'string' ? { catalog: table.catalog_name, schema: table.schema_name } : undefined;
}

function rolloutFindings(endpoint: LiveGateway): Finding[] {
  const state = endpoint.state?.config_update;
  if (state === 'IN_PROGRESS') {
    return [{ rule: 'live.config-update', severity: 'warning', path: '/config', message: `a config update is IN_PROGRESS on ${endpoint.name}: the checks above apply to the pending config`, fix: 'Check again once state.config_update is NOT_UPDATING' }];
  }
  if (state === 'UPDATE_FAILED' || state === 'UPDATE_CANCELED') {
    return [{ rule: 'live.config-update', severity: 'error', path: '/config', message: `the last config update of ${endpoint.name} ended ${state}: the endpoint does not serve the config that was asked for`, fix: "Read the endpoint's events in the Serving UI, fix the cause, and apply the config again" }];
  }
  return [];
}

function opsGrantFindings(endpoint: LiveGateway, grants: LiveGrants, opsGroup: string | undefined): Finding[] {
  const location = inferenceLocationOf(endpoint);
  if (!location) return [];
  const schema = `${location.catalog}.${location.schema}`;
  const fix = `Grant the ops group USE_CATALOG on ${location.catalog} and USE_SCHEMA, SELECT on ${schema} (provisioning the gateway with an ops group does it); never ALL_PRIVILEGES`;
  const holds = (principal: string) =>
    OPS_PRIVILEGES.catalog.every((p) => grants.catalog[principal]?.includes(p)) && OPS_PRIVILEGES.schema.every((p) => grants.schema[principal]?.includes(p));
  const findings: Finding[] = [];
  for (const [securable, assignments] of [['catalog', grants.catalog], ['schema', grants.schema]] as const) {
    for (const [principal, privileges] of Object.entries(assignments)) {
      if (privileges.some(isBroadPrivilege)) {
        findings.push({ rule: 'live.explicit-grants', severity: 'warning', path: `/grants/${securable}`, message: `${principal} holds ALL_PRIVILEGES on ${securable === 'catalog' ? location.catalog : schema}; F4 grants are explicit`, fix: 'Replace ALL_PRIVILEGES with the specific privileges the principal needs' });
      }
    }
  }
  if (opsGroup) {
    if (!holds(opsGroup)) {
      const missing = [...OPS_PRIVILEGES.catalog.filter((p) => !grants.catalog[opsGroup]?.includes(p)), ...OPS_PRIVILEGES.schema.filter((p) => !grants.schema[opsGroup]?.includes(p))];
      findings.push({ rule: 'live.ops-grants', severity: 'error', path: `/grants/schema`, message: `the ops group ${opsGroup} lacks ${missing.join(', ')} on the inference tables' catalog/schema ${schema}`, fix });
    }
    return findings;
  }
  const readers = Object.keys(grants.schema).filter(holds);
  if (readers.length === 0) {
    findings.push({ rule: 'live.ops-grants', severity: 'error', path: '/grants/schema', message: `no principal holds USE_CATALOG on ${location.catalog} and USE_SCHEMA, SELECT on ${schema}, so no ops team can read the inference tables`, fix });
  }
  return findings;
}

function stateRecordFindings(endpoint: LiveGateway, state: StateData | undefined): Finding[] {
  const foundation = state?.Foundation;
  const record = isRecord(foundation) && isRecord(foundation.f4_gateway) ? foundation.f4_gateway : undefined;
  if (!record || record.endpoint_name !== endpoint.name) return [];
  const table = endpoint.ai_gateway?.inference_table_config;
  const livePrefix = isRecord(table) ? table.table_name_prefix : undefined;
  if (record.inference_table_prefix === livePrefix) return [];
  return [
    {
      rule: 'live.state-record',
      severity: 'warning',
      path: '/ai_gateway/inference_table_config/table_name_prefix',
      message: `the state file records inference_table_prefix ${JSON.stringify(record.inference_table_prefix)} for ${endpoint.name}, but the endpoint uses ${JSON.stringify(livePrefix ?? null)}`,
      fix: 'Provision the gateway again (plan, then apply) so Foundation.f4_gateway matches the workspace',
    },
  ];
}
