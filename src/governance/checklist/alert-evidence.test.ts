/** The error-alert item's exact evidence and fix for each state of the alerts that watch the gateway. */
import { describe, expect, it } from 'vitest';
import { servingAlertStatement } from '../error-alert.js';
import { alertItem, watchesGateway, type LiveAlert } from './alert-item.js';

/** The product's own 429/5xx statement for a gateway over a window: the only query text that makes an alert its. */
const statement = (gateway: string, minutes = 60) => servingAlertStatement(gateway)(minutes).sql;

const watching = (over: Partial<LiveAlert> = {}): LiveAlert => ({
  id: 'a1',
  display_name: 'gw errors',
  lifecycle_state: 'ACTIVE',
  query_text: statement('gw'),
  evaluation: { state: 'OK', last_evaluated_at: '2026-12-01T10:00:00Z' },
  schedule: { quartz_cron_schedule: '0 0/5 * * * ?', pause_status: 'UNPAUSED' },
  ...over,
});

describe('alertItem', () => {
  it('fails with no watching alert, saying how to create one', () => {
    expect(alertItem('gw', [watching({ lifecycle_state: 'DELETED' }), watching({ query_text: "SELECT 1 WHERE endpoint_name = 'gw'" })])).toMatchObject({
      status: 'fail',
      evidence: 'none of the 2 ACTIVE SQL alert(s) visible to this principal runs the 429/5xx statement create_gateway writes for gw',
      fix: "Create one: create_gateway with alert (it plans and applies a SQL alert on the gateway's 429/5xx share); for an alert with a query of your own, pass its id as alert_id",
      details: { alerts_visible: 2 },
    });
  });

  it('fails when no ACTIVE alert has the id the operator named, even one running the statement', () => {
    expect(alertItem('gw', [watching(), watching({ id: 'a9', lifecycle_state: 'DELETED' })], 'a9')).toMatchObject({
      status: 'fail',
      evidence: 'no ACTIVE SQL alert visible to this principal has the id a9',
      fix: "Create one: create_gateway with alert (it plans and applies a SQL alert on the gateway's 429/5xx share); for an alert with a query of your own, pass its id as alert_id",
      details: { alerts_visible: 2 },
    });
    expect(alertItem('gw', [watching({ id: 'a9', query_text: 'SELECT 1' })], 'a9')).toMatchObject({ status: 'pass', evidence: '"gw errors" (a9) is ACTIVE on gw; its last evaluation at 2026-12-01T10:00:00Z was OK' });
  });

  it('passes on a healthy alert, with what each watching alert shows', () => {
    const item = alertItem('gw', [watching({ schedule: { pause_status: 'PAUSED' }, id: 'a0', display_name: undefined }), watching({ evaluation: { state: 'TRIGGERED', last_evaluated_at: 't2' } })]);
    expect(item).toMatchObject({ status: 'pass', evidence: '"gw errors" (a1) is ACTIVE on gw; its last evaluation at t2 was TRIGGERED', fix: 'Nothing to do' });
    expect(item.details).toEqual({
      alerts: [
        { id: 'a0', display_name: undefined, state: 'OK', last_evaluated_at: '2026-12-01T10:00:00Z', schedule: undefined, paused: true },
        { id: 'a1', display_name: 'gw errors', state: 'TRIGGERED', last_evaluated_at: 't2', schedule: '0 0/5 * * * ?', paused: false },
      ],
    });
  });

  it('fails when every watching alert is paused', () => {
    expect(alertItem('gw', [watching({ schedule: { pause_status: 'PAUSED' }, display_name: undefined })])).toMatchObject({
      status: 'fail',
      evidence: '"a1" (a1) watch gw but their schedules are PAUSED',
      fix: 'Unpause the alert schedule (schedule.pause_status UNPAUSED)',
    });
  });

  it('fails when every running alert errored', () => {
    expect(alertItem('gw', [watching({ evaluation: { state: 'ERROR', last_evaluated_at: 't1' } }), watching({ id: 'a2', evaluation: { state: 'ERROR' } })])).toMatchObject({
      status: 'fail',
      evidence: '"gw errors" (a1), "gw errors" (a2) watch gw but their last evaluation errored (at t1)',
      fix: 'Open the alert and run its query as its run-as principal: that principal needs CAN USE on the warehouse and SELECT on the usage tables; fix the query or the grants',
    });
    expect(alertItem('gw', [watching({ evaluation: { state: 'ERROR' } })]).evidence).toBe('"gw errors" (a1) watch gw but their last evaluation errored (at ?)');
  });

  it('waits for an alert that has not run yet', () => {
    expect(alertItem('gw', [watching({ evaluation: { state: 'ERROR', last_evaluated_at: 't' } }), watching({ id: 'a2', evaluation: {} })])).toMatchObject({
      status: 'unknown',
      evidence: '"gw errors" (a2) watch gw but have not been evaluated yet',
      fix: 'Wait for the first scheduled run (0 0/5 * * * ?), then check again',
    });
    expect(alertItem('gw', [watching({ evaluation: undefined, schedule: {} })]).fix).toBe('Wait for the first scheduled run (see its schedule), then check again');
  });

  it('fails an alert that evaluates to UNKNOWN on an empty result', () => {
    expect(alertItem('gw', [watching({ evaluation: { state: 'UNKNOWN', last_evaluated_at: 't' } })])).toMatchObject({
      status: 'fail',
      evidence: '"gw errors" (a1) watch gw but evaluate to UNKNOWN (an empty result with empty_result_state UNKNOWN)',
      fix: 'Set evaluation.empty_result_state to OK, so a quiet gateway reads as healthy rather than unknown',
    });
  });
});

describe('alertItem over several alerts, and alerts the API returns without a schedule', () => {
  it('reads an alert without a schedule as running, and says so in its details', () => {
    const item = alertItem('gw', [watching({ schedule: undefined })]);
    expect(item).toMatchObject({ status: 'pass', evidence: '"gw errors" (a1) is ACTIVE on gw; its last evaluation at 2026-12-01T10:00:00Z was OK' });
    expect(item.details).toEqual({ alerts: [{ id: 'a1', display_name: 'gw errors', state: 'OK', last_evaluated_at: '2026-12-01T10:00:00Z', schedule: undefined, paused: false }] });
  });

  it('names every paused, pending or UNKNOWN alert, comma-separated', () => {
    const paused = { schedule: { pause_status: 'PAUSED' } };
    expect(alertItem('gw', [watching(paused), watching({ ...paused, id: 'a2' })]).evidence).toBe('"gw errors" (a1), "gw errors" (a2) watch gw but their schedules are PAUSED');
    const pending = alertItem('gw', [watching({ evaluation: {}, schedule: undefined }), watching({ id: 'a2', evaluation: {} })]);
    expect(pending).toMatchObject({
      status: 'unknown',
      evidence: '"gw errors" (a1), "gw errors" (a2) watch gw but have not been evaluated yet',
      fix: 'Wait for the first scheduled run (see its schedule), then check again',
    });
    const unknown = { evaluation: { state: 'UNKNOWN', last_evaluated_at: 't' } };
    expect(alertItem('gw', [watching(unknown), watching({ ...unknown, id: 'a2' })]).evidence).toBe('"gw errors" (a1), "gw errors" (a2) watch gw but evaluate to UNKNOWN (an empty result with empty_result_state UNKNOWN)');
  });
});

describe('watchesGateway', () => {
  it.each([
    ['the product statement over 60 minutes', statement('gw'), true],
    ['the product statement over another window', statement('gw', 15), true],
    ["another gateway's statement", statement('gw2'), false],
    ['a query that only mentions the gateway and status_code', "SELECT status_code WHERE endpoint_name = 'gw'", false],
    ['a statement with no window', "SELECT status_code FROM t WHERE endpoint_name = 'gw' AND INTERVAL 0 MINUTES", false],
  ])('%s → %s', (_name, query_text, watches) => {
    expect(watchesGateway({ query_text }, 'gw')).toBe(watches);
  });

  it('takes the id the operator named over any query, and only that id', () => {
    expect(watchesGateway({ id: 'a1', query_text: 'SELECT 1' }, 'gw', 'a1')).toBe(true);
    expect(watchesGateway({ id: 'a2', query_text: statement('gw') }, 'gw', 'a1')).toBe(false);
  });

  it('reads an alert without query text as watching nothing', () => {
    expect(watchesGateway({}, 'gw')).toBe(false);
  });
});
