/** The error-alert item's exact evidence and fix for each state of the alerts that watch the gateway. */
import { describe, expect, it } from 'vitest';
import { alertItem, watchesGateway, type LiveAlert } from './alert-item.js';

const watching = (over: Partial<LiveAlert> = {}): LiveAlert => ({
  id: 'a1',
  display_name: 'gw errors',
  lifecycle_state: 'ACTIVE',
  query_text: "SELECT status_code FROM t WHERE endpoint_name = 'gw'",
  evaluation: { state: 'OK', last_evaluated_at: '2026-12-01T10:00:00Z' },
  schedule: { quartz_cron_schedule: '0 0/5 * * * ?', pause_status: 'UNPAUSED' },
  ...over,
});

describe('alertItem', () => {
  it('fails with no watching alert, saying how to create one', () => {
    expect(alertItem('gw', [watching({ lifecycle_state: 'DELETED' }), watching({ query_text: "SELECT 1 WHERE endpoint_name = 'gw'" })])).toMatchObject({
      status: 'fail',
      evidence: "none of the 2 ACTIVE SQL alert(s) visible to this principal queries gw's status codes",
      fix: "Create one: create_gateway with alert (it plans and applies a SQL alert on the gateway's 429/5xx share), or an Alerts v2 alert on the query_usage errors SQL filtered to gw",
      details: { alerts_visible: 2 },
    });
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

describe('watchesGateway', () => {
  it.each([
    ["SELECT status_code WHERE endpoint_name = 'gw'", undefined, true],
    ["select STATUS_CODE where endpoint_name = 'gw'", undefined, true],
    ["SELECT status_code WHERE endpoint_name = 'gw2'", undefined, false],
    ['SELECT status_code FROM Cat.Ops.GW_PAYLOAD', 'cat.ops.gw_payload', true],
    ['SELECT count(*) FROM cat.ops.gw_payload', 'cat.ops.gw_payload', false],
    ["SELECT status_code WHERE endpoint_name = gw", undefined, false],
  ])('%j (payload table %s) → %s', (query_text, table, watches) => {
    expect(watchesGateway({ query_text }, 'gw', table)).toBe(watches);
  });

  it('reads an alert without query text as watching nothing', () => {
    expect(watchesGateway({}, 'gw')).toBe(false);
  });
});
