/**
 * "An SQL alert fires on elevated 429 / 5xx from the gateway": an ACTIVE Alerts v2 alert whose query is this
 * product's 429/5xx statement for this gateway (the same text, compared by digest, over any window) or that the
 * operator names by id, whose schedule is not paused and whose last evaluation did not error. A query that only
 * mentions the gateway and `status_code` proves nothing (`SELECT 0 AS x -- '<gw>' status_code` would). An alert
 * that was never evaluated yet cannot be judged: that is a wait, not a failure.
 */
import { productStatementWindow, servingAlertStatement } from '../error-alert.js';
import { entry, type ChecklistEntry } from './checklist-items.js';

export interface LiveAlert {
  id?: string;
  display_name?: string;
  query_text?: string;
  lifecycle_state?: string;
  evaluation?: { state?: string; last_evaluated_at?: string };
  schedule?: { quartz_cron_schedule?: string; timezone_id?: string; pause_status?: string };
}

/** Whether an alert watches this gateway: the operator named it, or its query is the product's statement for it. */
export function watchesGateway(alert: LiveAlert, gateway: string, namedAlertId?: string): boolean {
  if (namedAlertId !== undefined) return alert.id === namedAlertId;
  return productStatementWindow(alert.query_text, servingAlertStatement(gateway)) !== undefined;
}

const describe = (a: LiveAlert) => `"${a.display_name ?? a.id}" (${a.id})`;

/** `namedAlertId`: an alert the operator names as this gateway's (a query of their own); else only the product's statement counts. */
export function alertItem(gateway: string, alerts: readonly LiveAlert[], namedAlertId?: string): ChecklistEntry {
  const item = 'error-alert';
  const create = `Create one: create_gateway with alert (it plans and applies a SQL alert on the gateway's 429/5xx share); for an alert with a query of your own, pass its id as alert_id`;
  const watching = alerts.filter((a) => a.lifecycle_state === 'ACTIVE' && watchesGateway(a, gateway, namedAlertId));
  if (watching.length === 0) {
    const evidence = namedAlertId
      ? `no ACTIVE SQL alert visible to this principal has the id ${namedAlertId}`
      : `none of the ${alerts.length} ACTIVE SQL alert(s) visible to this principal runs the 429/5xx statement create_gateway writes for ${gateway}`;
    return entry(item, 'fail', evidence, create, { alerts_visible: alerts.length });
  }
  const details = {
    alerts: watching.map((a) => ({ id: a.id, display_name: a.display_name, state: a.evaluation?.state, last_evaluated_at: a.evaluation?.last_evaluated_at, schedule: a.schedule?.quartz_cron_schedule, paused: a.schedule?.pause_status === 'PAUSED' })),
  };
  const running = watching.filter((a) => a.schedule?.pause_status !== 'PAUSED');
  if (running.length === 0) {
    return entry(item, 'fail', `${watching.map(describe).join(', ')} watch ${gateway} but their schedules are PAUSED`, 'Unpause the alert schedule (schedule.pause_status UNPAUSED)', details);
  }
  const healthy = running.find((a) => a.evaluation?.last_evaluated_at && (a.evaluation.state === 'OK' || a.evaluation.state === 'TRIGGERED'));
  if (healthy) {
    return entry(item, 'pass', `${describe(healthy)} is ACTIVE on ${gateway}; its last evaluation at ${healthy.evaluation!.last_evaluated_at} was ${healthy.evaluation!.state}`, 'Nothing to do', details);
  }
  const errored = running.filter((a) => a.evaluation?.state === 'ERROR');
  if (errored.length === running.length) {
    return entry(item, 'fail', `${errored.map(describe).join(', ')} watch ${gateway} but their last evaluation errored (at ${errored[0]!.evaluation?.last_evaluated_at ?? '?'})`, "Open the alert and run its query as its run-as principal: that principal needs CAN USE on the warehouse and SELECT on the usage tables; fix the query or the grants", details);
  }
  const pending = running.filter((a) => !a.evaluation?.last_evaluated_at);
  if (pending.length > 0) {
    return entry(item, 'unknown', `${pending.map(describe).join(', ')} watch ${gateway} but have not been evaluated yet`, `Wait for the first scheduled run (${pending[0]!.schedule?.quartz_cron_schedule ?? 'see its schedule'}), then check again`, details);
  }
  return entry(item, 'fail', `${running.map(describe).join(', ')} watch ${gateway} but evaluate to UNKNOWN (an empty result with empty_result_state UNKNOWN)`, 'Set evaluation.empty_result_state to OK, so a quiet gateway reads as healthy rather than unknown', details);
}
