/**
 * The sandbox's SQL alerts (Alerts v2) through undici, against the real DuckDB warehouse: the REST surface is
 * as strict as the API, and evaluation sets OK / TRIGGERED / ERROR from the seeded rows (the incident still
 * under way on skyloyalty-ai-gateway triggers a 5 % threshold on its recent 429/5xx share).
 */
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firesAt, parseCron } from '../../src/sandbox/rest/quartz.js';
import { AGENT_SP } from '../../src/sandbox/seed/seed-catalog.js';
import type { Sandbox } from '../../src/sandbox/sandbox-contract.js';
import { startSandbox } from '../../src/sandbox/start-sandbox.js';
import { connectWarehouse } from '../support/warehouse.js';
import { eventually } from '../support/timers.js';

const ALERTS = '/api/2.0/alerts';
let sandbox: Sandbox;
let agent: Agent;

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, token = sandbox.token) {
  const response = await request(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: agent,
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: text ? JSON.parse(text) : undefined };
}

/** The recent 429/5xx share of the seeded gateway, written by hand (not the product's builder). */
const errorShareSql = (endpoint: string, minutes: number) =>
  `SELECT COUNT(*) AS requests, CAST(SUM(CASE WHEN u.status_code = 429 OR u.status_code >= 500 THEN 1 ELSE 0 END) AS DOUBLE) / COUNT(*) AS error_share
   FROM system.serving.endpoint_usage AS u JOIN (SELECT DISTINCT served_entity_id, endpoint_name FROM system.serving.served_entities) AS se
     ON u.served_entity_id = se.served_entity_id
   WHERE se.endpoint_name = '${endpoint}' AND u.request_time >= current_timestamp() - INTERVAL ${minutes} MINUTES`;

const alertBody = (overrides: Record<string, unknown> = {}) => ({
  display_name: 'gateway 429/5xx',
  query_text: errorShareSql('skyloyalty-ai-gateway', 60),
  warehouse_id: sandbox.warehouseId,
  evaluation: {
    source: { name: 'error_share' },
    comparison_operator: 'GREATER_THAN',
    threshold: { value: { double_value: 0.05 } },
    empty_result_state: 'OK',
    notification: { subscriptions: [{ user_email: 'alice@example.com' }], notify_on_ok: true, retrigger_seconds: 0 },
  },
  // Fires once a year: only the test hook evaluates these alerts.
  schedule: { quartz_cron_schedule: '0 0 0 1 1 ?', timezone_id: 'UTC' },
  ...overrides,
});

beforeAll(async () => {
  sandbox = await startSandbox({ rows: 20_000 });
  agent = new Agent({ connect: { ca: sandbox.caCert } });
});
afterAll(async () => {
  await agent?.close();
  await sandbox?.close();
});

describe('Quartz schedules', () => {
  it('matches seconds, steps, ranges, names and time zones', () => {
    const every5 = parseCron('0 0/5 * * * ?', 'UTC');
    expect(firesAt(every5, Date.parse('2026-03-02T10:15:00Z'))).toBe(true);
    expect(firesAt(every5, Date.parse('2026-03-02T10:16:00Z'))).toBe(false);
    expect(firesAt(every5, Date.parse('2026-03-02T10:15:01Z'))).toBe(false);
    const weekdays = parseCron('0 30 9 ? * MON-FRI', 'Europe/Amsterdam');
    expect(firesAt(weekdays, Date.parse('2026-03-02T08:30:00Z'))).toBe(true); // Monday 09:30 CET
    expect(firesAt(weekdays, Date.parse('2026-03-01T08:30:00Z'))).toBe(false); // Sunday
  });

  it.each([
    ['0 * * * *', /6 or 7 fields/],
    ['0 0 * * * *', /exactly one of day-of-month and day-of-week/],
    ['0 0 25 * * ?', /not a valid hour/],
    ['0 0 0 L * ?', /L, W or #/],
  ])('refuses %s', (expression, message) => {
    expect(() => parseCron(expression, 'UTC')).toThrow(message);
  });
});

describe('Alerts v2 REST', () => {
  it('creates a top-level alert, gets and lists it; the wrapped form and output-only fields are refused', async () => {
    const created = await call('POST', ALERTS, alertBody({ display_name: 'crud' }));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ display_name: 'crud', lifecycle_state: 'ACTIVE', owner_user_name: 'admin@example.com', evaluation: { state: 'UNKNOWN' } });
    expect(created.body.effective_run_as).toEqual({ user_name: 'admin@example.com' });
    expect((await call('GET', `${ALERTS}/${created.body.id}`)).body.id).toBe(created.body.id);

    const wrapped = await call('POST', ALERTS, { alert: alertBody() });
    expect(wrapped).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/top level/) } });
    // PY AlertV2.parameters: static named scalars, taken on create.
    const parameters = [{ name: 'endpoint', type: 'STRING', value: 'skyloyalty-ai-gateway' }];
    expect((await call('POST', ALERTS, alertBody({ display_name: 'with parameters', parameters }))).body.parameters).toEqual(parameters);
    const outputOnly = await call('POST', ALERTS, alertBody({ lifecycle_state: 'ACTIVE' }));
    expect(outputOnly.body.message).toMatch(/Unknown field 'lifecycle_state'/);
  });

  it.each([
    ['a missing display_name', (b: Record<string, any>) => delete b.display_name, /Missing required field: alert\.display_name/],
    ['a missing schedule', (b: Record<string, any>) => delete b.schedule, /alert\.schedule/],
    ['a lower-case operator', (b: Record<string, any>) => (b.evaluation.comparison_operator = 'greater_than'), /must be one of EQUAL/],
    ['an unknown empty_result_state', (b: Record<string, any>) => (b.evaluation.empty_result_state = 'FINE'), /empty_result_state 'FINE'/],
    ['both threshold kinds', (b: Record<string, any>) => (b.evaluation.threshold.column = { name: 'requests' }), /exactly one of value and column/],
    ['an unknown aggregation', (b: Record<string, any>) => (b.evaluation.source.aggregation = 'TOTAL'), /aggregation 'TOTAL'/],
    ['a bad pause_status', (b: Record<string, any>) => (b.schedule.pause_status = 'STOPPED'), /pause_status 'STOPPED'/],
    ['a bad time zone', (b: Record<string, any>) => (b.schedule.timezone_id = 'Mars/Olympus'), /timezone_id/],
    ['two run_as identities', (b: Record<string, any>) => (b.run_as = { user_name: 'admin@example.com', service_principal_name: AGENT_SP }), /exactly one of user_name/],
  ])('refuses %s with a 400 naming the field', async (_case, change, message) => {
    const body = alertBody();
    change(body as Record<string, any>);
    const answer = await call('POST', ALERTS, body);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(message) });
  });

  it('refuses another warehouse and running as someone else', async () => {
    expect((await call('POST', ALERTS, alertBody({ warehouse_id: 'nope' }))).body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const alice = sandbox.addToken('alice@example.com');
    const asOther = await call('POST', ALERTS, alertBody({ run_as: { user_name: 'bob@example.com' } }), alice);
    expect(asOther.body.message).toMatch(/only set their own e-mail/);
    const asSp = await call('POST', ALERTS, alertBody({ run_as: { service_principal_name: AGENT_SP } }), alice);
    expect(asSp).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED' } });
  });

  it('pages the list with page_size and next_page_token', async () => {
    for (const i of [1, 2, 3]) expect((await call('POST', ALERTS, alertBody({ display_name: `paged-${i}` }))).status).toBe(200);
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await call('GET', `${ALERTS}?page_size=2${token ? `&page_token=${token}` : ''}`);
      expect(page.body.alerts.length).toBeLessThanOrEqual(2);
      names.push(...page.body.alerts.map((a: { display_name: string }) => a.display_name));
      token = page.body.next_page_token;
      pages += 1;
    } while (token);
    expect(pages).toBeGreaterThan(1);
    expect(names).toEqual(expect.arrayContaining(['paged-1', 'paged-2', 'paged-3']));
    expect(new Set(names).size).toBe(names.length);
  });

  it('PATCH changes only the fields update_mask names, and needs one', async () => {
    const { body: alert } = await call('POST', ALERTS, alertBody({ display_name: 'patch-me' }));
    const patched = await call('PATCH', `${ALERTS}/${alert.id}?update_mask=display_name,evaluation.threshold`, {
      display_name: 'patched',
      query_text: 'SELECT 1 AS ignored',
      evaluation: { threshold: { value: { double_value: 0.2 } } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ display_name: 'patched', query_text: alert.query_text, evaluation: { threshold: { value: { double_value: 0.2 } }, comparison_operator: 'GREATER_THAN' } });
    expect((await call('PATCH', `${ALERTS}/${alert.id}`, { display_name: 'x' })).body.message).toMatch(/Missing update_mask/);
    expect((await call('PATCH', `${ALERTS}/${alert.id}?update_mask=id`, { id: 'x' })).body.message).toMatch(/not an updatable field/);
  });

  it('DELETE moves to the trash (no longer listed, GET says DELETED); purge removes it', async () => {
    const { body: alert } = await call('POST', ALERTS, alertBody({ display_name: 'trash-me' }));
    expect((await call('DELETE', `${ALERTS}/${alert.id}`)).status).toBe(200);
    expect((await call('GET', `${ALERTS}/${alert.id}`)).body.lifecycle_state).toBe('DELETED');
    const listed = await call('GET', `${ALERTS}?page_size=100`);
    expect(listed.body.alerts.map((a: { id: string }) => a.id)).not.toContain(alert.id);
    expect((await call('DELETE', `${ALERTS}/${alert.id}?purge=true`)).status).toBe(200);
    expect((await call('GET', `${ALERTS}/${alert.id}`)).status).toBe(404);
  });
});

describe('alert evaluation against the warehouse', () => {
  it('the incident under way on the gateway triggers a 5 % threshold; a quiet endpoint stays OK', async () => {
    const raw = await connectWarehouse(sandbox);
    const [seeded] = await raw.query(errorShareSql('skyloyalty-ai-gateway', 60)).finally(() => raw.close());
    expect(Number(seeded!['error_share'])).toBeGreaterThan(0.05);
    const { body: hot } = await call('POST', ALERTS, alertBody({ display_name: 'hot', run_as: { service_principal_name: AGENT_SP } }));
    const { body: quiet } = await call('POST', ALERTS, alertBody({ display_name: 'quiet', query_text: errorShareSql('support-bot-gateway', 60), evaluation: { ...alertBody().evaluation, threshold: { value: { double_value: 0.5 } } } }));
    const before = Date.now();
    await sandbox.alerts.evaluateNow();
    const hotNow = (await call('GET', `${ALERTS}/${hot.id}`)).body;
    expect(hotNow.evaluation.state).toBe('TRIGGERED');
    expect(Date.parse(hotNow.evaluation.last_evaluated_at)).toBeGreaterThanOrEqual(before - 1000);
    expect((await call('GET', `${ALERTS}/${quiet.id}`)).body.evaluation.state).toBe('OK');
    const ran = sandbox.warehouse.received!.filter((s) => s.userAgent === 'databricks-sql-alerts' && s.sql === hot.query_text);
    expect(ran.map((s) => s.principal)).toContain(AGENT_SP);
  });

  it('a query that fails, or a missing source column, is ERROR; an empty result takes empty_result_state', async () => {
    const { body: broken } = await call('POST', ALERTS, alertBody({ display_name: 'broken', query_text: 'SELECT nope FROM system.serving.no_such_table' }));
    const { body: wrongColumn } = await call('POST', ALERTS, alertBody({ display_name: 'wrong-column', query_text: 'SELECT 1 AS other' }));
    const { body: empty } = await call('POST', ALERTS, alertBody({ display_name: 'empty', query_text: 'SELECT 1 AS error_share WHERE 1 = 0', evaluation: { ...alertBody().evaluation, empty_result_state: 'TRIGGERED' } }));
    await sandbox.alerts.evaluateNow();
    expect((await call('GET', `${ALERTS}/${broken.id}`)).body.evaluation.state).toBe('ERROR');
    expect((await call('GET', `${ALERTS}/${wrongColumn.id}`)).body.evaluation.state).toBe('ERROR');
    expect((await call('GET', `${ALERTS}/${empty.id}`)).body.evaluation.state).toBe('TRIGGERED');
  });

  it('runs as its run-as principal: one without system-table grants gets ERROR', async () => {
    const carol = sandbox.addToken('carol@example.com');
    const { body: alert } = await call('POST', ALERTS, alertBody({ display_name: 'as-carol' }), carol);
    await sandbox.alerts.evaluateNow();
    expect((await call('GET', `${ALERTS}/${alert.id}`, undefined, carol)).body.evaluation.state).toBe('ERROR');
  });

  it('evaluates on its schedule without the hook', async () => {
    const { body: alert } = await call('POST', ALERTS, alertBody({ display_name: 'every-second', schedule: { quartz_cron_schedule: '* * * * * ?', timezone_id: 'UTC' } }));
    const state = await eventually(async () => (await call('GET', `${ALERTS}/${alert.id}`)).body.evaluation.state, (current) => current !== 'UNKNOWN');
    expect(state).toBe('TRIGGERED');
    await call('PATCH', `${ALERTS}/${alert.id}?update_mask=schedule.pause_status`, { schedule: { pause_status: 'PAUSED' } });
  });
});
