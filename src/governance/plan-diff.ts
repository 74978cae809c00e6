/**
 * Plan = desired gateway vs what the workspace holds now: the action on the endpoint, every change as
 * `{path, from, to}`, and the warnings a reviewer must see before approving (changes that cannot happen in
 * place, loosened protection, long-running rollouts, whole-block replacement). Pure: the live side is read
 * elsewhere and handed in as plain values.
 */
import { createHash } from '../shared/lazy-crypto.js';
import type { DesiredGateway, DesiredGrant } from './desired-endpoint.js';

export interface LiveEndpoint {
  name?: string;
  state?: { ready?: string; config_update?: string };
  config?: {
    served_entities?: Array<Record<string, unknown>>;
    traffic_config?: { routes?: Array<{ served_entity_name?: string; served_model_name?: string; traffic_percentage?: number }> };
  };
  pending_config?: LiveEndpoint['config'];
  ai_gateway?: Record<string, unknown>;
}

export interface LiveSnapshot<Gateway = LiveEndpoint> {
  /** The gateway (a serving endpoint today); undefined when it does not exist. */
  endpoint: Gateway | undefined;
  /** Direct grants by `<securable>:<full name>`, principal → privileges. */
  grants: Record<string, Record<string, string[]>>;
  /** `Foundation.f4_gateway` as the state file records it now. */
  stateRecord: Record<string, unknown> | undefined;
}

export interface Change {
  path: string;
  from: unknown;
  to: unknown;
}

export interface GrantChange extends DesiredGrant {
  /** Privileges still to add (the workspace holds the rest already). */
  missing: string[];
}

export interface Plan {
  action: 'create' | 'update' | 'none';
  changes: Change[];
  warnings: string[];
  /** What apply must do, by step. */
  steps: {
    putAiGateway: boolean;
    putConfig: boolean;
    /** Inference tables must be disabled before the location changes. */
    moveInferenceTable: boolean;
    grants: GrantChange[];
    recordState: boolean;
    /** Model-service target: the services to create or PATCH (with their update masks). */
    services?: ServiceStep[];
  };
}

export interface ServiceStep {
  kind: 'model-services' | 'mcp-services';
  /** `{catalog}.{schema}.{id}` */
  fullName: string;
  action: 'create' | 'update';
  updateMask: string[];
}

const ENTITY_KEYS = ['name', 'entity_name', 'entity_version', 'workload_size', 'scale_to_zero_enabled', 'external_model', 'provisioned_model_units', 'min_provisioned_throughput', 'max_provisioned_throughput'];
const PII_RANK: Record<string, number> = { BLOCK: 2, MASK: 1, NONE: 0 };

export function grantKey(securable: string, fullName: string): string {
  return `${securable}:${fullName}`;
}

export function buildPlan(desired: DesiredGateway, live: LiveSnapshot): Plan {
  const changes: Change[] = [];
  const warnings: string[] = [...desired.warnings];
  const endpoint = live.endpoint;
  const liveConfig = endpoint ? projectConfig(endpoint.pending_config ?? endpoint.config) : {};
  const liveGateway = endpoint?.ai_gateway ?? {};
  const wantConfig = projectConfig(desired.body.config);
  const { configChanges, gatewayChanges } = endpointChanges(desired, endpoint);
  if (!endpoint) changes.push({ path: '/name', from: null, to: desired.body.name });
  changes.push(...configChanges, ...gatewayChanges);

  let moveInferenceTable = false;
  if (endpoint) {
    if (endpoint.state?.config_update === 'IN_PROGRESS') {
      warnings.push(`A config update is IN_PROGRESS on ${desired.body.name} right now: apply waits for it to finish before changing anything.`);
    }
    moveInferenceTable = inferenceTableMoves(liveGateway, desired.body.ai_gateway, desired.body.name, warnings);
    if (gatewayChanges.length > 0) warnings.push(...replacementWarnings(liveGateway, desired.body.ai_gateway, desired.body.name));
    warnings.push(...guardrailWarnings(liveGateway, desired.body.ai_gateway), ...rateLimitWarnings(liveGateway, desired.body.ai_gateway));
    if (configChanges.length > 0) {
      warnings.push(
        `The served entities change (${entityNames(liveConfig).join(', ') || 'none'} → ${entityNames(wantConfig).join(', ')}): PUT …/config starts a long-running config update; the endpoint serves its old config until it finishes, and no other change is accepted meanwhile.`,
      );
    }
  }

  const { grants, recordState } = grantAndRecordChanges(desired, live, changes);

  return {
    action: !endpoint ? 'create' : configChanges.length + gatewayChanges.length > 0 ? 'update' : 'none',
    changes,
    warnings,
    steps: {
      putAiGateway: Boolean(endpoint) && gatewayChanges.length > 0,
      putConfig: Boolean(endpoint) && configChanges.length > 0,
      moveInferenceTable,
      grants,
      recordState,
    },
  };
}

/**
 * The steps every target shares: explicit grants still missing, and the state record when it differs. Appends
 * their changes to `changes`.
 */
export function grantAndRecordChanges(desired: { grants: DesiredGrant[]; record: Record<string, unknown> }, live: LiveSnapshot<unknown>, changes: Change[]): { grants: GrantChange[]; recordState: boolean } {
  const grants: GrantChange[] = [];
  for (const grant of desired.grants) {
    const held = live.grants[grantKey(grant.securable, grant.fullName)]?.[grant.principal] ?? [];
    const missing = grant.privileges.filter((p) => !held.includes(p));
    if (missing.length === 0) continue;
    grants.push({ ...grant, missing });
    changes.push({ path: `/grants/${grant.securable}/${escape(grant.fullName)}/${escape(grant.principal)}`, from: [...held].sort(), to: [...new Set([...held, ...missing])].sort() });
  }
  const recordState = !equal(withoutTimestamp(live.stateRecord), desired.record);
  if (recordState) changes.push({ path: '/state/Foundation/f4_gateway', from: withoutTimestamp(live.stateRecord) ?? null, to: desired.record });
  return { grants, recordState };
}

/** How an endpoint (or none) differs from the desired gateway, in its served entities and its ai_gateway block. */
export function endpointChanges(desired: DesiredGateway, endpoint: LiveEndpoint | undefined): { configChanges: Change[]; gatewayChanges: Change[] } {
  const liveConfig = endpoint ? projectConfig(endpoint.pending_config ?? endpoint.config) : {};
  return {
    // attach sends no config: the audited endpoint keeps its own served entities.
    configChanges: desired.body.config ? diff(liveConfig, projectConfig(desired.body.config), '/config') : [],
    gatewayChanges: diff(withoutEmpty(endpoint?.ai_gateway ?? {}), withoutEmpty(desired.body.ai_gateway), '/ai_gateway'),
  };
}

/** Digest of what the plan would make true: the same arguments and state give the same digest. */
export function planDigest(desired: DesiredGateway): string {
  return sha256(canonical({ body: desired.body, grants: desired.grants, record: desired.record }));
}

/** Digest of the live side a plan was made against; any change to it makes the plan stale. */
export function liveDigest(live: LiveSnapshot): string {
  const endpoint = live.endpoint
    ? {
        config_update: live.endpoint.state?.config_update ?? null,
        config: projectConfig(live.endpoint.config),
        pending: live.endpoint.pending_config ? projectConfig(live.endpoint.pending_config) : null,
        ai_gateway: live.endpoint.ai_gateway ?? {},
      }
    : null;
  return sha256(canonical({ endpoint, grants: live.grants, record: withoutTimestamp(live.stateRecord) ?? null }));
}

function inferenceTableMoves(live: Record<string, unknown>, want: Record<string, unknown>, name: string, warnings: string[]): boolean {
  const from = asRecord(live.inference_table_config);
  const to = asRecord(want.inference_table_config);
  if (from?.enabled !== true || to?.enabled !== true) return false;
  const location = (t: Record<string, unknown>) => `${String(t.catalog_name)}.${String(t.schema_name)}.${String(t.table_name_prefix ?? name.replace(/-/g, '_'))}_payload`;
  if (location(from) === location(to)) return false;
  warnings.push(
    `The inference-table location cannot change in place (${location(from)} → ${location(to)}): apply first disables inference tables, then enables them at the new location. ${location(from)} stops receiving rows, and requests between the two calls are not logged.`,
  );
  return true;
}

function replacementWarnings(live: Record<string, unknown>, want: Record<string, unknown>, name: string): string[] {
  const dropped = Object.keys(live).filter((key) => !(key in want));
  return [
    `PUT …/ai-gateway replaces the whole ai_gateway block of ${name}${dropped.length ? `: ${dropped.join(', ')} (set now, absent from this plan) will be removed` : ''}.`,
  ];
}

function guardrailWarnings(live: Record<string, unknown>, want: Record<string, unknown>): string[] {
  const warnings: string[] = [];
  for (const side of ['input', 'output'] as const) {
    const from = asRecord(asRecord(live.guardrails)?.[side]);
    const to = asRecord(asRecord(want.guardrails)?.[side]);
    const fromPii = String(asRecord(from?.pii)?.behavior ?? 'NONE');
    const toPii = String(asRecord(to?.pii)?.behavior ?? 'NONE');
    if ((PII_RANK[toPii] ?? 0) < (PII_RANK[fromPii] ?? 0)) warnings.push(`Guardrails loosened: the ${side} PII guardrail goes from ${fromPii} to ${toPii}.`);
    if (from?.safety === true && to?.safety !== true) warnings.push(`Guardrails loosened: the ${side} safety guardrail is turned off.`);
  }
  return warnings;
}

function rateLimitWarnings(live: Record<string, unknown>, want: Record<string, unknown>): string[] {
  const limits = (gateway: Record<string, unknown>) => (Array.isArray(gateway.rate_limits) ? gateway.rate_limits : []).map((l) => asRecord(l) ?? {});
  const id = (l: Record<string, unknown>) => `${String(l.key ?? 'endpoint')}${l.principal ? `:${String(l.principal)}` : ''}`;
  const wanted = new Map(limits(want).map((l) => [id(l), l]));
  const warnings: string[] = [];
  for (const from of limits(live)) {
    const to = wanted.get(id(from));
    if (!to) {
      warnings.push(`Rate limits loosened: the ${id(from)} limit (${describeLimit(from)}) is removed.`);
      continue;
    }
    for (const unit of ['calls', 'tokens'] as const) {
      const a = from[unit];
      const b = to[unit];
      if (typeof a === 'number' && (b === undefined || (typeof b === 'number' && b > a))) {
        warnings.push(`Rate limits loosened: the ${id(from)} limit goes from ${a} to ${b ?? 'unlimited'} ${unit} per minute.`);
      }
    }
  }
  return warnings;
}

function describeLimit(limit: Record<string, unknown>): string {
  return [limit.calls !== undefined ? `${String(limit.calls)} calls` : '', limit.tokens !== undefined ? `${String(limit.tokens)} tokens` : ''].filter(Boolean).join(' and ') + ' per minute';
}

/** The parts of an endpoint config the plan manages, without server-filled fields (state, creator, …). */
function projectConfig(config: LiveEndpoint['config'] | undefined): Record<string, unknown> {
  if (!config) return {};
  const entities = (config.served_entities ?? []).map((entity) => {
    const out: Record<string, unknown> = {};
    for (const key of ENTITY_KEYS) if (entity[key] !== undefined) out[key] = entity[key];
    return out;
  });
  const routes = (config.traffic_config?.routes ?? []).map((route) => ({
    served_entity_name: route.served_entity_name ?? route.served_model_name,
    traffic_percentage: route.traffic_percentage,
  }));
  return { served_entities: entities, traffic_config: { routes } };
}

function entityNames(config: Record<string, unknown>): string[] {
  const entities = Array.isArray(config.served_entities) ? config.served_entities : [];
  return entities.map((e) => String(asRecord(e)?.entity_name ?? asRecord(e)?.name));
}

/** Leaf-level differences; lists are compared whole (a rate-limit list or served-entity list is one change). */
export function diff(from: unknown, to: unknown, path: string): Change[] {
  if (isPlainObject(from) && isPlainObject(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    return keys.flatMap((key) => diff(from[key], to[key], `${path}/${escape(key)}`));
  }
  if (equal(from, to)) return [];
  if (from === undefined && isPlainObject(to)) return diff({}, to, path);
  return [{ path, from: from ?? null, to: to ?? null }];
}

/**
 * Drops null, [] and {} members, which mean the same as an absent one: a GET that spells out empty defaults
 * (`"invalid_keywords": []`, `"fallback_config": {}`) must not make every plan an update.
 */
export function withoutEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmpty);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    const pruned = withoutEmpty(member);
    const empty = pruned === null || pruned === undefined || (Array.isArray(pruned) && pruned.length === 0) || (isPlainObject(pruned) && Object.keys(pruned).length === 0);
    if (!empty) out[key] = pruned;
  }
  return out;
}

export function withoutTimestamp(record: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!record) return undefined;
  const { updated_at: _ignored, ...rest } = record;
  return rest;
}

export function equal(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** JSON with sorted keys, so equal values always serialise alike. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isPlainObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  ) ?? 'null';
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

export function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return isPlainObject(value) ? value : undefined;
}
