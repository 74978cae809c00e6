/**
 * The create_gateway use case, apart from MCP: halt rule → desired gateway → validation → plan against the
 * live workspace → (after confirmation, which the tool handles) apply → wait for the rollout → grants →
 * record the result in the state file. Each step reads the live side again rather than trusting a cached
 * view, so a repeated or concurrent apply converges on the same endpoint.
 */
import type { ServingEndpoint } from '../databricks/serving-endpoints.js';
import { getWorkspace, type Workspace } from '../databricks/workspace.js';
import { ToolError } from '../errors.js';
import { desiredGateway, type DesiredGateway, type GatewayRequest } from '../governance/desired.js';
import { buildPlan, grantKey, liveDigest, planDigest, stateRecordOf, type LiveSnapshot, type Plan } from '../governance/plan.js';
import { DEFAULT_PLAN_TTL_SECONDS, planKey, signPlan } from '../governance/plan-id.js';
import { evaluateAudit, type AuditReport } from '../governance/probe.js';
import type { Finding } from '../governance/rules/types.js';
import { validateCreateBody } from '../governance/validate.js';
import type { Runtime } from '../runtime.js';
import { loadState, type LoadedState } from '../state/read.js';
import { isRecord } from '../shared/records.js';
import { recordF4Gateway } from '../state/write.js';
import { KeyedLock } from './endpoint-lock.js';

export type Prepared =
  | { kind: 'halted'; state: LoadedState; report: AuditReport }
  | { kind: 'blocked'; state: LoadedState; desired: DesiredGateway; findings: Finding[] }
  | ({ kind: 'planned'; state: LoadedState } & PlannedGateway);

export interface PlannedGateway {
  workspace: Workspace;
  desired: DesiredGateway;
  live: LiveSnapshot;
  plan: Plan;
  /** Findings of severity warning/info on the desired config (errors block instead). */
  findings: Finding[];
  planDigest: string;
  liveDigest: string;
}

export interface RequestArgs extends Omit<GatewayRequest, 'catalog' | 'schema'> {
  catalog?: string;
  schema?: string;
}

const BROAD_PRIVILEGES = /^ALL[_ ]PRIVILEGES$/i;

/** Everything up to the plan. No call that changes anything; a halt makes no workspace call at all. */
export async function prepareGateway(runtime: Runtime, args: RequestArgs, stateFile: string | undefined, signal: AbortSignal): Promise<Prepared> {
  const state = await loadState(runtime, stateFile);
  const report = evaluateAudit(state.data, { roles: args.roles });
  if (report.status === 'halted') return { kind: 'halted', state, report };

  const request: GatewayRequest = { ...args, ...inferenceLocation(args, state) };
  const desired = desiredGateway(state.data, request);
  const validation = validateCreateBody(desired.body, { state: state.data });
  const findings = [...validation.findings, ...privilegeFindings(request)];
  if (findings.some((f) => f.severity === 'error')) return { kind: 'blocked', state, desired, findings };

  const workspace = getWorkspace(runtime);
  const live = await readLive(workspace, desired, state, signal);
  const plan = buildPlan(desired, live);
  return { kind: 'planned', state, workspace, desired, live, plan, findings, planDigest: planDigest(desired), liveDigest: liveDigest(live) };
}

/** A plan_id for this plan, valid for a short while. */
export function issuePlanId(runtime: Runtime, planned: PlannedGateway): { planId: string; expiresAt: string } {
  const ttl = Number(runtime.env.AIGW_PLAN_TTL_SECONDS) > 0 ? Number(runtime.env.AIGW_PLAN_TTL_SECONDS) : DEFAULT_PLAN_TTL_SECONDS;
  const expiresAt = Math.floor(Date.now() / 1000) + ttl;
  const planId = signPlan(planSigningKey(runtime), { endpoint: planned.desired.body.name, planDigest: planned.planDigest, liveDigest: planned.liveDigest, expiresAt });
  return { planId, expiresAt: new Date(expiresAt * 1000).toISOString() };
}

export function planSigningKey(runtime: Runtime): Buffer {
  return runtime.service('gateway.plan-key', () => planKey(runtime.env.AIGW_PLAN_SECRET));
}

/** Runs `task` while holding this endpoint's lock (process-wide). */
export function withEndpointLock<T>(runtime: Runtime, endpoint: string, task: () => Promise<T>): Promise<T> {
  return runtime.service('gateway.endpoint-locks', () => new KeyedLock()).run(endpoint, task);
}

export interface ApplyOptions {
  signal: AbortSignal;
  /** Longest to wait for a config update to finish. */
  waitBudgetMs: number;
  progress(message: string, fraction?: number): Promise<void>;
}

export interface GrantReport {
  securable: 'catalog' | 'schema';
  full_name: string;
  principal: string;
  privileges: string[];
}

export interface ApplyResult {
  endpoint: ServingEndpoint | undefined;
  grants: GrantReport[];
  stateUpdate?: { state_file: string; key: string; changed: boolean; value: Record<string, unknown> };
  /** Set when the call stopped before the endpoint finished updating (cancelled or out of time). */
  inProgress?: { what: string; check: string; remaining_steps: string[] };
}

/** Carries out a confirmed plan. Must run under the endpoint lock, with a plan computed under it. */
export async function applyPlan(planned: PlannedGateway & { state: LoadedState }, options: ApplyOptions): Promise<ApplyResult> {
  const { workspace, desired, plan, live } = planned;
  const name = desired.body.name;
  const api = workspace.servingEndpoints;
  if (live.endpoint?.state?.config_update === 'IN_PROGRESS' && (plan.steps.putAiGateway || plan.steps.putConfig)) {
    throw new ToolError(
      `Cannot change ${name} now`,
      'a config update is IN_PROGRESS on it, and the workspace accepts no other change until it finishes',
      'Wait until its config_update is NOT_UPDATING (create_gateway with mode "plan" shows it), then plan and apply again',
      'CONFIG_UPDATE_IN_PROGRESS',
    );
  }

  let rolloutStarted = false;
  if (plan.action === 'create') {
    await options.progress(`creating serving endpoint ${name}`, 0.1);
    await api.create(desired.body, options.signal);
    rolloutStarted = true;
  } else {
    if (plan.steps.putAiGateway) {
      if (plan.steps.moveInferenceTable) {
        await options.progress(`disabling inference tables on ${name} before moving them`, 0.1);
        await api.putAiGateway(name, { ...live.endpoint?.ai_gateway, inference_table_config: { enabled: false } }, options.signal);
      }
      await options.progress(`replacing the ai_gateway block of ${name}`, 0.15);
      await api.putAiGateway(name, desired.body.ai_gateway, options.signal);
    }
    if (plan.steps.putConfig) {
      await options.progress(`updating the served entities of ${name}`, 0.2);
      await api.putConfig(name, desired.body.config, (endpoint) => sameEntities(endpoint, desired), options.signal);
      rolloutStarted = true;
    }
  }

  let endpoint: ServingEndpoint | undefined;
  if (rolloutStarted) {
    const waited = await api.waitNotUpdating(name, {
      signal: options.signal,
      budgetMs: options.waitBudgetMs,
      onPoll: async (_e, elapsed) => options.progress(`config_update IN_PROGRESS on ${name} (${Math.round(elapsed / 1000)} s)`, 0.2 + 0.6 * Math.min(1, elapsed / options.waitBudgetMs)),
    });
    endpoint = waited.endpoint;
    if (waited.outcome === 'failed' || waited.outcome === 'canceled') {
      throw new ToolError(
        `The config update of ${name} ended ${waited.outcome === 'failed' ? 'UPDATE_FAILED' : 'UPDATE_CANCELED'}`,
        'the workspace could not roll out the served entities; the ai_gateway settings are in place but the endpoint serves its previous config (if any)',
        `Check the endpoint's events in the Serving UI or GET /api/2.0/serving-endpoints/${name}, fix the cause, then plan and apply again`,
        'CONFIG_UPDATE_FAILED',
      );
    }
    if (waited.outcome === 'aborted') {
      return {
        endpoint,
        grants: [],
        inProgress: {
          what: `The call was cancelled while ${name} was still updating (config_update IN_PROGRESS); the grants and the state file were not touched`,
          check: `Run create_gateway with mode "plan" for ${name}: once config_update is NOT_UPDATING it lists what is still to do, and an apply finishes it`,
          remaining_steps: remainingSteps(plan),
        },
      };
    }
    if (waited.outcome === 'budget-exhausted') {
      // The rollout continues on its own; grants and the state record do not depend on it, so finish them.
      const rest = await finish(planned, options);
      return {
        ...rest,
        endpoint,
        inProgress: {
          what: `${name} is still updating (config_update IN_PROGRESS) after ${Math.round(options.waitBudgetMs / 1000)} s; its served entities are not live yet`,
          check: `Run create_gateway with mode "plan" for ${name} later (or GET /api/2.0/serving-endpoints/${name}) and look at state.config_update; if it stays IN_PROGRESS, check the endpoint's events in the Serving UI`,
          remaining_steps: ['wait for config_update NOT_UPDATING'],
        },
      };
    }
  }
  if (options.signal.aborted) {
    return { endpoint, grants: [], inProgress: { what: `The call was cancelled after changing ${name}; the grants and the state file were not touched`, check: `Run create_gateway with mode "plan" for ${name} to see what remains`, remaining_steps: remainingSteps(plan) } };
  }
  const rest = await finish(planned, options);
  return { ...rest, endpoint: endpoint ?? (await api.get(name, options.signal)) };
}

/** Grants, then the state record: the steps that do not wait on the rollout. */
async function finish(planned: PlannedGateway & { state: LoadedState }, options: ApplyOptions): Promise<Omit<ApplyResult, 'endpoint'>> {
  const { workspace, desired, plan } = planned;
  if (plan.steps.grants.length > 0) await options.progress('granting privileges on the inference-table catalog and schema', 0.85);
  const bySecurable = new Map<string, { securable: 'catalog' | 'schema'; fullName: string; changes: Array<{ principal: string; add: string[] }> }>();
  for (const grant of plan.steps.grants) {
    const key = grantKey(grant.securable, grant.fullName);
    const entry = bySecurable.get(key) ?? { securable: grant.securable, fullName: grant.fullName, changes: [] };
    entry.changes.push({ principal: grant.principal, add: grant.missing });
    bySecurable.set(key, entry);
  }
  for (const { securable, fullName, changes } of bySecurable.values()) await workspace.grants.update(securable, fullName, changes, options.signal);
  const grants = await reportGrants(workspace, desired, options.signal);

  const value = { ...stateRecordOf(desired), updated_at: new Date().toISOString() };
  let stateUpdate: ApplyResult['stateUpdate'];
  if (plan.steps.recordState) {
    await options.progress(`recording Foundation.f4_gateway in ${planned.state.path}`, 0.95);
    const written = await recordF4Gateway(planned.state.path, value);
    stateUpdate = { state_file: written.path, key: 'Foundation.f4_gateway', changed: written.changed, value };
  }
  return { grants, stateUpdate };
}

/** The grants of the gateway's principals as the workspace reports them now. */
export async function reportGrants(workspace: Workspace, desired: DesiredGateway, signal?: AbortSignal): Promise<GrantReport[]> {
  const principals = new Set(desired.grants.map((g) => g.principal));
  const securables = [...new Map(desired.grants.map((g) => [grantKey(g.securable, g.fullName), g])).values()];
  const report: GrantReport[] = [];
  for (const { securable, fullName } of securables) {
    const assignments = await workspace.grants.get(securable, fullName, signal);
    for (const a of assignments) {
      if (principals.has(a.principal)) report.push({ securable, full_name: fullName, principal: a.principal, privileges: [...a.privileges].sort() });
    }
  }
  return report;
}

async function readLive(workspace: Workspace, desired: DesiredGateway, state: LoadedState, signal: AbortSignal): Promise<LiveSnapshot> {
  const endpoint = await workspace.servingEndpoints.get(desired.body.name, signal);
  const grants: LiveSnapshot['grants'] = {};
  for (const grant of desired.grants) {
    const key = grantKey(grant.securable, grant.fullName);
    if (grants[key]) continue;
    const assignments = await workspace.grants.get(grant.securable, grant.fullName, signal);
    grants[key] = Object.fromEntries(assignments.map((a) => [a.principal, [...a.privileges].sort()]));
  }
  const foundation = state.data.Foundation;
  const record = isRecord(foundation) && isRecord(foundation.f4_gateway) ? normaliseRecord(foundation.f4_gateway) : undefined;
  return { endpoint, grants, stateRecord: record };
}

/** YAML may have turned a timestamp into a Date; compare records as JSON would see them. */
function normaliseRecord(record: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
}

function inferenceLocation(args: RequestArgs, state: LoadedState): { catalog: string; schema: string } {
  const fromState = ucLocation(state.data.uc_catalog_schema);
  const catalog = args.catalog ?? fromState?.catalog;
  const schema = args.schema ?? fromState?.schema;
  if (!catalog || !schema) {
    throw new ToolError(
      'No inference-table location',
      `${!catalog ? 'catalog' : 'schema'} was not given and the state file has no uc_catalog_schema`,
      'Pass catalog and schema (the team-owned Unity Catalog schema where the payload table lands), e.g. catalog "main", schema "skyloyalty_ops"',
      'INVALID_ARGUMENTS',
    );
  }
  return { catalog, schema };
}

/** `uc_catalog_schema` as "catalog.schema" or {catalog, schema}. */
function ucLocation(value: unknown): { catalog?: string; schema?: string } | undefined {
  if (typeof value === 'string' && /^[^.]+\.[^.]+$/.test(value)) {
    const [catalog, schema] = value.split('.');
    return { catalog, schema };
  }
  if (isRecord(value)) {
    const catalog = value.catalog ?? value.catalog_name;
    const schema = value.schema ?? value.schema_name;
    return { catalog: typeof catalog === 'string' ? catalog : undefined, schema: typeof schema === 'string' ? schema : undefined };
  }
  return undefined;
}

function privilegeFindings(request: GatewayRequest): Finding[] {
  const findings: Finding[] = [];
  for (const [field, privileges] of [['agent_privileges', request.grants.agentPrivileges], ['ops_privileges', request.grants.opsPrivileges]] as const) {
    (privileges ?? []).forEach((privilege, i) => {
      if (!BROAD_PRIVILEGES.test(privilege.trim())) return;
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

function sameEntities(endpoint: ServingEndpoint, desired: DesiredGateway): boolean {
  const names = (endpoint.pending_config ?? endpoint.config)?.served_entities?.map((e) => e.entity_name) ?? [];
  return JSON.stringify(names) === JSON.stringify(desired.body.config.served_entities.map((e) => e.entity_name));
}

function remainingSteps(plan: Plan): string[] {
  const steps = ['wait for config_update NOT_UPDATING'];
  if (plan.steps.grants.length > 0) steps.push('grants');
  if (plan.steps.recordState) steps.push('state file record');
  return steps;
}
