/**
 * The gateway the F4 step asks for, derived from the workshop state and the caller's settings: served entities
 * only from bound endpoints that passed their role probe (plus, when asked, the role's next passing candidate
 * at 0 % traffic as a fallback), usage tracking and inference tables on, rate limits, guardrails, and the
 * explicit grants of the F2 pattern. Pure: never a name from the caller, never "any healthy endpoint".
 */
import type { StateData } from '../shared/records.js';
import { isBroadPrivilege } from '../shared/privileges.js';
import { secretReference } from './model-names.js';
import { evaluateAudit } from './role-probe.js';
import type { Finding } from './rules/rule-types.js';

export interface RateLimit {
  /** `request_tag` exists on the model_service target only (Unity AI Gateway's RATE_LIMIT_KEY_REQUEST_TAG). */
  key: 'endpoint' | 'user' | 'user_group' | 'service_principal' | 'request_tag';
  renewal_period: 'minute';
  calls?: number;
  tokens?: number;
  principal?: string;
  request_tag_key?: string;
  request_tag_value?: string;
}

export interface GuardrailSide {
  pii?: { behavior: 'NONE' | 'BLOCK' | 'MASK' };
  safety?: boolean;
}

/**
 * How the gateway reaches the audited pay-per-token endpoints (see the README, "Gateway forms"):
 * `dedicated` — an endpoint of its own whose served entities are external models wrapping them (fallbacks work);
 * `attach` — the AI Gateway settings on the audited endpoint itself (shared by the whole workspace; no fallbacks);
 * `provisioned` — Provisioned Throughput of the `system.ai` model behind the endpoint (no fallbacks).
 */
export type GatewayForm = 'dedicated' | 'attach' | 'provisioned';

export interface GatewayRequest {
  /** The gateway endpoint's name (dedicated, provisioned); attach configures the audited endpoint itself. */
  name?: string;
  form: GatewayForm;
  /** dedicated: the secret holding the token the external models call the wrapped endpoints with. */
  tokenSecret?: { scope: string; key: string };
  /** provisioned: model units, or throughput chunks for the families served in throughput bands. */
  provisionedUnits: number;
  roles: string[];
  fallback: boolean;
  catalog: string;
  schema: string;
  tableNamePrefix: string;
  rateLimits: RateLimit[];
  guardrails: { input?: GuardrailSide; output?: GuardrailSide };
  /** model_service target: MCP services to register over UC HTTP connections. */
  mcpServices?: McpServiceRequest[];
  grants: {
    agentServicePrincipal?: string;
    opsGroup?: string;
    /** Overrides of the default privileges on the schema (ALL_PRIVILEGES is refused by validation). */
    agentPrivileges?: string[];
    opsPrivileges?: string[];
    /** Why this gateway goes without the F4 grants; recorded in the state file and warned about in the plan. */
    optOut?: string;
  };
}

export interface McpServiceRequest {
  name: string;
  /** `catalog.schema.connection`, or a bare name in the gateway's schema. */
  connection: string;
  includeTools?: string[];
  requestsPerMinute?: number;
}

export const DEFAULT_RATE_LIMITS: RateLimit[] = [
  { key: 'endpoint', renewal_period: 'minute', calls: 120 },
  { key: 'user', renewal_period: 'minute', calls: 20 },
];

export const DEFAULT_GUARDRAILS: GatewayRequest['guardrails'] = {
  input: { pii: { behavior: 'BLOCK' }, safety: true },
  output: { pii: { behavior: 'BLOCK' }, safety: true },
};

export const AGENT_SCHEMA_PRIVILEGES = ['USE_SCHEMA', 'SELECT', 'MODIFY'];
export const OPS_SCHEMA_PRIVILEGES = ['USE_SCHEMA', 'SELECT'];

export interface ServedChoice {
  role: string;
  entityName: string;
  /** `primary`: the role's bound, passing endpoint; `fallback`: its next passing candidate at 0 %. */
  kind: 'primary' | 'fallback';
  trafficPercentage: number;
}

/** A `system.ai` model the workspace lists and can serve with Provisioned Throughput at `version`. */
export interface ProvisionedModel {
  /** The registered model the workspace named behind the audited endpoint. */
  model: string;
  version: string;
  /**
   * How get-model-optimization-info says the version is provisioned (the docs' create script): `model_unit_chunk_size`
   * → model units, created through `POST /api/2.0/serving-endpoints/pt`; `throughput_chunk_size` → min/max
   * throughput bands in tokens per second. Either way the amount is a multiple of the chunk.
   */
  sizing: { kind: 'model-units' | 'throughput-band'; chunkSize: number };
}

/**
 * What the workspace said, at plan time, about what the form needs: never assumed, always read.
 * `undefined` members mean "not looked up" (another form); problems become findings that block the plan.
 */
export interface GatewayFacts {
  host: string;
  /** Each audited endpoint the gateway would serve, with its task (`llm/v1/chat`), or null when it does not exist. */
  endpoints: Record<string, { task?: string } | null>;
  /** dedicated: why the named secret cannot be used, if it cannot. */
  secretProblem?: string;
  /** The inference table's schema does not exist (F4 lands it in a team schema that exists already). */
  schemaMissing?: boolean;
  /** provisioned: per endpoint, the model behind it, or why there is none. */
  provisioned?: Record<string, ProvisionedModel | { problem: string }>;
}

export interface DesiredGrant {
  securable: 'catalog' | 'schema' | 'model_service' | 'mcp_service';
  fullName: string;
  principal: string;
  privileges: string[];
}

export interface DesiredGateway {
  name: string;
  form: GatewayForm;
  /** The create body; its parts are PUT …/config and PUT …/ai-gateway. Exact types: test/contracts checks them. */
  body: {
    name: string;
    /** Absent for `attach`: the audited endpoint's own served entities stay as they are. */
    config?: {
      served_entities: DesiredServedEntity[];
      traffic_config: { routes: Array<{ served_entity_name: string; traffic_percentage: number }> };
    };
    ai_gateway: DesiredAiGateway;
  };
  served: ServedChoice[];
  grants: DesiredGrant[];
  payloadTable: string;
  /** The record F4 keeps in `Foundation.f4_gateway`, without its timestamp. */
  record: Record<string, unknown>;
  /** What a reviewer must be told about the request itself, whatever the live side holds. */
  warnings: string[];
  /** Model-unit Provisioned Throughput is created and updated through the `/pt` routes (PY `create_provisioned_throughput_endpoint`). */
  provisionedInModelUnits: boolean;
}

/**
 * Builds the desired gateway. Assumes the halt rule already passed for `request.roles` (every role has a
 * bound, passing endpoint); a role without one contributes nothing.
 */
export function desiredGateway(state: StateData, request: GatewayRequest, facts: GatewayFacts): DesiredGateway {
  const report = evaluateAudit(state, { roles: request.roles });
  const served: ServedChoice[] = [];
  const seen = new Set<string>();
  const primaries = request.roles
    .map((role) => report.roles.find((r) => r.role === role))
    .filter((r) => r?.status === 'pass' && r.endpoint)
    .map((r) => ({ role: r!.role, endpoint: r!.endpoint as string, fallbacks: r!.fallback_candidates }));
  for (const { role, endpoint } of primaries) {
    if (seen.has(endpoint)) continue;
    seen.add(endpoint);
    served.push({ role, entityName: endpoint, kind: 'primary', trafficPercentage: 0 });
  }
  // Primaries share all traffic (the first takes the remainder); fallbacks wait at 0 % for fallback_config.
  const primaryCount = served.length;
  served.forEach((choice, i) => {
    choice.trafficPercentage = Math.floor(100 / primaryCount) + (i === 0 ? 100 % primaryCount : 0);
  });
  if (request.fallback) {
    for (const { role, fallbacks } of primaries) {
      const next = fallbacks.find((candidate) => !seen.has(candidate));
      if (!next) continue;
      seen.add(next);
      served.push({ role, entityName: next, kind: 'fallback', trafficPercentage: 0 });
    }
  }

  const name = gatewayName(request, served);
  const entities = request.form === 'attach' ? undefined : served.map((choice) => servedEntity(choice, request, facts));
  const aiGateway = aiGatewayBlock(request, served.some((choice) => choice.kind === 'fallback'));

  const payloadTable = `${request.catalog}.${request.schema}.${request.tableNamePrefix}_payload`;
  return {
    name,
    form: request.form,
    body: {
      name,
      ...(entities
        ? { config: { served_entities: entities, traffic_config: { routes: entities.map((e, i) => ({ served_entity_name: e.name, traffic_percentage: served[i]!.trafficPercentage })) } } }
        : {}),
      ai_gateway: aiGateway,
    },
    served,
    grants: desiredGrants(request),
    payloadTable,
    // No `target` member: a record with a form is a serving endpoint's, so records written before model
    // services existed keep planning unchanged (see chooseTarget).
    record: {
      endpoint_name: name,
      status: 'applied',
      form: request.form,
      inference_table_prefix: request.tableNamePrefix,
      payload_table: payloadTable,
      served_entities: served.map((s) => s.entityName),
      ...(request.form === 'dedicated' && request.tokenSecret ? { token_secret: `${request.tokenSecret.scope}/${request.tokenSecret.key}` } : {}),
      ...(request.grants.optOut ? { grants_opt_out: request.grants.optOut } : {}),
    },
    warnings: [...formWarnings(request, name), ...(request.grants.optOut ? [`Grants opted out ("${request.grants.optOut}"): no agent service principal or ops group gets access to the payload table; F4 expects both. The opt-out is recorded in the state file.`] : [])],
    provisionedInModelUnits: request.form === 'provisioned' && served.some((s) => {
      const model = facts.provisioned?.[s.entityName];
      return model !== undefined && 'sizing' in model && model.sizing.kind === 'model-units';
    }),
  };
}

/** attach configures the audited endpoint itself; the other forms make an endpoint of the requested name. */
function gatewayName(request: GatewayRequest, served: ServedChoice[]): string {
  if (request.form === 'attach') return served[0]?.entityName ?? request.name ?? '';
  return request.name ?? '';
}

/** The `ai_gateway` block: usage tracking, the inference table, rate limits, guardrails, and fallbacks when served. */
function aiGatewayBlock(request: GatewayRequest, fallback: boolean) {
  return {
    usage_tracking_config: { enabled: true },
    inference_table_config: {
      enabled: true,
      catalog_name: request.catalog,
      schema_name: request.schema,
      table_name_prefix: request.tableNamePrefix,
    },
    rate_limits: request.rateLimits.flatMap(endpointRateLimit),
    guardrails: request.guardrails,
    ...(fallback ? { fallback_config: { enabled: true } } : {}),
  };
}

export type DesiredAiGateway = ReturnType<typeof aiGatewayBlock>;
export type DesiredServedEntity = ReturnType<typeof servedEntity>;

/**
 * A rate limit as a serving endpoint takes it. `request_tag` limits exist in Unity AI Gateway only; a plan that
 * asks for one on this target is blocked before any body is sent (gateway-provisioning.ts), so none is built.
 */
function endpointRateLimit(limit: RateLimit) {
  const { key } = limit;
  if (key === 'request_tag') return [];
  return [
    {
      key,
      renewal_period: limit.renewal_period,
      ...(limit.calls !== undefined ? { calls: limit.calls } : {}),
      ...(limit.tokens !== undefined ? { tokens: limit.tokens } : {}),
      ...(limit.principal !== undefined ? { principal: limit.principal } : {}),
    },
  ];
}

function servedEntity(choice: ServedChoice, request: GatewayRequest, facts: GatewayFacts) {
  const name = servedEntityName(choice.entityName);
  if (request.form === 'provisioned') {
    const model = facts.provisioned?.[choice.entityName];
    if (!model || 'problem' in model) return { name, entity_name: '' };
    return {
      name,
      entity_name: model.model,
      entity_version: model.version,
      ...(model.sizing.kind === 'throughput-band'
        ? { min_provisioned_throughput: 0, max_provisioned_throughput: model.sizing.chunkSize * request.provisionedUnits }
        : { provisioned_model_units: model.sizing.chunkSize * request.provisionedUnits }),
    };
  }
  return {
    name,
    external_model: {
      name: choice.entityName,
      provider: 'databricks-model-serving' as const,
      task: facts.endpoints[choice.entityName]?.task ?? '',
      databricks_model_serving_config: {
        databricks_workspace_url: facts.host,
        databricks_api_token: request.tokenSecret ? secretReference(request.tokenSecret.scope, request.tokenSecret.key) : '',
      },
    },
  };
}

function formWarnings(request: GatewayRequest, name: string): string[] {
  if (request.form !== 'attach') return [];
  return [
    `attach configures the AI Gateway of ${name} itself: ${name.startsWith('databricks-') ? 'a pay-per-token endpoint is shared by the whole workspace, so its rate limits, guardrails and inference table apply to every caller, not only the agents of this team' : 'every caller of this endpoint is affected'}. This form cannot carry fallbacks; use form "dedicated" for an endpoint of the team's own.`,
  ];
}

/**
 * What the form needs that the request or the workspace does not provide: findings that block the plan, each
 * saying what to change. Pure: the workspace was read into `facts` beforehand.
 */
export function formFindings(request: GatewayRequest, facts: GatewayFacts, desired: DesiredGateway): Finding[] {
  const findings: Finding[] = [];
  const add = (path: string, message: string, fix: string) => findings.push({ rule: 'f4.gateway-form', severity: 'error', path, message, fix });
  const primaries = desired.served.filter((s) => s.kind === 'primary');
  if (request.form !== 'attach' && !request.name) add('/name', `form "${request.form}" creates an endpoint of its own, and no name was given`, 'Pass name, e.g. "skyloyalty-ai-gateway"');
  if (request.form !== 'dedicated' && request.fallback) {
    add('/fallback', `form "${request.form}" cannot carry fallbacks: Databricks falls back between external models only`, 'Use form "dedicated" for fallbacks, or pass fallback: false');
  }
  if (request.form === 'attach') {
    if (primaries.length > 1) add('/roles', `attach configures one endpoint, and these roles are bound to ${primaries.length} (${primaries.map((p) => p.entityName).join(', ')})`, 'Attach one role at a time, or use form "dedicated" to serve several endpoints behind one gateway');
    if (request.name && request.name !== desired.name) add('/name', `attach configures the audited endpoint ${desired.name} itself, not an endpoint named ${request.name}`, `Leave name out (or pass "${desired.name}"), or use form "dedicated" for a gateway named ${request.name}`);
  }
  for (const choice of desired.served) {
    if (facts.endpoints[choice.entityName] === null) {
      add(`/served/${choice.entityName}`, `the audited endpoint ${choice.entityName} does not exist in this workspace`, 'Check the workspace: the audit must name endpoints of the workspace the gateway is created in; re-run the role endpoint probe there');
    } else if (request.form === 'dedicated' && !facts.endpoints[choice.entityName]?.task) {
      add(`/served/${choice.entityName}`, `the endpoint ${choice.entityName} reports no task, so the external model wrapping it cannot be typed`, 'Check the endpoint in the Serving UI; a pay-per-token chat endpoint reports llm/v1/chat');
    }
    const model = facts.provisioned?.[choice.entityName];
    if (request.form === 'provisioned' && model && 'problem' in model) {
      add(`/served/${choice.entityName}`, model.problem, 'Use form "dedicated" (external models wrapping the pay-per-token endpoint), or choose a role endpoint whose model the workspace lists as eligible for Provisioned Throughput');
    }
  }
  if (facts.schemaMissing) {
    add('/schema', `the schema ${request.catalog}.${request.schema} does not exist, and the inference table lands in it`, `Create the team schema first (CREATE SCHEMA ${request.catalog}.${request.schema}, by its owner), or pass the catalog and schema of one that exists`);
  }
  if (request.form === 'dedicated') {
    if (!request.tokenSecret) {
      add('/token_secret', 'form "dedicated" calls the wrapped endpoints with a token kept in a secret, and no token_secret was named', 'Pass token_secret "scope/key" naming a Databricks secret that holds a token of the identity the gateway calls with (databricks secrets put-secret <scope> <key>)');
    } else if (facts.secretProblem) {
      const { scope, key } = request.tokenSecret;
      add('/token_secret', facts.secretProblem, `Create it without printing the token: databricks secrets create-scope ${scope} (if the scope is missing), then databricks secrets put-secret ${scope} ${key}; plan again`);
    }
  }
  return findings;
}

/** The F2 pattern: explicit privileges, catalog and schema, for the agent service principal and the ops group. */
export function desiredGrants(request: GatewayRequest): DesiredGrant[] {
  const schema = `${request.catalog}.${request.schema}`;
  const grants: DesiredGrant[] = [];
  const add = (principal: string | undefined, schemaPrivileges: string[]): void => {
    if (!principal) return;
    grants.push({ securable: 'catalog', fullName: request.catalog, principal, privileges: ['USE_CATALOG'] });
    grants.push({ securable: 'schema', fullName: schema, principal, privileges: [...new Set(schemaPrivileges)] });
  };
  add(request.grants.agentServicePrincipal, request.grants.agentPrivileges ?? AGENT_SCHEMA_PRIVILEGES);
  add(request.grants.opsGroup, request.grants.opsPrivileges ?? OPS_SCHEMA_PRIVILEGES);
  return grants;
}

/** Served-entity names allow letters, digits, '-' and '_'; an FMAPI endpoint name already fits. */
function servedEntityName(entityName: string): string {
  return entityName.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 63);
}

/**
 * Grants are part of F4: the agent service principal and the ops group are required unless the caller opts out
 * with a reason, and they are explicit (the F2 pattern), so an override asking for ALL_PRIVILEGES is an error.
 */
export function grantFindings(request: GatewayRequest): Finding[] {
  const findings: Finding[] = [];
  const { agentServicePrincipal, opsGroup, optOut } = request.grants;
  if (!optOut) {
    for (const [field, value, who] of [['agent_service_principal', agentServicePrincipal, 'the agent service principal'], ['ops_group', opsGroup, 'the ops group']] as const) {
      if (value) continue;
      findings.push({
        rule: 'f4.grants-required',
        severity: 'error',
        path: `/grants/${field}`,
        message: `${who} is not named: F4 grants it explicit access to the payload table, and without it the live check of the gateway fails`,
        fix: `Pass grants.${field} (${field === 'ops_group' ? 'the group that reads the tables' : 'the application id of the agents\' service principal'}), or grants.opt_out_reason to go without grants on purpose (recorded in the state file)`,
      });
    }
  }
  for (const [field, privileges] of [['agent_privileges', request.grants.agentPrivileges], ['ops_privileges', request.grants.opsPrivileges]] as const) {
    (privileges ?? []).forEach((privilege, i) => {
      if (!isBroadPrivilege(privilege)) return;
      findings.push({
        rule: 'f4.explicit-grants',
        severity: 'error',
        path: `/grants/${field}/${i}`,
        message: `${privilege} was asked for: grants on the inference and usage tables are explicit (the F2 pattern), never ALL_PRIVILEGES`,
        fix: 'Ask for the specific privileges instead: USE_SCHEMA, SELECT and MODIFY for the agent service principal; USE_SCHEMA and SELECT for the ops group',
      });
    });
  }
  return findings;
}
