/**
 * The gateway's SQL alert as a provisioning step: check its settings, find the gateway's own alert, plan what to
 * change, and create or PATCH it on apply. Provisioning calls this in one place; the alert it asks for is
 * governance/error-alert.ts.
 *
 * Which live alert is the gateway's is decided only by what the product controls: the id the state file
 * recorded when the alert was made, else an ACTIVE alert of the gateway's display name that the caller owns and
 * whose query is this product's statement for this gateway. An alert of that name owned by someone else, or
 * with another query, is never adopted or changed; duplicates are reported in the plan, not fatal.
 */
import type { Alert } from '../databricks/alerts.api.js';
import { DatabricksError } from '../databricks/databricks-errors.js';
import { isUncertainOutcome } from '../databricks/rest-client.js';
import { workspaceWarehouse } from '../databricks/sql-workspace.js';
import type { Workspace } from '../databricks/workspace-clients.js';
import { ToolError } from '../shared/tool-error.js';
import { SqlParams } from '../shared/sql-statement.js';
import { scheduleFindings } from '../governance/alert-schedule.js';
import { alertDigest, desiredAlert, planAlert, productStatementWindow, servingAlertStatement, type AlertPlan, type AlertSettings, type AlertStatement, type DesiredAlert } from '../governance/error-alert.js';
import type { Plan } from '../governance/plan-diff.js';
import type { Finding } from '../governance/rules/rule-types.js';
import { serviceErrorShareSql } from '../governance/usage/usage-reports.js';
import { AI_GATEWAY_USAGE, columnsStatement, mapColumns, type ColumnInfo } from '../governance/usage/usage-sources.js';
import type { Runtime } from '../runtime/process-runtime.js';
import type { TargetKind } from './gateway-target.js';

export interface AlertRequest extends AlertSettings {
  /** The warehouse the alert's query runs on; default the workspace's configured warehouse. */
  warehouseId?: string;
}

export interface PreparedAlert {
  settings: AlertSettings;
  desired: DesiredAlert;
  /** The ACTIVE alert of this gateway, when there is one. */
  live?: Alert;
  plan: AlertPlan;
  /** What the plan must say about alerts of this name that are not the gateway's, or duplicates of it. */
  warnings: string[];
  /** The product's statement for this gateway (over any window), to recognise its alert after a lost answer. */
  statement: AlertStatement;
  /** Who applies: alerts found by name must be theirs. */
  owner?: string;
}

/** Where the gateway's alert is looked for. */
export interface AlertContext {
  target: TargetKind;
  /** The alert id `Foundation.f4_gateway.alert_id` records for this gateway. */
  recordedId?: string;
}

/** What the result shows of the alert. */
export interface AlertReport {
  id?: string;
  display_name: string;
  action: AlertPlan['action'];
  lifecycle_state?: string;
  /** OK, TRIGGERED, ERROR or UNKNOWN (not evaluated yet). */
  evaluation_state?: string;
  last_evaluated_at?: string;
  schedule: string;
  threshold: number;
  window_minutes: number;
}

/**
 * Errors in the alert's settings that the workspace would only refuse at apply, after the gateway is made: the
 * Quartz schedule (and at least a minute between runs), the time zone, and `run_as`, asked of the workspace.
 */
export async function alertSettingFindings(workspace: Workspace, settings: AlertSettings, signal: AbortSignal): Promise<Finding[]> {
  const findings = scheduleFindings(settings.schedule, settings.timezone);
  if (settings.runAs && !(await workspace.identity.servicePrincipalExists(settings.runAs, signal))) {
    findings.push({
      rule: 'alert.run-as',
      severity: 'error',
      path: '/alert/run_as',
      message: `${settings.runAs} is not the application id of an active service principal in this workspace (SCIM ServicePrincipals lists none)`,
      fix: 'Pass the application id of an existing service principal (Settings → Identity and access → Service principals), or leave alert.run_as out',
    });
  }
  return findings;
}

export async function prepareAlert(runtime: Runtime, workspace: Workspace, gateway: string, request: AlertRequest, context: AlertContext, signal: AbortSignal): Promise<PreparedAlert> {
  const warehouseId = request.warehouseId ?? workspace.config.warehouseId;
  if (!warehouseId) {
    throw new ToolError(
      'The 429/5xx alert needs a SQL warehouse',
      'a SQL alert runs its query on a warehouse, and none was named',
      'Pass alert.warehouse_id, or set DATABRICKS_WAREHOUSE_ID (or warehouse_id in the profile)',
      'WAREHOUSE_NOT_CONFIGURED',
    );
  }
  const statement = context.target === 'model_service' ? await modelServiceStatement(runtime, gateway, warehouseId, signal) : servingAlertStatement(gateway);
  const desired = desiredAlert(gateway, request, warehouseId, statement);
  const owner = await whoAmI(workspace, signal);
  const found = await findAlert(workspace, { displayName: desired.display_name, statement, owner, recordedId: context.recordedId }, signal);
  return { settings: request, desired, live: found.live, plan: planAlert(desired, found.live), warnings: found.warnings, statement, owner };
}

/**
 * A model service's rows are in system.ai_gateway.usage under the column that names the service; that table's
 * columns vary by release, so they are read from information_schema (as query_usage does) when the plan is made.
 */
async function modelServiceStatement(runtime: Runtime, service: string, warehouseId: string, signal: AbortSignal): Promise<AlertStatement> {
  const { warehouse } = workspaceWarehouse(runtime, warehouseId);
  const columns = (await warehouse.query(columnsStatement(AI_GATEWAY_USAGE, new SqlParams()), { signal })) as unknown as ColumnInfo[];
  const map = mapColumns(AI_GATEWAY_USAGE, columns);
  const serviceColumn = columns.find((c) => c.column_name.toLowerCase() === 'service_name')?.column_name;
  if (!serviceColumn || !map.status_code) {
    throw new ToolError(
      `The 429/5xx alert of ${service} cannot be written for this workspace`,
      `system.ai_gateway.usage has no ${!serviceColumn ? 'service_name column (the column that names the model service a request called)' : 'status code column'} visible to this principal`,
      'Check SELECT on system.ai_gateway (USE SCHEMA and SELECT), or leave alert out and watch the service with query_usage',
      'USAGE_SOURCE_UNSUPPORTED',
    );
  }
  return (minutes) => serviceErrorShareSql({ table: AI_GATEWAY_USAGE, time: map.request_time, status: map.status_code!, service: serviceColumn }, service, minutes);
}

/** The caller's user name, as Alerts v2 records owners; undefined when SCIM does not answer (then nothing is adopted by name). */
async function whoAmI(workspace: Workspace, signal: AbortSignal): Promise<string | undefined> {
  try {
    return await workspace.identity.me(signal);
  } catch (error) {
    if (error instanceof DatabricksError && (error.status === 403 || error.status === 404)) return undefined;
    throw error;
  }
}

interface AlertSearch {
  displayName: string;
  statement: AlertStatement;
  owner?: string;
  recordedId?: string;
}

async function findAlert(workspace: Workspace, search: AlertSearch, signal: AbortSignal): Promise<{ live?: Alert; warnings: string[] }> {
  const active = (await workspace.alerts.list(signal)).filter((a) => a.lifecycle_state === 'ACTIVE');
  const recorded = search.recordedId ? active.find((a) => a.id === search.recordedId) : undefined;
  if (recorded) return { live: recorded, warnings: [] };
  const named = active.filter((a) => a.display_name === search.displayName);
  const ours = named.filter((a) => search.owner !== undefined && a.owner_user_name === search.owner && productStatementWindow(a.query_text, search.statement) !== undefined);
  const warnings: string[] = [];
  const foreign = named.filter((a) => !ours.includes(a));
  if (foreign.length) {
    const who = foreign.map((a) => `${a.id} (owner ${String(a.owner_user_name ?? 'unknown')})`).join(', ');
    warnings.push(`SQL alert(s) named "${search.displayName}" that are not this gateway's were left alone: ${who}. Only an alert the state file records, or one you own whose query is this product's statement for the gateway, is managed here.`);
  }
  if (ours.length > 1) {
    warnings.push(`${ours.length} alerts of this gateway exist (${ours.map((a) => a.id).join(', ')}); this plan manages ${ours[0]!.id}. Move the others to the trash (DELETE /api/2.0/alerts/{id}) so only one notifies.`);
  }
  return { live: ours[0], warnings };
}

/** The gateway's plan with the alert's changes added: the endpoint's action stays the endpoint's. */
export function withAlertChanges(plan: Plan, alert: PreparedAlert | undefined): Plan {
  return alert ? { ...plan, changes: [...plan.changes, ...alert.plan.changes], warnings: [...plan.warnings, ...alert.warnings] } : plan;
}

/** Digests the plan id binds: the alert the plan makes true, and the live alert it was planned against. */
export function alertDigests(alert: PreparedAlert | undefined): { plan: string; live: string } {
  return { plan: alertDigest(alert?.desired), live: alertDigest(alert ? { id: alert.live?.id ?? null, changes: alert.plan.changes } : null) };
}

export async function applyAlert(workspace: Workspace, alert: PreparedAlert, signal: AbortSignal): Promise<AlertReport> {
  const { desired, live, plan } = alert;
  if (plan.action === 'none' && live) return alertReport(live, 'none', alert);
  if (plan.action === 'update' && live?.id) {
    const fields = Object.fromEntries(plan.updateMask.map((field) => [field, (desired as unknown as Record<string, unknown>)[field]]));
    return alertReport(await workspace.alerts.update(live.id, fields, plan.updateMask, signal), 'update', alert);
  }
  try {
    return alertReport(await workspace.alerts.create({ ...desired }, signal), 'create', alert);
  } catch (error) {
    if (!isUncertainOutcome(error)) throw error;
    // The answer was lost: the alert may exist already. Look before anyone tries again.
    const found = await findAlert(workspace, { displayName: desired.display_name, statement: alert.statement, owner: alert.owner }, signal);
    if (!found.live) throw error;
    return alertReport(found.live, 'create', alert);
  }
}

export function alertReport(live: Alert, action: AlertPlan['action'], alert: PreparedAlert): AlertReport {
  return {
    ...(live.id ? { id: live.id } : {}),
    display_name: alert.desired.display_name,
    action,
    ...(live.lifecycle_state ? { lifecycle_state: live.lifecycle_state } : {}),
    ...(live.evaluation?.state ? { evaluation_state: live.evaluation.state } : {}),
    ...(live.evaluation?.last_evaluated_at ? { last_evaluated_at: live.evaluation.last_evaluated_at } : {}),
    schedule: `${alert.desired.schedule.quartz_cron_schedule} (${alert.desired.schedule.timezone_id})`,
    threshold: alert.settings.threshold,
    window_minutes: alert.settings.windowMinutes,
  };
}
