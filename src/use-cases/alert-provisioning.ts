/**
 * The gateway's SQL alert as a provisioning step: find the ACTIVE alert of this gateway by its display name,
 * plan what to change, and create or PATCH it on apply. Provisioning calls this in one place; the alert it asks
 * for is governance/error-alert.ts.
 */
import type { Alert } from '../databricks/alerts.api.js';
import { isUncertainOutcome } from '../databricks/rest-client.js';
import type { Workspace } from '../databricks/workspace-clients.js';
import { ToolError } from '../shared/tool-error.js';
import { alertDigest, desiredAlert, planAlert, type AlertPlan, type AlertSettings, type DesiredAlert } from '../governance/error-alert.js';
import type { Plan } from '../governance/plan-diff.js';

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

export async function prepareAlert(workspace: Workspace, gateway: string, request: AlertRequest, signal: AbortSignal): Promise<PreparedAlert> {
  const warehouseId = request.warehouseId ?? workspace.config.warehouseId;
  if (!warehouseId) {
    throw new ToolError(
      'The 429/5xx alert needs a SQL warehouse',
      'a SQL alert runs its query on a warehouse, and none was named',
      'Pass alert.warehouse_id, or set DATABRICKS_WAREHOUSE_ID (or warehouse_id in the profile)',
      'WAREHOUSE_NOT_CONFIGURED',
    );
  }
  const desired = desiredAlert(gateway, request, warehouseId);
  const live = await findAlert(workspace, desired.display_name, signal);
  return { settings: request, desired, live, plan: planAlert(desired, live) };
}

async function findAlert(workspace: Workspace, displayName: string, signal: AbortSignal): Promise<Alert | undefined> {
  const named = (await workspace.alerts.list(signal)).filter((a) => a.lifecycle_state === 'ACTIVE' && a.display_name === displayName);
  if (named.length > 1) {
    throw new ToolError(
      `Several ACTIVE SQL alerts are named "${displayName}"`,
      `the gateway's alert is found by its display name, and ${named.map((a) => a.id).join(', ')} all carry it`,
      'Move all but one to the trash (DELETE /api/2.0/alerts/{id}), then plan again',
      'ALERT_AMBIGUOUS',
    );
  }
  return named[0];
}

/** The gateway's plan with the alert's changes added: the endpoint's action stays the endpoint's. */
export function withAlertChanges(plan: Plan, alert: PreparedAlert | undefined): Plan {
  return alert ? { ...plan, changes: [...plan.changes, ...alert.plan.changes] } : plan;
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
    const found = await findAlert(workspace, desired.display_name, signal);
    if (!found) throw error;
    return alertReport(found, 'create', alert);
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
