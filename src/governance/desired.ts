/**
 * The gateway the F4 step asks for, derived from the workshop state and the caller's settings: served entities
 * only from bound endpoints that passed their role probe (plus, when asked, the role's next passing candidate
 * at 0 % traffic as a fallback), usage tracking and inference tables on, rate limits, guardrails, and the
 * explicit grants of the F2 pattern. Pure: never a name from the caller, never "any healthy endpoint".
 */
import type { StateData } from '../shared/records.js';
import { isBroadPrivilege } from '../shared/privileges.js';
import { evaluateAudit } from './probe.js';
import type { Finding } from './rules/types.js';

export interface RateLimit {
  key: 'endpoint' | 'user' | 'user_group' | 'service_principal';
  renewal_period: 'minute';
  calls?: number;
  tokens?: number;
  principal?: string;
}

export interface GuardrailSide {
  pii?: { behavior: 'NONE' | 'BLOCK' | 'MASK' };
  safety?: boolean;
}

export interface GatewayRequest {
  name: string;
  roles: string[];
  fallback: boolean;
  catalog: string;
  schema: string;
  tableNamePrefix: string;
  rateLimits: RateLimit[];
  guardrails: { input?: GuardrailSide; output?: GuardrailSide };
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

export interface DesiredGrant {
  securable: 'catalog' | 'schema';
  fullName: string;
  principal: string;
  privileges: string[];
}

export interface DesiredGateway {
  name: string;
  body: {
    name: string;
    config: {
      served_entities: Array<{ name: string; entity_name: string; entity_version: string; workload_size: string; scale_to_zero_enabled: boolean }>;
      traffic_config: { routes: Array<{ served_entity_name: string; traffic_percentage: number }> };
    };
    ai_gateway: Record<string, unknown>;
  };
  served: ServedChoice[];
  grants: DesiredGrant[];
  payloadTable: string;
  /** The record F4 keeps in `Foundation.f4_gateway`, without its timestamp. */
  record: Record<string, unknown>;
  /** What a reviewer must be told about the request itself, whatever the live side holds. */
  warnings: string[];
}

/**
 * Builds the desired gateway. Assumes the halt rule already passed for `request.roles` (every role has a
 * bound, passing endpoint); a role without one contributes nothing.
 */
export function desiredGateway(state: StateData, request: GatewayRequest): DesiredGateway {
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

  const entities = served.map((choice) => ({
    name: servedEntityName(choice.entityName),
    entity_name: choice.entityName,
    entity_version: '1',
    workload_size: 'Small',
    scale_to_zero_enabled: true,
  }));
  const aiGateway: Record<string, unknown> = {
    usage_tracking_config: { enabled: true },
    inference_table_config: {
      enabled: true,
      catalog_name: request.catalog,
      schema_name: request.schema,
      table_name_prefix: request.tableNamePrefix,
    },
    rate_limits: request.rateLimits.map((limit) => ({ ...limit })),
    guardrails: request.guardrails,
  };
  if (served.some((choice) => choice.kind === 'fallback')) aiGateway.fallback_config = { enabled: true };

  const payloadTable = `${request.catalog}.${request.schema}.${request.tableNamePrefix}_payload`;
  return {
    name: request.name,
    body: {
      name: request.name,
      config: {
        served_entities: entities,
        traffic_config: { routes: entities.map((e, i) => ({ served_entity_name: e.name, traffic_percentage: served[i]!.trafficPercentage })) },
      },
      ai_gateway: aiGateway,
    },
    served,
    grants: desiredGrants(request),
    payloadTable,
    record: {
      endpoint_name: request.name,
      inference_table_prefix: request.tableNamePrefix,
      payload_table: payloadTable,
      served_entities: served.map((s) => s.entityName),
      ...(request.grants.optOut ? { grants_opt_out: request.grants.optOut } : {}),
    },
    warnings: request.grants.optOut
      ? [`Grants opted out ("${request.grants.optOut}"): no agent service principal or ops group gets access to the payload table; F4 expects both. The opt-out is recorded in the state file.`]
      : [],
  };
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
