/**
 * Lints Unity AI Gateway bodies (reference §2; PY SDK `ModelService`, `McpService`, `RateLimit`) before anything
 * is created: the API shape a workspace enforces (destinations 1–10 with exactly one config of their type, at
 * most 5 fallbacks, rate-limit keys, periods and principal rules, resource-name formats) and the F4 rules as
 * they map to a model service (inference table on in a team schema with a clean prefix, rate limits set,
 * destinations only audited passing endpoints' models, guardrails as service policies). Pure.
 */
import { isRecord, type StateData } from '../shared/records.js';
import { payPerTokenEndpointOf } from './model-names.js';
import { MAX_DESTINATIONS, MAX_FALLBACKS } from './desired-model-service.js';
import { evaluateAudit } from './role-probe.js';
import type { Finding, Severity } from './rules/rule-types.js';
import type { Validation } from './validate-body.js';

export type BodyKind = 'serving_endpoint' | 'model_service' | 'mcp_service';

const DESTINATION_CONFIG: Record<string, string> = {
  DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL: 'pay_per_token_config',
  DESTINATION_TYPE_PROVISIONED_THROUGHPUT_FOUNDATION_MODEL: 'provisioned_throughput_config',
  DESTINATION_TYPE_EXTERNAL_FOUNDATION_MODEL: 'external_model_config',
};
const CONFIG_KINDS = Object.values(DESTINATION_CONFIG);
const KEYS = ['RATE_LIMIT_KEY_SERVICE', 'RATE_LIMIT_KEY_USER', 'RATE_LIMIT_KEY_USER_DEFAULT', 'RATE_LIMIT_KEY_USER_GROUP', 'RATE_LIMIT_KEY_SERVICE_PRINCIPAL', 'RATE_LIMIT_KEY_REQUEST_TAG'];
const NO_PRINCIPAL = ['RATE_LIMIT_KEY_SERVICE', 'RATE_LIMIT_KEY_USER_DEFAULT', 'RATE_LIMIT_KEY_REQUEST_TAG'];
const PERIODS = ['RATE_LIMIT_RENEWAL_PERIOD_MINUTE', 'RATE_LIMIT_RENEWAL_PERIOD_HOUR'];
const ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Which API a body is for, from its shape: `config.routing` is a model service, `config.source_connection` an MCP service. */
export function bodyKindOf(body: unknown): BodyKind {
  const config = isRecord(body) && isRecord(body.config) ? body.config : undefined;
  if (config && 'routing' in config) return 'model_service';
  if (config && 'source_connection' in config) return 'mcp_service';
  return 'serving_endpoint';
}

class Findings {
  readonly list: Finding[] = [];
  add(rule: string, severity: Severity, path: string, message: string, fix: string): void {
    this.list.push({ rule, severity, path, message, fix });
  }
  shape(path: string, message: string, fix: string): void {
    this.add('unity.shape', 'error', path, message, fix);
  }
  result(): Validation {
    this.list.sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
    return { valid: !this.list.some((f) => f.severity === 'error'), findings: this.list };
  }
}

export function lintModelServiceBody(body: unknown, options: { state?: StateData } = {}): Validation {
  const out = new Findings();
  const config = isRecord(body) && isRecord(body.config) ? body.config : undefined;
  if (!config) {
    out.shape('/config', 'a model service body needs config {routing, rate_limits, inference_table}', 'Pass {"config": {"routing": {"destinations": [...]}, ...}}');
    return out.result();
  }
  if ('guardrails' in config) {
    out.shape('/config/guardrails', 'guardrails are not a field of a model service: Unity AI Gateway applies them as Unity Catalog service policies attached to the service', 'Remove config.guardrails and attach the Sensitive Data Detection and safety policies to the service');
  }
  const routing = isRecord(config.routing) ? config.routing : {};
  const destinations = Array.isArray(routing.destinations) ? routing.destinations : [];
  if (destinations.length < 1 || destinations.length > MAX_DESTINATIONS) {
    out.shape('/config/routing/destinations', `${destinations.length} destinations: a model service routes to 1 to ${MAX_DESTINATIONS}`, 'List between 1 and 10 destinations');
  }
  destinations.forEach((d, i) => lintDestination(d, `/config/routing/destinations/${i}`, out));
  const shares = destinations.flatMap((d) => (isRecord(d) && typeof d.traffic_percentage === 'number' ? [d.traffic_percentage] : []));
  if (shares.length > 0 && shares.reduce((a, b) => a + b, 0) !== 100) out.shape('/config/routing/destinations', `traffic_percentage values sum to ${shares.reduce((a, b) => a + b, 0)}, not 100`, 'Make the shares sum to 100, or leave them out with one destination');
  const fallback = isRecord(routing.fallback) && Array.isArray(routing.fallback.destinations) ? routing.fallback.destinations : [];
  if (fallback.length > MAX_FALLBACKS) out.shape('/config/routing/fallback/destinations', `${fallback.length} fallback destinations: at most ${MAX_FALLBACKS} are tried`, `Keep the ${MAX_FALLBACKS} to try first, in order`);
  fallback.forEach((d, i) => lintDestination(d, `/config/routing/fallback/destinations/${i}`, out));
  lintRateLimits(config.rate_limits, '/config/rate_limits', false, out);
  if (!Array.isArray(config.rate_limits) || config.rate_limits.length === 0) {
    out.add('f4.rate-limits', 'error', '/config/rate_limits', 'no rate limit is set: one runaway agent can exhaust the workspace quota', 'Add RATE_LIMIT_KEY_SERVICE and RATE_LIMIT_KEY_USER_DEFAULT limits per minute (F4: 120 and 20 requests)');
  }
  lintInferenceTable(config.inference_table, out);
  if (options.state) lintAudited([...destinations, ...fallback], options.state, out);
  out.add('f4.guardrails', 'warning', '/config', 'PII and safety guardrails are service policies on this target and cannot be checked in the body', 'Attach the Sensitive Data Detection (deny or mask) and safety policies to the service in Catalog Explorer');
  return out.result();
}

export function lintMcpServiceBody(body: unknown): Validation {
  const out = new Findings();
  const config = isRecord(body) && isRecord(body.config) ? body.config : undefined;
  const source = config && isRecord(config.source_connection) ? config.source_connection : undefined;
  if (typeof source?.name !== 'string' || !/^connections\/[^./]+\.[^./]+\.[^./]+$/.test(source.name)) {
    out.shape('/config/source_connection/name', `source_connection.name ${JSON.stringify(source?.name)} is not connections/{catalog}.{schema}.{connection}`, 'Name an existing UC HTTP connection as connections/<catalog>.<schema>.<connection>');
  }
  const selectors = config?.include_tool_selectors;
  if (selectors !== undefined && (!Array.isArray(selectors) || selectors.some((s) => typeof s !== 'string' || s.length > 256))) {
    out.shape('/config/include_tool_selectors', 'include_tool_selectors must be a list of tool names or prefix patterns of at most 256 characters', 'e.g. ["search_*", "get_issue"]; an empty list exposes every tool');
  }
  lintRateLimits(config?.rate_limits, '/config/rate_limits', true, out);
  return out.result();
}

function lintDestination(raw: unknown, path: string, out: Findings): void {
  if (!isRecord(raw)) return out.shape(path, 'a destination must be an object', 'Pass {name, destination_type, <one config>}');
  if (typeof raw.name !== 'string' || raw.name === '') out.shape(`${path}/name`, 'a destination needs a name', 'Name it, e.g. after its model');
  const type = raw.destination_type;
  const wanted = typeof type === 'string' ? DESTINATION_CONFIG[type] : undefined;
  if (!wanted) out.shape(`${path}/destination_type`, `destination_type ${JSON.stringify(type)} is not one of ${Object.keys(DESTINATION_CONFIG).join(', ')}`, 'Use DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL for a system.ai model');
  const present = CONFIG_KINDS.filter((kind) => raw[kind] !== undefined);
  if (present.length !== 1 || (wanted && present[0] !== wanted)) {
    out.shape(path, `a destination takes exactly one of ${CONFIG_KINDS.join(', ')}${wanted ? `, and ${type} takes ${wanted}` : ''}; this one has ${present.join(', ') || 'none'}`, `Keep only ${wanted ?? 'the config of its type'}`);
  }
  const model = isRecord(raw.pay_per_token_config) ? raw.pay_per_token_config.model : undefined;
  if (raw.pay_per_token_config !== undefined && (typeof model !== 'string' || !/^models\/[^./]+\.[^./]+\.[^./]+$/.test(model))) {
    out.shape(`${path}/pay_per_token_config/model`, `model ${JSON.stringify(model)} is not models/{catalog}.{schema}.{model}`, 'e.g. models/system.ai.databricks-claude-sonnet-4-6');
  }
}

function lintRateLimits(raw: unknown, path: string, requestsOnly: boolean, out: Findings): void {
  if (raw === undefined) return;
  if (!Array.isArray(raw)) return out.shape(path, 'rate_limits must be a list', 'Pass a list of {key, renewal_period, requests?, tokens?}');
  raw.forEach((item, i) => {
    const at = `${path}/${i}`;
    if (!isRecord(item)) return out.shape(at, 'a rate limit must be an object', 'Pass {key, renewal_period, requests}');
    const key = String(item.key);
    if (!KEYS.includes(key)) out.shape(`${at}/key`, `key ${JSON.stringify(item.key)} is not one of ${KEYS.join(', ')}`, 'F4: RATE_LIMIT_KEY_SERVICE for the service, RATE_LIMIT_KEY_USER_DEFAULT per user');
    if (!PERIODS.includes(String(item.renewal_period))) out.shape(`${at}/renewal_period`, `renewal_period ${JSON.stringify(item.renewal_period)} is not one of ${PERIODS.join(', ')}`, 'Use RATE_LIMIT_RENEWAL_PERIOD_MINUTE');
    if (item.requests === undefined && item.tokens === undefined) out.shape(at, 'a rate limit sets neither requests nor tokens', 'Set requests (and/or tokens) per period');
    if (requestsOnly && item.tokens !== undefined) out.shape(`${at}/tokens`, 'MCP service rate limits count requests only', 'Use requests');
    if (KEYS.includes(key) && NO_PRINCIPAL.includes(key) === (item.principal !== undefined)) {
      out.shape(`${at}/principal`, NO_PRINCIPAL.includes(key) ? `${key} must not name a principal` : `${key} needs a principal (user, group or service principal application id)`, NO_PRINCIPAL.includes(key) ? 'Remove principal' : 'Set principal');
    }
    if ((key === 'RATE_LIMIT_KEY_REQUEST_TAG') !== (item.request_tag_key !== undefined)) {
      out.shape(`${at}/request_tag_key`, key === 'RATE_LIMIT_KEY_REQUEST_TAG' ? 'RATE_LIMIT_KEY_REQUEST_TAG needs request_tag_key' : 'request_tag_key is only valid with RATE_LIMIT_KEY_REQUEST_TAG', 'Match request_tag_key to the key');
    }
  });
}

function lintInferenceTable(raw: unknown, out: Findings): void {
  const path = '/config/inference_table';
  if (!isRecord(raw) || raw.disabled === true) {
    out.add('f4.inference-tables', 'error', path, 'the inference table is not configured (or disabled): the audit trail cannot be rebuilt after an incident', 'Set config.inference_table {"parent": "schemas/<catalog>.<team schema>", "table_name_prefix": "gw"}');
    return;
  }
  const parent = typeof raw.parent === 'string' ? /^schemas\/([^./]+)\.([^./]+)$/.exec(raw.parent) : null;
  if (!parent) out.shape(`${path}/parent`, `parent ${JSON.stringify(raw.parent)} is not schemas/{catalog}.{schema}`, 'e.g. schemas/main.skyloyalty_ops');
  else if (parent[2]!.toLowerCase() === 'default') out.add('f4.inference-tables', 'error', `${path}/parent`, 'the inference table lands in a "default" schema: governance of the payload table is unclear there', 'Use a team-owned schema');
  const prefix = raw.table_name_prefix;
  if (typeof prefix === 'string' && prefix.endsWith('_')) {
    out.add('f4.table-prefix', 'error', `${path}/table_name_prefix`, `table_name_prefix "${prefix}" ends in "_": the payload table would be ${prefix}_payload`, `Drop the trailing underscore(s): "${prefix.replace(/_+$/, '')}"`);
  }
}

/** F4: every destination is the model of a bound passing endpoint or of one of its role's passing candidates. */
function lintAudited(destinations: unknown[], state: StateData, out: Findings): void {
  const report = evaluateAudit(state, { roles: [] });
  const allowed = new Set(report.roles.filter((r) => r.status === 'pass' && r.endpoint).flatMap((r) => [r.endpoint as string, ...r.fallback_candidates]));
  for (const d of destinations) {
    const model = isRecord(d) && isRecord(d.pay_per_token_config) ? String(d.pay_per_token_config.model ?? '').replace(/^models\//, '') : '';
    const endpoint = payPerTokenEndpointOf(model);
    if (!model || (endpoint && allowed.has(endpoint))) continue;
    out.add('f4.audited-entities', 'error', '/config/routing', `${model} is not the model of a bound endpoint that passed its role probe, nor of a passing candidate (${endpoint ?? 'no pay-per-token endpoint'})`, 'Route only to models behind audited, passing endpoints; re-run the role endpoint probe for others');
  }
}
