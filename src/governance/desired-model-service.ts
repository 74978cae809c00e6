/**
 * The F4 gateway as a Unity AI Gateway model service (reference §2), pure: destinations only from bound,
 * passing endpoints, each routed to the registered model the workspace named for it (facts.models);
 * the roles' next passing candidates as ordered fallbacks (at most 5); the F4 endpoint/user limits as
 * RATE_LIMIT_KEY_SERVICE / RATE_LIMIT_KEY_USER_DEFAULT per minute; the inference table in the team schema;
 * EXECUTE on the service plus the F2 schema grants, explicit only; MCP services over UC HTTP connections.
 */
import type { StateData } from '../shared/records.js';
import { desiredGrants, type DesiredGrant, type GatewayRequest, type McpServiceRequest, type RateLimit } from './desired-endpoint.js';
import type { ModelResolution } from './model-names.js';
import { canonical, diff, equal, grantAndRecordChanges, sha256, withoutEmpty, withoutTimestamp, type Change, type LiveSnapshot, type Plan, type ServiceStep } from './plan-diff.js';
import { evaluateAudit } from './role-probe.js';
import type { Finding } from './rules/rule-types.js';

export const MAX_DESTINATIONS = 10;
export const MAX_FALLBACKS = 5;

/** A service as the workspace returns it (the fields the plan compares). */
export interface LiveServiceView {
  name: string;
  etag?: string;
  config?: Record<string, unknown>;
}

/** The model service and the MCP services of one gateway, as the workspace holds them now. */
export interface LiveModelGateway {
  service: LiveServiceView | undefined;
  mcp: Record<string, LiveServiceView | undefined>;
}

export interface ModelServiceFacts {
  host: string;
  /** Per audited endpoint: the registered model the workspace names behind it, or why none. */
  models: Record<string, ModelResolution>;
  schemaMissing?: boolean;
  /** Per MCP connection full name: its type as the workspace reports it, or null when it does not exist. */
  connections: Record<string, string | null>;
}

export interface DesiredMcpService {
  id: string;
  fullName: string;
  connection: string;
  body: { config: DesiredMcpConfig };
  url: string;
}

export interface DesiredModelService {
  name: string;
  catalog: string;
  schema: string;
  id: string;
  /** The create body (and, by update mask, the PATCH body). Exact types: test/contracts checks them. */
  body: { config: { routing: DesiredRouting; rate_limits: DesiredServiceRateLimit[]; inference_table: { parent: string; table_name_prefix: string } } };
  /** Pay-per-token endpoints and their system.ai models, primaries then fallbacks, in audit order. */
  destinations: Array<{ endpoint: string; model: string; kind: 'primary' | 'fallback' }>;
  mcp: DesiredMcpService[];
  grants: DesiredGrant[];
  payloadTable: string;
  record: Record<string, unknown>;
  warnings: string[];
}

const RATE_LIMIT_KEYS = {
  endpoint: 'RATE_LIMIT_KEY_SERVICE',
  user: 'RATE_LIMIT_KEY_USER_DEFAULT',
  user_group: 'RATE_LIMIT_KEY_USER_GROUP',
  service_principal: 'RATE_LIMIT_KEY_SERVICE_PRINCIPAL',
  request_tag: 'RATE_LIMIT_KEY_REQUEST_TAG',
} as const satisfies Record<RateLimit['key'], string>;

type DesiredDestination = DesiredModelService['destinations'][number];

/** A pay-per-token destination naming the registered model the workspace resolved. */
function destinationBody(d: DesiredDestination) {
  return {
    name: d.model.replace(/^system\.ai\./, '') || d.endpoint,
    destination_type: 'DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL' as const,
    pay_per_token_config: { model: `models/${d.model}` },
  };
}

/** Primaries share the traffic (the first takes the remainder); fallbacks are tried in order. */
function routingBody(primaries: DesiredDestination[], fallbacks: DesiredDestination[]) {
  return {
    destinations: primaries.map((d, i) => ({ ...destinationBody(d), ...(primaries.length > 1 ? { traffic_percentage: Math.floor(100 / primaries.length) + (i === 0 ? 100 % primaries.length : 0) } : {}) })),
    ...(fallbacks.length > 0 ? { fallback: { destinations: fallbacks.map(destinationBody) } } : {}),
  };
}

function serviceRateLimit(limit: RateLimit) {
  return {
    key: RATE_LIMIT_KEYS[limit.key],
    renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE' as const,
    ...(limit.calls !== undefined ? { requests: limit.calls } : {}),
    ...(limit.tokens !== undefined ? { tokens: limit.tokens } : {}),
    ...(limit.principal !== undefined ? { principal: limit.principal } : {}),
    ...(limit.request_tag_key !== undefined ? { request_tag_key: limit.request_tag_key } : {}),
    ...(limit.request_tag_value !== undefined ? { request_tag_value: limit.request_tag_value } : {}),
  };
}

/** An MCP service over a UC HTTP connection; its limit is requests per minute only. */
function mcpConfig(connection: string, m: McpServiceRequest) {
  return {
    source_connection: { name: `connections/${connection}` },
    ...(m.includeTools?.length ? { include_tool_selectors: m.includeTools } : {}),
    ...(m.requestsPerMinute !== undefined ? { rate_limits: [{ key: 'RATE_LIMIT_KEY_SERVICE' as const, renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE' as const, requests: m.requestsPerMinute }] } : {}),
  };
}

export type DesiredRouting = ReturnType<typeof routingBody>;
export type DesiredServiceRateLimit = ReturnType<typeof serviceRateLimit>;
export type DesiredMcpConfig = ReturnType<typeof mcpConfig>;

export const GUARDRAIL_POLICY_WARNING =
  'F4 guardrails (PII and safety) are Unity Catalog service policies on this target, not fields of the model service, and no Databricks SDK exposes a service-policy API yet: attach the built-in Sensitive Data Detection policy (deny or mask) and the LLM-judge safety policy to the service in Catalog Explorer. Until then the F4 guardrail checklist item is not met on this gateway.';

/** Whether a connection argument names a connection of its own schema (`c.s.name`) or one in the gateway's. */
export function connectionFullName(connection: string, catalog: string, schema: string): string {
  return connection.includes('.') ? connection : `${catalog}.${schema}.${connection}`;
}

export function mcpServiceUrl(host: string, fullName: string): string {
  return `${host}/ai-gateway/mcp-services/${fullName}`;
}

export function desiredModelService(state: StateData, request: GatewayRequest, facts: ModelServiceFacts): DesiredModelService {
  const report = evaluateAudit(state, { roles: request.roles });
  const roles = request.roles.map((role) => report.roles.find((r) => r.role === role)).filter((r) => r?.status === 'pass' && r.endpoint);
  const destinations: DesiredModelService['destinations'] = [];
  const seen = new Set<string>();
  const add = (endpoint: string, kind: 'primary' | 'fallback') => {
    if (seen.has(endpoint)) return;
    seen.add(endpoint);
    const resolution = facts.models[endpoint];
    destinations.push({ endpoint, model: resolution && 'model' in resolution ? resolution.model : '', kind });
  };
  for (const role of roles) add(role!.endpoint as string, 'primary');
  if (request.fallback) for (const role of roles) for (const candidate of role!.fallback_candidates) add(candidate, 'fallback');

  const primaries = destinations.filter((d) => d.kind === 'primary');
  const fallbacks = destinations.filter((d) => d.kind === 'fallback');
  const routing = routingBody(primaries, fallbacks);
  const rateLimits = request.rateLimits.map(serviceRateLimit);
  const id = request.name ?? '';
  const fullName = `${request.catalog}.${request.schema}.${id}`;
  const mcp = (request.mcpServices ?? []).map((m): DesiredMcpService => {
    const connection = connectionFullName(m.connection, request.catalog, request.schema);
    const mcpFullName = `${request.catalog}.${request.schema}.${m.name}`;
    return {
      id: m.name,
      fullName: mcpFullName,
      connection,
      body: { config: mcpConfig(connection, m) },
      url: mcpServiceUrl(facts.host, mcpFullName),
    };
  });
  const payloadTable = `${request.catalog}.${request.schema}.${request.tableNamePrefix}_payload`;
  return {
    name: fullName,
    catalog: request.catalog,
    schema: request.schema,
    id,
    body: { config: { routing, rate_limits: rateLimits, inference_table: { parent: `schemas/${request.catalog}.${request.schema}`, table_name_prefix: request.tableNamePrefix } } },
    destinations,
    mcp,
    grants: serviceGrants(request, fullName, mcp),
    payloadTable,
    record: {
      target: 'model_service',
      service_name: fullName,
      status: 'applied',
      inference_table_prefix: request.tableNamePrefix,
      payload_table: payloadTable,
      destinations: primaries.map((d) => d.model),
      fallback_destinations: fallbacks.map((d) => d.model),
      ...(mcp.length ? { mcp_services: mcp.map((m) => m.fullName) } : {}),
      ...(request.grants.optOut ? { grants_opt_out: request.grants.optOut } : {}),
    },
    warnings: [
      GUARDRAIL_POLICY_WARNING,
      ...(request.grants.optOut ? [`Grants opted out ("${request.grants.optOut}"): no agent service principal or ops group gets EXECUTE on the service or access to the payload table; F4 expects both. The opt-out is recorded in the state file.`] : []),
    ],
  };
}

/** EXECUTE on the service (and each MCP service) plus the F2 catalog/schema grants, for the agent SP and the ops group. */
function serviceGrants(request: GatewayRequest, fullName: string, mcp: DesiredMcpService[]): DesiredGrant[] {
  const grants = desiredGrants(request);
  for (const principal of [request.grants.agentServicePrincipal, request.grants.opsGroup]) {
    if (!principal) continue;
    grants.push({ securable: 'model_service', fullName, principal, privileges: ['EXECUTE'] });
    for (const m of mcp) grants.push({ securable: 'mcp_service', fullName: m.fullName, principal, privileges: ['EXECUTE'] });
  }
  return grants;
}

/** What the request or the workspace does not provide; errors block the plan. */
export function modelServiceFindings(request: GatewayRequest, facts: ModelServiceFacts, desired: DesiredModelService): Finding[] {
  const findings: Finding[] = [];
  const error = (rule: string, path: string, message: string, fix: string) => findings.push({ rule, severity: 'error', path, message, fix });
  if (!request.name) error('f4.gateway-form', '/name', 'the model_service target creates a model service of its own, and no name was given', 'Pass name, e.g. "skyloyalty_gateway"');
  desired.destinations.forEach((d) => {
    const resolution = facts.models[d.endpoint];
    if (resolution && 'problem' in resolution) error('f4.audited-entities', `/served/${d.endpoint}`, resolution.problem, resolution.settle);
    else if (!d.model) error('f4.audited-entities', `/served/${d.endpoint}`, `no registered model was resolved for ${d.endpoint}`, 'Plan again; the plan asks the workspace anew');
  });
  const primaries = desired.destinations.filter((d) => d.kind === 'primary').length;
  const fallbacks = desired.destinations.length - primaries;
  if (primaries > MAX_DESTINATIONS) error('unity.destinations', '/config/routing/destinations', `${primaries} destinations: a model service routes to at most ${MAX_DESTINATIONS}`, 'Serve fewer roles behind this service');
  if (fallbacks > MAX_FALLBACKS) {
    error('unity.fallbacks', '/config/routing/fallback/destinations', `${fallbacks} passing fallback candidates: a model service tries at most ${MAX_FALLBACKS} fallbacks`, `Serve fewer roles, or trim the roles' candidate lists to the ${MAX_FALLBACKS} to try, re-running the probe`);
  }
  desired.body.config.rate_limits.forEach((limit, i) => {
    const needsPrincipal = ['RATE_LIMIT_KEY_USER_GROUP', 'RATE_LIMIT_KEY_SERVICE_PRINCIPAL'].includes(String(limit.key));
    if (needsPrincipal && limit.principal === undefined) error('unity.rate-limits', `/rate_limits/${i}/principal`, `a ${request.rateLimits[i]?.key} limit needs a principal`, 'Pass principal: the group name or service principal application id');
    if (limit.key === 'RATE_LIMIT_KEY_REQUEST_TAG' && limit.request_tag_key === undefined) error('unity.rate-limits', `/rate_limits/${i}/request_tag_key`, 'a request_tag limit needs request_tag_key', 'Pass request_tag_key (e.g. "project") and optionally request_tag_value');
  });
  if (request.tableNamePrefix.endsWith('_')) {
    error('f4.table-prefix', '/config/inference_table/table_name_prefix', `table_name_prefix "${request.tableNamePrefix}" ends in "_": the payload table would be ${request.tableNamePrefix}_payload`, `Drop the trailing underscore(s): "${request.tableNamePrefix.replace(/_+$/, '')}"`);
  }
  if (facts.schemaMissing) {
    error('f4.gateway-form', '/schema', `the schema ${request.catalog}.${request.schema} does not exist, and the service and its inference table live in it`, `Create the team schema first (CREATE SCHEMA ${request.catalog}.${request.schema}), or pass one that exists`);
  }
  for (const m of desired.mcp) {
    const type = facts.connections[m.connection];
    if (type === null || type === undefined) {
      error('unity.mcp-connection', `/mcp_services/${m.id}/connection`, `the UC connection ${m.connection} does not exist`, `Create an HTTP connection to the MCP server first (CREATE CONNECTION ${m.connection.split('.').pop()} TYPE HTTP OPTIONS (host '…', base_path '…', bearer_token secret('<scope>', '<key>')) in ${m.connection.split('.').slice(0, 2).join('.')}), then plan again`);
    } else if (type !== 'HTTP') {
      error('unity.mcp-connection', `/mcp_services/${m.id}/connection`, `the UC connection ${m.connection} is a ${type} connection; an MCP service needs an HTTP connection`, 'Create an HTTP connection to the MCP server and name it instead');
    }
  }
  findings.push({ rule: 'f4.guardrails', severity: 'warning', path: '/guardrails', message: GUARDRAIL_POLICY_WARNING, fix: 'Attach the Sensitive Data Detection and safety service policies to the model service in the workspace, then tick the F4 guardrail item' });
  return findings;
}

/** Immutable fields the live service holds differently: changing them takes deleting and recreating it. */
export function immutableFindings(desired: DesiredModelService, live: LiveModelGateway | undefined): Finding[] {
  const table = asRecord(live?.service?.config?.inference_table);
  if (!table) return [];
  const want = desired.body.config.inference_table;
  const findings: Finding[] = [];
  for (const field of ['parent', 'table_name_prefix'] as const) {
    if (table[field] === undefined || table[field] === want[field]) continue;
    findings.push({
      rule: 'unity.inference-table-immutable',
      severity: 'error',
      path: `/config/inference_table/${field}`,
      message: `the inference table's ${field} of ${desired.name} is ${JSON.stringify(table[field])} and cannot change in place (asked: ${JSON.stringify(want[field])})`,
      fix: `Keep ${field} ${JSON.stringify(table[field])}; to move the table, delete the model service and recreate it (its inference history stays in the old table). Nothing was changed`,
    });
  }
  return findings;
}

export function buildModelServicePlan(desired: DesiredModelService, live: LiveSnapshot<LiveModelGateway>): Plan {
  const changes: Change[] = [];
  const warnings = [...desired.warnings];
  const services: ServiceStep[] = [];
  const current = live.endpoint?.service;
  if (!current) {
    changes.push({ path: '/name', from: null, to: desired.name });
    changes.push(...diff({}, desired.body.config, '/config'));
    services.push({ kind: 'model-services', fullName: desired.name, action: 'create', updateMask: [] });
  } else {
    const configChanges = diff(projectModelConfig(current.config), withoutEmpty(desired.body.config), '/config');
    changes.push(...configChanges);
    const mask = [...new Set(configChanges.map((c) => leafMaskPath(c.path)))];
    if (mask.length > 0) {
      services.push({ kind: 'model-services', fullName: desired.name, action: 'update', updateMask: mask });
      warnings.push(`PATCH …/model-services/${desired.name}?update_mask=${mask.join(',')} with the etag read now: if the service changes before apply, the update is refused and you plan again.`);
    }
  }
  for (const m of desired.mcp) {
    const liveMcp = live.endpoint?.mcp[m.id];
    if (!liveMcp) {
      changes.push({ path: `/mcp_services/${m.id}`, from: null, to: m.body.config });
      services.push({ kind: 'mcp-services', fullName: m.fullName, action: 'create', updateMask: [] });
      continue;
    }
    const mcpChanges = diff(projectRateLimits(withoutEmpty(liveMcp.config ?? {})), withoutEmpty(m.body.config), `/mcp_services/${m.id}/config`);
    changes.push(...mcpChanges);
    // Leaf paths here too (`config.rate_limits`, …): a field mask on the changed members, never the whole `config`.
    const mcpMask = [...new Set(mcpChanges.map((c) => `config.${c.path.split('/')[4]}`))];
    if (mcpChanges.length > 0) services.push({ kind: 'mcp-services', fullName: m.fullName, action: 'update', updateMask: mcpMask });
  }
  const { grants, recordState } = grantAndRecordChanges(desired, live, changes);
  return {
    action: !current ? 'create' : services.length > 0 ? 'update' : 'none',
    changes,
    warnings,
    steps: { putAiGateway: false, putConfig: false, moveInferenceTable: false, grants, recordState, services },
  };
}

/**
 * The `update_mask` path for a changed member: the API takes leaf paths only and refuses an intermediate one such
 * as `config.routing` (reference §2; a public live run got `Field 'config.routing' is not yet supported`).
 */
export function leafMaskPath(changePath: string): string {
  if (changePath.startsWith('/config/routing/fallback')) return 'config.routing.fallback.destinations';
  if (changePath.startsWith('/config/routing')) return 'config.routing.destinations';
  if (changePath.startsWith('/config/rate_limits')) return 'config.rate_limits';
  if (changePath.startsWith('/config/inference_table')) return 'config.inference_table';
  return changePath.slice(1).split('/').join('.');
}

/** A destination as a body would send it: output-only members (`is_deleted`, a PT destination's resolved `model`) dropped. */
function inputDestination(d: unknown): Record<string, unknown> {
  const { is_deleted: _deleted, traffic_percentage: share, provisioned_throughput_config: pt, ...rest } = asRecord(d) ?? {};
  const endpoint = asRecord(pt)?.model_serving_endpoint;
  return {
    ...rest,
    ...(share === undefined ? {} : { traffic_percentage: asNumber(share) }),
    ...(pt === undefined ? {} : { provisioned_throughput_config: endpoint === undefined ? {} : { model_serving_endpoint: endpoint } }),
  };
}

/**
 * The parts of a live model service's config the plan manages, as a body would send them (PY `ModelService`): output-
 * only members dropped (`destinations[].is_deleted`, `inference_table.table` and `.is_deleted`), routing members the
 * plan does not set (`first_token_timeout`, `traffic_splitting`) left alone, int64 members compared by value (a GET may
 * carry them as strings, as proto3 JSON does).
 */
function projectModelConfig(config: Record<string, unknown> | undefined): unknown {
  const routing = asRecord(config?.routing);
  const list = (value: unknown) => (Array.isArray(value) ? value : []);
  const table = asRecord(config?.inference_table);
  return withoutEmpty(
    projectRateLimits({
      routing: routing
        ? { destinations: list(routing.destinations).map(inputDestination), ...(asRecord(routing.fallback) ? { fallback: { destinations: list(asRecord(routing.fallback)!.destinations).map(inputDestination) } } : {}) }
        : undefined,
      rate_limits: config?.rate_limits,
      inference_table: table ? { parent: table.parent, table_name_prefix: table.table_name_prefix, disabled: table.disabled } : undefined,
    }),
  );
}

/** `rate_limits[].requests` / `.tokens` are int64: a workspace may answer them as strings. */
function projectRateLimits(config: unknown): Record<string, unknown> {
  const record = asRecord(config) ?? {};
  if (!Array.isArray(record.rate_limits)) return record;
  const limits = record.rate_limits.map((limit) => {
    const l = asRecord(limit) ?? {};
    return { ...l, ...(l.requests === undefined ? {} : { requests: asNumber(l.requests) }), ...(l.tokens === undefined ? {} : { tokens: asNumber(l.tokens) }) };
  });
  return { ...record, rate_limits: limits };
}

function asNumber(value: unknown): unknown {
  return typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
}

export function modelServicePlanDigest(desired: DesiredModelService): string {
  return sha256(canonical({ body: desired.body, mcp: desired.mcp.map((m) => m.body), grants: desired.grants, record: desired.record }));
}

/** Binds a plan to the etags it was made against: any change to a service (or grants, or record) makes it stale. */
export function modelServiceLiveDigest(live: LiveSnapshot<LiveModelGateway>): string {
  const gateway = live.endpoint;
  const etags = gateway ? { service: gateway.service?.etag ?? null, mcp: Object.fromEntries(Object.entries(gateway.mcp).map(([k, v]) => [k, v?.etag ?? null])) } : null;
  return sha256(canonical({ etags, grants: live.grants, record: withoutTimestamp(live.stateRecord) ?? null }));
}

export function modelServiceMatches(desired: DesiredModelService, live: LiveModelGateway): boolean {
  return Boolean(live.service) && equal(projectModelConfig(live.service?.config), withoutEmpty(desired.body.config));
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
