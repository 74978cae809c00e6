/**
 * Provisioning a gateway the F4 way: halt rule → desired gateway → validation → plan against the live side
 * → (confirmation) → apply → wait → explicit grants → record in the state file. The order, the plan id and
 * the locking live here; what the gateway's API looks like lives in its target (`targets/`).
 */
import type { Workspace } from '../databricks/workspace-clients.js';
import { getWorkspace, workspaceConfigOf } from '../databricks/workspace-clients.js';
import { ToolError } from '../shared/tool-error.js';
import { grantFindings, type DesiredGrant, type GatewayForm, type GatewayRequest } from '../governance/desired-endpoint.js';
import { grantKey, type LiveSnapshot, type Plan } from '../governance/plan-diff.js';
import { checkPlanAuthor, checkPlanMatches, DEFAULT_PLAN_TTL_SECONDS, signPlan, verifyPlanId } from '../governance/plan-id.js';
import { evaluateAudit, type AuditReport } from '../governance/role-probe.js';
import type { Finding } from '../governance/rules/rule-types.js';
import type { Runtime } from '../runtime/process-runtime.js';
import { isRecord } from '../shared/records.js';
import { loadState, type LoadedState } from '../state/read-state.js';
import { recordF4Gateway } from '../state/write-state.js';
import type { ConsumerWiring } from '../governance/consumer.js';
import type { ExportedFile } from '../governance/gateway-export.js';
import { wiringOfSummary } from './consumer-wiring.js';
import { alertDigests, alertReport, alertSettingFindings, applyAlert, prepareAlert, withAlertChanges, type AlertReport, type AlertRequest, type PreparedAlert } from './alert-provisioning.js';
import type { ApplyProgress, GatewaySummary, GatewayTarget, TargetDesired, TargetKind } from './gateway-target.js';
import { KeyedLock } from './keyed-lock.js';
import { planSigningKey } from './plan-key.js';
import { modelServiceTarget } from './targets/model-service-target.js';
import { servingEndpointTarget } from './targets/serving-endpoint-target.js';

/**
 * The caller's request; catalog and schema default to the state file's `uc_catalog_schema`, the form to the
 * one `Foundation.f4_gateway` records (else dedicated).
 */
export interface ProvisionRequest extends Omit<GatewayRequest, 'catalog' | 'schema' | 'form'> {
  catalog?: string;
  schema?: string;
  form?: GatewayForm;
  /** Which kind of gateway; default: the one the state file records, else see `chooseTarget`. */
  target?: TargetKind;
  stateFile?: string;
  /** A SQL alert on the gateway's 429/5xx share, planned and applied with it. */
  alert?: AlertRequest;
}

export interface GrantReport {
  securable: DesiredGrant['securable'];
  full_name: string;
  principal: string;
  privileges: string[];
}

/** A plan the operator can approve: everything the result shows about it. */
export interface PlannedGateway {
  target: TargetKind;
  plan: Plan;
  findings: Finding[];
  gateway?: GatewaySummary;
  /** The gateway's SQL alert as planned (before apply) or as the workspace holds it (after). */
  alert?: AlertReport;
  stateFile: string;
  workspace: string;
}

/** What is still under way when a call returns, and how to follow it. */
type InProgress = { what: string; check: string; remaining_steps: string[] };

export type PlanOutcome =
  | { status: 'halted'; stateFile: string; report: AuditReport; workspace?: string }
  | { status: 'blocked'; stateFile: string; findings: Finding[]; workspace?: string }
  | ({ status: 'unchanged'; grants: GrantReport[]; consumer?: ConsumerWiring } & PlannedGateway)
  /** Nothing to change, but the endpoint's last config update is still rolling out (see `inProgress`). */
  | ({ status: 'updating'; grants: GrantReport[]; consumer?: ConsumerWiring; inProgress: InProgress } & PlannedGateway)
  | ({ status: 'planned'; planId: string; expiresAt: string } & PlannedGateway);

export interface AppliedGateway extends PlannedGateway {
  /** `incomplete`: the gateway is in place, but a step after it failed (see `incomplete`). */
  status: 'applied' | 'incomplete';
  grants: GrantReport[];
  /** How consumers point at the gateway: base URL and snippets on the workspace's host. */
  consumer?: ConsumerWiring;
  stateUpdate?: { state_file: string; key: string; changed: boolean; value: Record<string, unknown> };
  /** Set when the call stopped before the gateway finished updating (cancelled or out of time). */
  inProgress?: InProgress;
  /** Set when the gateway is in place but a later step (grants, the state record) failed. */
  incomplete?: { done: string[]; not_done: string[]; failed_step: string; error: string; recorded_incomplete: boolean; next: string };
}

export type ApplyOutcome = Exclude<PlanOutcome, { status: 'planned' }> | AppliedGateway;

/** The plan as files to commit, with the plan id that binds the same desired gateway (it may still be applied). */
export type ExportOutcome = Extract<PlanOutcome, { status: 'halted' | 'blocked' }> | ({ status: 'exported'; files: ExportedFile[]; planId: string; expiresAt: string } & PlannedGateway);

interface Prepared {
  target: Target;
  state: LoadedState;
  workspace: Workspace;
  desired: TargetDesired;
  live: LiveSnapshot<unknown>;
  plan: Plan;
  findings: Finding[];
  alert?: PreparedAlert;
}

type Target = GatewayTarget<TargetDesired, unknown, unknown>;
const TARGETS: Record<TargetKind, Target> = {
  serving_endpoint: servingEndpointTarget as unknown as Target,
  model_service: modelServiceTarget as unknown as Target,
};

/** Plans the gateway: nothing changes anywhere; a halt or a blocked config makes no workspace call at all. */
export async function planGateway(runtime: Runtime, request: ProvisionRequest, signal: AbortSignal): Promise<PlanOutcome> {
  const prepared = await prepare(runtime, request, signal);
  if (!('plan' in prepared)) return prepared;
  if (prepared.plan.changes.length === 0) return unchanged(prepared, signal);
  const { planId, expiresAt } = issuePlanId(runtime, prepared);
  return { status: 'planned', ...shown(prepared), planId, expiresAt };
}

/**
 * The plan as files (bundle resources, or REST bodies and CLI commands where bundles have no resource kind) a
 * team reviews and deploys with its own pipeline: the same halt, validation and plan as `planGateway`, and
 * nothing changes anywhere.
 */
export async function exportGateway(runtime: Runtime, request: ProvisionRequest, signal: AbortSignal): Promise<ExportOutcome> {
  const prepared = await prepare(runtime, request, signal);
  if (!('plan' in prepared)) return prepared;
  const files = prepared.target.exportFiles(prepared.desired, prepared.alert?.desired);
  if (!files.some((f) => f.path.startsWith('resources/'))) {
    // Databricks CLI bundle schema (bundle/schema/jsonschema.json, 2026-08): no model-service resource, and an
    // attached gateway changes an endpoint the bundle does not own.
    prepared.plan.warnings.unshift(
      prepared.target.kind === 'model_service'
        ? 'Bundles have no model-service resource yet: the export is the REST body and the databricks CLI command that creates it'
        : 'The attach form changes an endpoint a bundle does not own: the export is the ai_gateway body and the databricks CLI command that puts it',
    );
  }
  const { planId, expiresAt } = issuePlanId(runtime, prepared);
  return { status: 'exported', ...shown(prepared), files, planId, expiresAt };
}

/**
 * Carries out the plan `planId` names, and only that plan: it is recomputed under the apply lock (held across
 * processes sharing the state file, from the live re-read to the state record), and refused as stale when the
 * desired gateway or the live side differs from what was shown.
 */
export async function applyGateway(runtime: Runtime, request: ProvisionRequest, planId: string, options: ApplyProgress): Promise<ApplyOutcome> {
  const claims = verifyPlanId(planSigningKey(runtime), planId);
  // A plan belongs to the caller who made it (under Databricks Apps); refused before anything is read or changed.
  checkPlanAuthor(claims, runtime.caller?.user);
  const locks = runtime.service('gateway.locks', () => new KeyedLock());
  return locks.run(claims.endpoint, async () => {
    const state = await loadState(runtime, request.stateFile);
    return state.store.withApplyLock(async () => {
      const prepared = await prepare(runtime, request, options.signal);
      if (!('plan' in prepared)) return prepared;
      if (prepared.plan.changes.length === 0) return unchanged(prepared, options.signal);
      checkPlanMatches(claims, { endpoint: prepared.desired.name, ...digests(prepared) });
      return withConsumer(await carryOut(prepared, options), prepared.workspace);
    });
  });
}

/** The workspace label for results that stop before any workspace call, when one is configured. */
export function workspaceLabelOf(runtime: Runtime): string | undefined {
  if (runtime.workspaceLabel) return runtime.workspaceLabel;
  try {
    return workspaceConfigOf(runtime).host;
  } catch {
    return undefined;
  }
}

async function prepare(runtime: Runtime, request: ProvisionRequest, signal: AbortSignal): Promise<Prepared | Extract<PlanOutcome, { status: 'halted' | 'blocked' }>> {
  const state = await loadState(runtime, request.stateFile);
  const report = evaluateAudit(state.data, { roles: request.roles });
  const label = () => workspaceLabelOf(runtime);
  if (report.status === 'halted') return { status: 'halted', stateFile: state.path, report, workspace: label() };

  const gatewayRequest: GatewayRequest = { ...request, form: request.form ?? recordedForm(state) ?? 'dedicated', ...inferenceLocation(request, state) };
  const workspace = getWorkspace(runtime);
  const chosen = await chooseTarget(request, state, workspace, gatewayRequest, signal);
  const target = TARGETS[chosen.kind];
  const facts = await target.inspect(workspace, state.data, gatewayRequest, signal);
  const desired = target.desired(state.data, gatewayRequest, facts);
  const findings = [
    ...target.validate(desired, state.data, gatewayRequest, facts),
    ...grantFindings(gatewayRequest),
    ...targetArgumentFindings(chosen.kind, request),
    // The alert's settings are checked now: a bad one would otherwise fail the apply after the gateway is made.
    ...(request.alert ? await alertSettingFindings(workspace, request.alert, signal) : []),
  ];
  // A blocked result has no plan to carry the target note: it goes with the findings.
  const blocked = (all: Finding[]) => ({ status: 'blocked' as const, stateFile: state.path, findings: chosen.note ? [...all, { rule: 'gateway.target', severity: 'info' as const, path: '/target', message: chosen.note, fix: 'Pass target to choose explicitly' }] : all, workspace: workspace.label });
  if (findings.some((f) => f.severity === 'error')) return blocked(findings);

  const live = await readLive(target, workspace, desired, state, signal);
  const liveFindings = target.liveFindings?.(desired, live.endpoint) ?? [];
  if (liveFindings.some((f) => f.severity === 'error')) return blocked([...findings, ...liveFindings]);
  const recordedAlertId = recordedAlert(state, desired.name);
  const alert = request.alert ? await prepareAlert(runtime, workspace, desired.name, request.alert, { target: chosen.kind, recordedId: recordedAlertId }, signal) : undefined;
  // The record keeps the alert's id once it exists: how the next plan finds it, whoever else names an alert alike.
  const withAlertId = alert?.live?.id ? { ...desired, record: { ...desired.record, alert_id: alert.live.id } } : desired;
  const plan = withAlertChanges(target.diff(withAlertId, live), alert);
  if (chosen.note) plan.warnings.unshift(chosen.note);
  return { target, state, workspace, desired: withAlertId, live, plan, findings, alert };
}

/** What a plan id binds: the gateway's and its alert's desired and live sides. */
function digests(prepared: Prepared): { planDigest: string; liveDigest: string } {
  const alert = alertDigests(prepared.alert);
  return {
    planDigest: `${prepared.target.planDigest(prepared.desired)}.${alert.plan}`,
    liveDigest: `${prepared.target.liveDigest(prepared.live)}.${alert.live}`,
  };
}

/** The applied result with the consumer wiring of the gateway it ended with. */
function withConsumer<T extends { gateway?: GatewaySummary }>(result: T, workspace: Workspace): T & { consumer?: ConsumerWiring } {
  return result.gateway ? { ...result, consumer: wiringOfSummary(result.gateway, workspace.config.host) } : result;
}

/**
 * The target of this request: the caller's, else the one the state file records, else serving_endpoint when
 * the request or the record names a serving-endpoint form, else model_service when the workspace answers the
 * Unity AI Gateway API (said in the plan either way).
 */
async function chooseTarget(request: ProvisionRequest, state: LoadedState, workspace: Workspace, gatewayRequest: GatewayRequest, signal: AbortSignal): Promise<{ kind: TargetKind; note?: string }> {
  if (request.target) return { kind: request.target };
  const recorded = recordedTarget(state);
  if (recorded) return { kind: recorded };
  if (request.form || recordedForm(state) || request.tokenSecret) return { kind: 'serving_endpoint' };
  if (await workspace.services.available(gatewayRequest.catalog, gatewayRequest.schema, signal)) {
    return { kind: 'model_service', note: 'Target model_service (Unity AI Gateway): no target was given or recorded, and this workspace answers the model-services API, the gateway Databricks now recommends. Pass target "serving_endpoint" for a serving endpoint (AI Gateway legacy) instead.' };
  }
  return { kind: 'serving_endpoint', note: 'Target serving_endpoint (AI Gateway legacy): no target was given or recorded, and this workspace does not answer the Unity AI Gateway model-services API.' };
}

/** Arguments that belong to the other target: refused rather than ignored. */
function targetArgumentFindings(kind: TargetKind, request: ProvisionRequest): Finding[] {
  const tagged = request.rateLimits.findIndex((l) => l.key === 'request_tag');
  if (kind === 'serving_endpoint' && tagged >= 0) {
    return [{ rule: 'f4.gateway-form', severity: 'error', path: `/rate_limits/${tagged}/key`, message: 'request_tag rate limits exist in Unity AI Gateway only; a serving endpoint limits by endpoint, user, user_group or service_principal', fix: 'Pass target "model_service", or use another key' }];
  }
  if (kind === 'serving_endpoint' && request.mcpServices?.length) {
    return [{ rule: 'f4.gateway-form', severity: 'error', path: '/mcp_services', message: 'MCP services are registered in Unity AI Gateway, and this gateway is a serving endpoint', fix: 'Pass target "model_service" to register MCP services, or leave mcp_services out' }];
  }
  if (kind === 'model_service' && request.form) {
    return [{ rule: 'f4.gateway-form', severity: 'error', path: '/form', message: `form "${request.form}" is a serving-endpoint form; a model service routes to system.ai models itself`, fix: 'Leave form out with target "model_service", or pass target "serving_endpoint"' }];
  }
  return [];
}

async function readLive(target: Target, workspace: Workspace, desired: TargetDesired, state: LoadedState, signal: AbortSignal): Promise<LiveSnapshot<unknown>> {
  const gateway = await target.readLive(workspace, desired, signal);
  const grants: LiveSnapshot['grants'] = {};
  for (const grant of desired.grants) {
    const key = grantKey(grant.securable, grant.fullName);
    if (grants[key]) continue;
    const assignments = await workspace.grants.get(grant.securable, grant.fullName, signal);
    grants[key] = Object.fromEntries(assignments.map((a) => [a.principal, [...a.privileges].sort()]));
  }
  const foundation = state.data.Foundation;
  const record = isRecord(foundation) && isRecord(foundation.f4_gateway) ? asJson(foundation.f4_gateway) : undefined;
  return { endpoint: gateway, grants, stateRecord: record };
}

/** YAML may have turned a timestamp into a Date; compare records as JSON would see them. */
function asJson(record: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
}

function issuePlanId(runtime: Runtime, prepared: Prepared): { planId: string; expiresAt: string } {
  const ttl = Number(runtime.env.AIGW_PLAN_TTL_SECONDS) > 0 ? Number(runtime.env.AIGW_PLAN_TTL_SECONDS) : DEFAULT_PLAN_TTL_SECONDS;
  const expiresAt = Math.floor(Date.now() / 1000) + ttl;
  const planId = signPlan(planSigningKey(runtime), {
    endpoint: prepared.desired.name,
    ...digests(prepared),
    expiresAt,
    ...(runtime.caller?.user ? { author: runtime.caller.user } : {}),
  });
  return { planId, expiresAt: new Date(expiresAt * 1000).toISOString() };
}

function shown(prepared: Prepared): PlannedGateway {
  const gateway = prepared.live.endpoint;
  return {
    target: prepared.target.kind,
    plan: prepared.plan,
    findings: prepared.findings,
    ...(gateway ? { gateway: prepared.target.summarise(gateway, prepared.workspace.config.host, prepared.desired) } : {}),
    ...(prepared.alert ? { alert: alertReport(prepared.alert.live ?? {}, prepared.alert.plan.action, prepared.alert) } : {}),
    stateFile: prepared.state.path,
    workspace: prepared.workspace.label,
  };
}

/**
 * Nothing to change. The live side compares by the config being rolled out, so an endpoint whose update is still
 * IN_PROGRESS (or stuck there) matches the plan without being live: that is said, not passed off as unchanged.
 */
async function unchanged(prepared: Prepared, signal: AbortSignal): Promise<Extract<PlanOutcome, { status: 'unchanged' | 'updating' }>> {
  const grants = await reportGrants(prepared.workspace, prepared.desired, signal);
  const gateway = shown(prepared);
  const state = gateway.gateway?.state;
  if (state?.config_update !== 'IN_PROGRESS') return withConsumer({ status: 'unchanged' as const, ...gateway, grants }, prepared.workspace);
  const name = prepared.desired.name;
  const inProgress: InProgress = {
    what: `${name} already has this config, but its config update is still IN_PROGRESS (ready: ${state.ready ?? 'unknown'}): the served entities are not live yet`,
    check: `Plan ${name} again later (or GET /api/2.0/serving-endpoints/${name}) and look at state.config_update; if it stays IN_PROGRESS, check the endpoint's events in the Serving UI`,
    remaining_steps: ['wait for config_update NOT_UPDATING'],
  };
  return withConsumer({ status: 'updating' as const, ...gateway, grants, inProgress }, prepared.workspace);
}

async function carryOut(prepared: Prepared, options: ApplyProgress): Promise<AppliedGateway> {
  const { target, workspace, desired, plan, live } = prepared;
  const name = desired.name;
  const base = shown(prepared);
  const guarded = !target.refusesStaleWrites && plan.changes.some(isGatewayChange);
  if (guarded) await refuseIfChangedSincePlan(prepared, options.signal);
  const rolloutStarted = await target.apply(workspace, desired, live.endpoint, plan, options);

  let gateway: unknown;
  if (rolloutStarted) {
    const waited = await target.wait(workspace, desired, options);
    gateway = waited.live;
    if (waited.outcome === 'aborted') {
      return {
        ...base,
        status: 'applied',
        ...summaryOf(target, gateway, workspace, desired),
        grants: [],
        inProgress: {
          what: `The call was cancelled while ${name} was still updating (config_update IN_PROGRESS); the grants and the state file were not touched`,
          check: `Plan ${name} again: once its update has finished the plan lists what is still to do, and an apply finishes it`,
          remaining_steps: remainingSteps(plan),
        },
      };
    }
    if (waited.outcome === 'still-updating') {
      if (guarded) refuseIfSuperseded(prepared, gateway, 'nothing after the gateway write');
      // The rollout continues on its own; grants and the state record do not depend on it, so finish them.
      const rest = await finish(prepared, options);
      return {
        ...base,
        status: rest.incomplete ? 'incomplete' : 'applied',
        ...rest,
        ...summaryOf(target, gateway, workspace, desired),
        inProgress: {
          what: `${name} is still updating (config_update IN_PROGRESS) after ${Math.round(options.waitBudgetMs / 1000)} s; its served entities are not live yet`,
          check: `Plan ${name} again later (or GET /api/2.0/serving-endpoints/${name}) and look at state.config_update; if it stays IN_PROGRESS, check the endpoint's events in the Serving UI`,
          remaining_steps: ['wait for config_update NOT_UPDATING'],
        },
      };
    }
  }
  if (options.signal.aborted) {
    return {
      ...base,
      status: 'applied',
      ...summaryOf(target, gateway, workspace, desired),
      grants: [],
      inProgress: { what: `The call was cancelled after changing ${name}; the grants and the state file were not touched`, check: `Plan ${name} again to see what remains`, remaining_steps: remainingSteps(plan) },
    };
  }
  if (guarded) refuseIfSuperseded(prepared, gateway ?? (await target.reread(workspace, desired, options.signal)), 'nothing after the gateway write');
  const rest = await finish(prepared, options);
  // The result is read last, so what it says was applied is what is live when the caller is told.
  const final = await target.reread(workspace, desired, options.signal);
  if (guarded) refuseIfSuperseded(prepared, final, `the steps after it (${['grants', ...(prepared.alert ? ['alert'] : []), ...(plan.steps.recordState ? ['state file record'] : [])].join(', ')}) were done`);
  return { ...base, status: rest.incomplete ? 'incomplete' : 'applied', ...rest, ...summaryOf(target, final, workspace, desired) };
}

/** Changes of the gateway itself (not its grants, alert or state record): the writes another caller can race. */
const isGatewayChange = (c: { path: string }) => !/^\/(grants|alert|state)(\/|$)/.test(c.path);

/**
 * Right before writing: the gateway as the workspace holds it now must be the one the plan was checked against
 * under this process's locks. Another process (another state file, another replica) may have written since.
 */
async function refuseIfChangedSincePlan(prepared: Prepared, signal: AbortSignal): Promise<void> {
  const { target, workspace, desired, live } = prepared;
  const now = await target.reread(workspace, desired, signal);
  if (target.liveDigest({ ...live, endpoint: now }) === target.liveDigest(live)) return;
  throw new ToolError(
    `${desired.name} changed since the plan, so this plan was not applied`,
    `right before writing, the workspace held ${describeLive(prepared, now)}: another caller (another process, state file or person) changed it after this plan was made; nothing was written`,
    'Plan again to see the current differences, then apply with the new plan_id',
    'PLAN_ID_STALE',
  );
}

/**
 * Right after writing (and again before answering): the gateway must hold what this apply sent. On an API where
 * the last writer wins, a write that landed after ours means ours is not live, and the caller must not be told
 * it was applied.
 */
function refuseIfSuperseded(prepared: Prepared, now: unknown, done: string): void {
  const { target, desired } = prepared;
  if (now !== undefined && target.matchesPlan(desired, now)) return;
  throw new ToolError(
    `This change to ${desired.name} was superseded: another caller's write landed after it`,
    `the workspace now holds ${describeLive(prepared, now)}, not what this apply wrote (a serving endpoint's config and AI Gateway block carry no version, so the last writer wins); ${done} was done`,
    'Plan again to see what is live now; apply that plan only if your change should replace theirs',
    'PLAN_ID_STALE',
  );
}

/** What the workspace holds where it differs from this plan's gateway, briefly. */
function describeLive(prepared: Prepared, now: unknown): string {
  if (now === undefined) return `no gateway named ${prepared.desired.name}`;
  const differing = prepared.target.diff(prepared.desired, { ...prepared.live, endpoint: now }).changes.filter(isGatewayChange);
  if (differing.length === 0) return 'a gateway that differs from the plan only in its rollout state';
  const shown = differing.slice(0, 3).map((c) => `${c.path} = ${clip(JSON.stringify(c.from ?? null))}`);
  return `${shown.join(', ')}${differing.length > 3 ? ` and ${differing.length - 3} more difference(s)` : ''}`;
}

const clip = (text: string) => (text.length > 160 ? `${text.slice(0, 157)}...` : text);

function summaryOf(target: Target, gateway: unknown, workspace: Workspace, desired: TargetDesired): { gateway?: GatewaySummary } {
  return gateway ? { gateway: target.summarise(gateway, workspace.config.host, desired) } : {};
}

/**
 * Grants, then the state record: the steps that do not wait on the rollout. The gateway itself is in place by
 * now, so a failure here is not a bare error: the result says what was done and what was not, and the state
 * file records the gateway as `incomplete` (when it can still be written), which the next plan completes.
 */
async function finish(prepared: Prepared, options: ApplyProgress): Promise<Pick<AppliedGateway, 'grants' | 'stateUpdate' | 'incomplete' | 'alert'>> {
  const { workspace, desired, plan } = prepared;
  let grants: GrantReport[];
  try {
    if (plan.steps.grants.length > 0) await options.progress('granting privileges on the inference-table catalog and schema', 0.85);
    await applyGrants(workspace, plan, options.signal);
    grants = await reportGrants(workspace, desired, options.signal);
  } catch (error) {
    if (options.signal.aborted) throw error;
    const failed = { step: 'grants', error: messageOf(error) };
    const stateUpdate = await recordIncomplete(prepared, failed).catch(() => undefined);
    return { grants: [], ...(stateUpdate ? { stateUpdate } : {}), incomplete: incompleteReport(prepared, failed, Boolean(stateUpdate)) };
  }

  let alert: AlertReport | undefined;
  if (prepared.alert) {
    try {
      if (prepared.alert.plan.action !== 'none') await options.progress(`${prepared.alert.plan.action === 'create' ? 'creating' : 'updating'} the SQL alert on ${desired.name}'s 429/5xx`, 0.9);
      alert = await applyAlert(workspace, prepared.alert, options.signal);
    } catch (error) {
      if (options.signal.aborted) throw error;
      const failed = { step: 'alert', error: messageOf(error) };
      const stateUpdate = await recordIncomplete(prepared, failed).catch(() => undefined);
      return { grants, ...(stateUpdate ? { stateUpdate } : {}), incomplete: incompleteReport(prepared, failed, Boolean(stateUpdate)) };
    }
  }
  const withAlert = alert ? { alert } : {};

  // A new alert's id goes into the record even when nothing else in it changed.
  const newAlertId = alert?.id && alert.id !== desired.record.alert_id ? { alert_id: alert.id } : undefined;
  if (!plan.steps.recordState && !newAlertId) return { grants, ...withAlert };
  const value = { ...desired.record, ...newAlertId, updated_at: new Date().toISOString() };
  await options.progress(`recording Foundation.f4_gateway in ${prepared.state.path}`, 0.95);
  try {
    const written = await recordF4Gateway(prepared.state.store, value);
    return { grants, ...withAlert, stateUpdate: { state_file: written.path, key: 'Foundation.f4_gateway', changed: written.changed, value } };
  } catch (error) {
    return { grants, ...withAlert, incomplete: incompleteReport(prepared, { step: 'state file record', error: messageOf(error) }, false) };
  }
}

async function applyGrants(workspace: Workspace, plan: Plan, signal: AbortSignal): Promise<void> {
  const bySecurable = new Map<string, { securable: DesiredGrant['securable']; fullName: string; changes: Array<{ principal: string; add: string[] }> }>();
  for (const grant of plan.steps.grants) {
    const key = grantKey(grant.securable, grant.fullName);
    const entry = bySecurable.get(key) ?? { securable: grant.securable, fullName: grant.fullName, changes: [] };
    entry.changes.push({ principal: grant.principal, add: grant.missing });
    bySecurable.set(key, entry);
  }
  for (const { securable, fullName, changes } of bySecurable.values()) await workspace.grants.update(securable, fullName, changes, signal);
}

async function recordIncomplete(prepared: Prepared, failed: { step: string; error: string }): Promise<AppliedGateway['stateUpdate']> {
  const value = { ...prepared.desired.record, status: 'incomplete', incomplete_step: failed.step, updated_at: new Date().toISOString() };
  const written = await recordF4Gateway(prepared.state.store, value);
  return { state_file: written.path, key: 'Foundation.f4_gateway', changed: written.changed, value };
}

function incompleteReport(prepared: Prepared, failed: { step: string; error: string }, recorded: boolean): NonNullable<AppliedGateway['incomplete']> {
  const name = prepared.desired.name;
  const alert = prepared.alert ? ['alert'] : [];
  const steps = ['grants', ...alert, 'state file record'];
  const notDone = steps.slice(steps.indexOf(failed.step));
  return {
    done: [prepared.plan.action === 'create' ? `created ${name}` : `updated ${name}`, ...steps.slice(0, steps.indexOf(failed.step))],
    not_done: notDone,
    failed_step: failed.step,
    error: failed.error,
    recorded_incomplete: recorded,
    next: `Fix the cause, then plan ${name} again and apply: the plan lists only what is still missing (${notDone.join(', ')}) and creates nothing twice`,
  };
}

/** The error as the result reports it, its code first when it has one (e.g. STATE_CHANGED), so agents can branch on it. */
function messageOf(error: unknown): string {
  if (error instanceof ToolError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** The grants of the gateway's principals as the workspace reports them now. */
async function reportGrants(workspace: Workspace, desired: TargetDesired, signal?: AbortSignal): Promise<GrantReport[]> {
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

function inferenceLocation(request: ProvisionRequest, state: LoadedState): { catalog: string; schema: string } {
  const fromState = ucLocation(state.data.uc_catalog_schema);
  const catalog = request.catalog ?? fromState?.catalog;
  const schema = request.schema ?? fromState?.schema;
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
export function ucLocation(value: unknown): { catalog?: string; schema?: string } | undefined {
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

function recordedTarget(state: LoadedState): TargetKind | undefined {
  const foundation = state.data.Foundation;
  const target = isRecord(foundation) && isRecord(foundation.f4_gateway) ? foundation.f4_gateway.target : undefined;
  return target === 'serving_endpoint' || target === 'model_service' ? target : undefined;
}

/** The alert id the state file records for this gateway (its record names the same endpoint or service). */
function recordedAlert(state: LoadedState, name: string): string | undefined {
  const foundation = state.data.Foundation;
  const record = isRecord(foundation) && isRecord(foundation.f4_gateway) ? foundation.f4_gateway : undefined;
  if (!record || (record.endpoint_name !== name && record.service_name !== name)) return undefined;
  return typeof record.alert_id === 'string' ? record.alert_id : undefined;
}

function recordedForm(state: LoadedState): GatewayForm | undefined {
  const foundation = state.data.Foundation;
  const form = isRecord(foundation) && isRecord(foundation.f4_gateway) ? foundation.f4_gateway.form : undefined;
  return form === 'dedicated' || form === 'attach' || form === 'provisioned' ? form : undefined;
}

function remainingSteps(plan: Plan): string[] {
  const steps = ['wait for config_update NOT_UPDATING'];
  if (plan.steps.grants.length > 0) steps.push('grants');
  if (plan.changes.some((c) => c.path.startsWith('/alert'))) steps.push('alert');
  if (plan.steps.recordState) steps.push('state file record');
  return steps;
}
