import { describe, expect, it } from 'vitest';
import { servingAlertStatement } from '../error-alert.js';
import { alertItem, type LiveAlert } from './alert-item.js';
import { configItems } from './checklist-items.js';
import { frontedEndpoints } from './traffic.js';
import { visibilityItem } from './visibility.js';

const GW = 'skyloyalty-ai-gateway';
const watching = (over: Partial<LiveAlert> = {}): LiveAlert => ({
  id: 'a1',
  display_name: 'gw errors',
  lifecycle_state: 'ACTIVE',
  query_text: servingAlertStatement(GW)(60).sql,
  evaluation: { state: 'OK', last_evaluated_at: '2026-12-01T10:00:00Z' },
  schedule: { quartz_cron_schedule: '0 0/5 * * * ?', pause_status: 'UNPAUSED' },
  ...over,
});

describe('the error-alert item', () => {
  it.each([
    ['no alert', [], 'fail'],
    ['an alert on another gateway', [watching({ query_text: "SELECT status_code FROM t WHERE endpoint_name = 'other'" })], 'fail'],
    ['a trashed alert', [watching({ lifecycle_state: 'DELETED' })], 'fail'],
    ['a paused alert', [watching({ schedule: { pause_status: 'PAUSED' } })], 'fail'],
    ['an alert whose last run errored', [watching({ evaluation: { state: 'ERROR', last_evaluated_at: '2026-12-01T10:00:00Z' } })], 'fail'],
    ['an alert never evaluated', [watching({ evaluation: { state: 'UNKNOWN' } })], 'unknown'],
    ['an alert that is OK', [watching()], 'pass'],
    ['an alert that TRIGGERED', [watching({ evaluation: { state: 'TRIGGERED', last_evaluated_at: '2026-12-01T10:00:00Z' } })], 'pass'],
  ])('%s → %s', (_case, alerts, status) => {
    expect(alertItem(GW, alerts as LiveAlert[]).status).toBe(status);
  });

  it('recognises the product statement for the gateway over any window', () => {
    expect(alertItem(GW, [watching({ query_text: servingAlertStatement(GW)(15).sql })]).status).toBe('pass');
  });

  it.each([
    ['a decoy that only mentions the gateway and status_code', `SELECT 0 AS x -- '${GW}' status_code`],
    ['a query that reads the gateway\'s status codes in its own words', `SELECT count_if(status_code >= 500) / count(*) AS error_share FROM system.serving.endpoint_usage WHERE endpoint_name = '${GW}'`],
    ['the product statement with a clause added', `${servingAlertStatement(GW)(60).sql} UNION ALL SELECT 0, 0, 0, 0, 0, 0`],
    ['the product statement for another gateway', servingAlertStatement('other-gw')(60).sql],
  ])('does not pass on %s', (_case, query_text) => {
    expect(alertItem(GW, [watching({ query_text })]).status).toBe('fail');
  });

  it('passes on an alert the operator names by id, whatever its query, and on that one only', () => {
    const own = watching({ id: 'mine', query_text: 'SELECT 0.01 AS error_share' });
    expect(alertItem(GW, [own], 'mine').status).toBe('pass');
    expect(alertItem(GW, [watching()], 'mine')).toMatchObject({ status: 'fail', evidence: expect.stringContaining('has the id mine') });
  });
});

describe('the inference-tables-visible item', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const base = { gateway: GW, now, table: 'workshop.skyloyalty_ops.gw_payload' };
  it.each([
    ['rows logged', { ...base, firstRequest: new Date('2026-12-01T11:55:00Z'), logged: { rows: 3 } }, 'pass'],
    ['no traffic yet', { ...base, firstRequest: null, logged: { rows: 0 } }, 'unknown'],
    ['first request 10 minutes ago, nothing logged', { ...base, firstRequest: new Date('2026-12-01T11:50:00Z'), tableProblem: 'not listed' }, 'unknown'],
    ['first request 45 minutes ago, nothing logged', { ...base, firstRequest: new Date('2026-12-01T11:15:00Z'), logged: { rows: 0 } }, 'fail'],
    ['usage unreadable, nothing logged', { ...base, firstRequestProblem: 'permission denied', logged: { rows: 0 } }, 'unknown'],
    ['inference tables off', { gateway: GW, now }, 'fail'],
  ])('%s → %s', (_case, evidence, status) => {
    expect(visibilityItem(evidence).status).toBe(status);
  });
});

describe('config items', () => {
  it('without a state file, the audit and halt items are unknown, not passed', () => {
    const items = configItems({ endpoint: GW, aiGateway: {}, findings: [] });
    expect(items.find((e) => e.item === 'audited-entities')?.status).toBe('unknown');
    expect(items.find((e) => e.item === 'halt-rule')?.status).toBe('unknown');
  });

  it('an error finding fails its item with the finding as evidence', () => {
    const findings = [{ rule: 'f4.rate-limits', severity: 'error' as const, path: '/ai_gateway/rate_limits', message: 'no rate limit is configured', fix: 'Add one' }];
    expect(configItems({ endpoint: GW, aiGateway: {}, findings }).find((e) => e.item === 'rate-limits')).toMatchObject({ status: 'fail', evidence: 'no rate limit is configured', fix: 'Add one' });
  });

  it('grants that could not be read make the ops item unknown', () => {
    const aiGateway = { inference_table_config: { enabled: true, catalog_name: 'main', schema_name: 'ops' } };
    const item = configItems({ endpoint: GW, aiGateway, findings: [], grantsProblem: '403' }).find((e) => e.item === 'ops-grants');
    expect(item?.status).toBe('unknown');
  });

  it('without inference tables there is nothing for the ops team to read', () => {
    expect(configItems({ endpoint: GW, aiGateway: {}, findings: [] }).find((e) => e.item === 'ops-grants')?.status).toBe('fail');
  });
});

it('fronted endpoints are the external models of provider databricks-model-serving', () => {
  expect(
    frontedEndpoints([
      { name: 'a', external_model: { name: 'databricks-claude-sonnet-4-6', provider: 'databricks-model-serving' } },
      { name: 'b', external_model: { name: 'gpt-5', provider: 'openai' } },
      { name: 'c', entity_name: 'system.ai.gpt-oss-120b' },
    ]),
  ).toEqual(['databricks-claude-sonnet-4-6']);
});
