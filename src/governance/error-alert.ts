/**
 * The gateway's SQL alert (Alerts v2) on elevated 429/5xx, the F4 checklist's last item: the alert F4 wants,
 * and how it differs from the one the workspace holds. Its query is the errors report's (usage/usage-reports.ts)
 * over a trailing window; it triggers when the share of 429 and 5xx answers exceeds the threshold. Which live
 * alert is the gateway's is decided by identities the product controls (alert-provisioning.ts): the id the state
 * file records, else an alert of its display name owned by the caller whose query is this product's statement
 * for this gateway (`productStatementWindow`), never an alert of that name alone. Pure.
 */
import { createHash } from '../shared/lazy-crypto.js';
import type { Change } from './plan-diff.js';
import { diff, canonical } from './plan-diff.js';
import { errorShareSql } from './usage/usage-reports.js';
import { servingSource } from './usage/usage-sources.js';

export interface AlertSettings {
  /** Share of requests (0..1) answered 429 or 5xx over the window above which the alert triggers. */
  threshold: number;
  windowMinutes: number;
  /** Quartz cron schedule and its time zone. */
  schedule: string;
  timezone: string;
  /** E-mail addresses notified when it triggers (and when it is back to OK). */
  subscribers: string[];
  /** Application id of the service principal the alert runs as; absent: the caller. */
  runAs?: string;
}

export const DEFAULT_ALERT = { threshold: 0.05, windowMinutes: 60, schedule: '0 0/5 * * * ?', timezone: 'UTC' } as const;

/** The fields of an alert the gateway manages, as the API takes them. */
export interface DesiredAlert {
  display_name: string;
  query_text: string;
  warehouse_id: string;
  evaluation: {
    source: { name: string; display: string };
    comparison_operator: 'GREATER_THAN';
    threshold: { value: { double_value: number } };
    empty_result_state: 'OK';
    notification: { subscriptions: Array<{ user_email: string }>; notify_on_ok: boolean; retrigger_seconds: number };
  };
  schedule: { quartz_cron_schedule: string; timezone_id: string; pause_status: 'UNPAUSED' };
  run_as?: { service_principal_name: string };
}

/** What the plan and apply need of an alert the workspace holds. */
export interface LiveAlertState {
  id?: string;
  display_name?: string;
  query_text?: string;
  warehouse_id?: string;
  evaluation?: Record<string, unknown>;
  schedule?: Record<string, unknown>;
  run_as?: Record<string, unknown>;
  effective_run_as?: Record<string, unknown>;
}

/** One alert per gateway, named after it: the display name is how a later plan finds it again. */
export const alertDisplayName = (gateway: string) => `AI Gateway ${gateway}: 429/5xx share`;

/** The product's alert statement for one gateway over a window of `minutes`: the query text, and its result column. */
export type AlertStatement = (minutes: number) => { sql: string; column: string };

/** A serving endpoint's statement: usage from system.serving. */
export const servingAlertStatement = (gateway: string): AlertStatement => (minutes) => errorShareSql(servingSource(), gateway, minutes);

/**
 * The window of `queryText` when it is exactly the product's statement for this gateway (over any window), else
 * undefined: a query that merely mentions the gateway and `status_code` is not one.
 */
export function productStatementWindow(queryText: string | undefined, statement: AlertStatement): number | undefined {
  const match = /INTERVAL (\d{1,5}) MINUTES/.exec(queryText ?? '');
  if (!match) return undefined;
  const minutes = Number(match[1]);
  try {
    return minutes >= 1 && alertDigest(statement(minutes).sql) === alertDigest(queryText) ? minutes : undefined;
  } catch {
    // A gateway name the statement cannot carry: no query can be its statement.
    return undefined;
  }
}

export function desiredAlert(gateway: string, settings: AlertSettings, warehouseId: string, statement: AlertStatement = servingAlertStatement(gateway)): DesiredAlert {
  const { sql, column } = statement(settings.windowMinutes);
  return {
    display_name: alertDisplayName(gateway),
    query_text: sql,
    warehouse_id: warehouseId,
    evaluation: {
      source: { name: column, display: `429/5xx share over ${settings.windowMinutes} min` },
      comparison_operator: 'GREATER_THAN',
      threshold: { value: { double_value: settings.threshold } },
      // A gateway with no traffic in the window has a share of 0, which is OK; an empty result is not expected.
      empty_result_state: 'OK',
      notification: { subscriptions: settings.subscribers.map((user_email) => ({ user_email })), notify_on_ok: true, retrigger_seconds: 3600 },
    },
    schedule: { quartz_cron_schedule: settings.schedule, timezone_id: settings.timezone, pause_status: 'UNPAUSED' },
    ...(settings.runAs ? { run_as: { service_principal_name: settings.runAs } } : {}),
  };
}

/** The managed fields of a live alert, shaped like DesiredAlert so the two compare field by field. */
function managed(live: LiveAlertState, desired: DesiredAlert): Record<string, unknown> {
  const evaluation = live.evaluation ?? {};
  const schedule = live.schedule ?? {};
  const notification = (evaluation.notification ?? {}) as Record<string, unknown>;
  return {
    display_name: live.display_name,
    query_text: live.query_text,
    warehouse_id: live.warehouse_id,
    evaluation: {
      source: evaluation.source,
      comparison_operator: evaluation.comparison_operator,
      threshold: evaluation.threshold,
      empty_result_state: evaluation.empty_result_state,
      notification: { subscriptions: notification.subscriptions ?? [], notify_on_ok: notification.notify_on_ok, retrigger_seconds: notification.retrigger_seconds },
    },
    schedule: { quartz_cron_schedule: schedule.quartz_cron_schedule, timezone_id: schedule.timezone_id, pause_status: schedule.pause_status ?? 'UNPAUSED' },
    // run_as is compared only when the plan sets it: without it the alert runs as whoever applies the plan.
    ...(desired.run_as ? { run_as: { service_principal_name: (live.run_as ?? live.effective_run_as)?.service_principal_name } } : {}),
  };
}

export interface AlertPlan {
  action: 'create' | 'update' | 'none';
  changes: Change[];
  /** The top-level fields a PATCH sends in `update_mask`. */
  updateMask: string[];
}

export function planAlert(desired: DesiredAlert, live: LiveAlertState | undefined): AlertPlan {
  if (!live) return { action: 'create', changes: [{ path: '/alert', from: null, to: desired }], updateMask: [] };
  const changes = diff(managed(live, desired), desired, '/alert');
  const updateMask = [...new Set(changes.map((c) => c.path.split('/')[2]!))];
  return { action: changes.length ? 'update' : 'none', changes, updateMask };
}

export function alertDigest(value: unknown): string {
  return createHash('sha256').update(canonical(value ?? null)).digest('base64url');
}
