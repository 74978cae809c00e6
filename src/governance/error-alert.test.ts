import { describe, expect, it } from 'vitest';
import { alertDigest, alertDisplayName, DEFAULT_ALERT, desiredAlert, planAlert, productStatementWindow, servingAlertStatement, type AlertStatement, type LiveAlertState } from './error-alert.js';

const settings = { ...DEFAULT_ALERT, subscribers: ['ops@example.com', 'oncall@example.com'] };

/** The alert as a GET returns it after a create with `desired`: server fields added, defaults spelled out. */
function asLive(desired: ReturnType<typeof desiredAlert>): LiveAlertState {
  return {
    id: 'alert-1',
    ...structuredClone(desired),
    schedule: { ...desired.schedule },
    evaluation: { ...structuredClone(desired.evaluation), state: 'OK', last_evaluated_at: '2026-11-27T10:00:00Z' },
    effective_run_as: { user_name: 'me@example.com' },
  } as LiveAlertState;
}

describe('desiredAlert', () => {
  it('names the alert after the gateway and triggers above the 429/5xx share over the window', () => {
    const alert = desiredAlert('gw', { ...settings, threshold: 0.1, windowMinutes: 30 }, 'wh-1');
    expect(alert.display_name).toBe(alertDisplayName('gw'));
    expect(alertDisplayName('gw')).toBe('AI Gateway gw: 429/5xx share');
    expect(alert.warehouse_id).toBe('wh-1');
    expect(alert.query_text).toContain("'gw'");
    expect(alert.query_text).toMatch(/30/);
    expect(alert.evaluation).toMatchObject({
      source: { display: '429/5xx share over 30 min' },
      comparison_operator: 'GREATER_THAN',
      threshold: { value: { double_value: 0.1 } },
      empty_result_state: 'OK',
      notification: { subscriptions: [{ user_email: 'ops@example.com' }, { user_email: 'oncall@example.com' }], notify_on_ok: true, retrigger_seconds: 3600 },
    });
    expect(alert.schedule).toEqual({ quartz_cron_schedule: '0 0/5 * * * ?', timezone_id: 'UTC', pause_status: 'UNPAUSED' });
    expect(alert).not.toHaveProperty('run_as');
    expect(desiredAlert('gw', { ...settings, runAs: 'sp-app-id' }, 'wh-1').run_as).toEqual({ service_principal_name: 'sp-app-id' });
  });
});

describe('planAlert', () => {
  const desired = desiredAlert('gw', settings, 'wh-1');

  it('creates the alert when the workspace has none', () => {
    expect(planAlert(desired, undefined)).toEqual({ action: 'create', changes: [{ path: '/alert', from: null, to: desired }], updateMask: [] });
  });

  it('plans nothing for the alert a create left, whatever the server added', () => {
    expect(planAlert(desired, asLive(desired))).toEqual({ action: 'none', changes: [], updateMask: [] });
    const { pause_status: _omitted, ...scheduleWithoutPause } = desired.schedule;
    expect(planAlert(desired, { ...asLive(desired), schedule: scheduleWithoutPause }).action).toBe('none');
  });

  it('updates only the fields that differ, each named in the update mask once', () => {
    const live = asLive(desired);
    live.warehouse_id = 'wh-old';
    live.evaluation = { ...live.evaluation, threshold: { value: { double_value: 0.5 } }, notification: { subscriptions: [], notify_on_ok: true, retrigger_seconds: 3600 } };
    const plan = planAlert(desired, live);
    expect(plan.action).toBe('update');
    expect(plan.updateMask).toEqual(['evaluation', 'warehouse_id']);
    expect(plan.changes).toContainEqual({ path: '/alert/warehouse_id', from: 'wh-old', to: 'wh-1' });
    expect(plan.changes).toContainEqual({ path: '/alert/evaluation/threshold/value/double_value', from: 0.5, to: 0.05 });
  });

  it('resumes a paused alert and rewrites a changed query', () => {
    const live = { ...asLive(desired), query_text: 'SELECT 0 AS share', schedule: { ...desired.schedule, pause_status: 'PAUSED' } };
    const plan = planAlert(desired, live);
    expect(plan.updateMask).toEqual(['query_text', 'schedule']);
    expect(plan.changes).toContainEqual({ path: '/alert/schedule/pause_status', from: 'PAUSED', to: 'UNPAUSED' });
  });

  it('compares who the alert runs as only when the plan sets it, reading the effective identity too', () => {
    const withRunAs = desiredAlert('gw', { ...settings, runAs: 'sp-app-id' }, 'wh-1');
    const live = asLive(desired);
    expect(planAlert(desired, live).action).toBe('none');
    expect(planAlert(withRunAs, live)).toMatchObject({ action: 'update', updateMask: ['run_as'] });
    expect(planAlert(withRunAs, { ...live, effective_run_as: { service_principal_name: 'sp-app-id' } }).action).toBe('none');
    expect(planAlert(withRunAs, { ...live, run_as: { service_principal_name: 'sp-app-id' }, effective_run_as: undefined }).action).toBe('none');
  });
});

describe('planAlert on sparse live alerts', () => {
  it('reads a live alert without subscriptions as notifying no one', () => {
    const quiet = desiredAlert('gw', { ...settings, subscribers: [] }, 'wh-1');
    const live = asLive(quiet);
    live.evaluation = { ...live.evaluation, notification: { notify_on_ok: true, retrigger_seconds: 3600 } };
    expect(planAlert(quiet, live).action).toBe('none');
  });

  it('sets the run-as identity on an alert that reports none', () => {
    const withRunAs = desiredAlert('gw', { ...settings, runAs: 'sp-app-id' }, 'wh-1');
    const { effective_run_as: _none, ...live } = asLive(desiredAlert('gw', settings, 'wh-1'));
    expect(planAlert(withRunAs, live)).toEqual({ action: 'update', changes: [{ path: '/alert/run_as/service_principal_name', from: null, to: 'sp-app-id' }], updateMask: ['run_as'] });
  });
});

describe('productStatementWindow', () => {
  it('reads the window of the product statement back', () => {
    expect(productStatementWindow(servingAlertStatement('gw')(15).sql, servingAlertStatement('gw'))).toBe(15);
  });

  it('never takes a zero-minute window, even from a statement that would write one', () => {
    const lenient: AlertStatement = (minutes) => ({ sql: `SELECT share WHERE t > now() - INTERVAL ${minutes} MINUTES`, column: 'share' });
    expect(productStatementWindow(lenient(1).sql, lenient)).toBe(1);
    expect(productStatementWindow(lenient(0).sql, lenient)).toBeUndefined();
  });

  it('matches nothing for a gateway name the statement cannot carry', () => {
    expect(productStatementWindow('SELECT 1 -- INTERVAL 60 MINUTES', servingAlertStatement("gw' OR '1'='1"))).toBeUndefined();
  });
});

describe('alertDigest', () => {
  it('is the same for equal values whatever their key order, and differs otherwise', () => {
    expect(alertDigest({ a: 1, b: [1, 2] })).toBe(alertDigest({ b: [1, 2], a: 1 }));
    expect(alertDigest({ a: 1 })).not.toBe(alertDigest({ a: 2 }));
    expect(alertDigest(undefined)).toBe(alertDigest(null));
  });
});
