/**
 * The gateway's SQL alert is found by what the product controls, never by its display name alone: another
 * user's alert of that name is neither adopted nor changed, two alerts of the gateway are reported and the plan
 * still works, the checklist item does not pass on a decoy, and alert settings the workspace would refuse block
 * the plan before anything is created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servingAlertStatement } from '../../src/governance/error-alert.js';
import { AGENT_SP, OPS_GROUP } from '../../src/sandbox/seed/seed-catalog.js';
import { createSchemas, startHarness, type Harness } from '../sandbox/support.js';
import { callOk, connect, type Connected } from '../support/mcp.js';
import { SCENARIOS, tempDir, writeYamlState } from '../support/states.js';

interface Result {
  status: string;
  plan: { action: string; changes: Array<{ path: string; from: unknown; to: any }>; warnings: string[] };
  plan_id?: string;
  alert?: { id?: string; display_name: string; action: string };
  findings?: Array<{ rule: string; severity: string; path: string; message: string }>;
  state_updates?: { value: Record<string, unknown> };
}

interface LiveAlert {
  id: string;
  display_name: string;
  owner_user_name: string;
  query_text: string;
  evaluation: { state: string; threshold?: unknown };
}

const dir = tempDir('aigw-alert-id-');
let h: Harness;
let admin: Connected;

const gatewayArgs = (name: string, stateFile: string, alert: Record<string, unknown> = {}) => ({
  name,
  form: 'dedicated',
  token_secret: 'ai-gateway/fmapi-token',
  catalog: 'workshop',
  schema: 'alert_id',
  table_name_prefix: name.replace(/-/g, '_'),
  grants: { agent_service_principal: AGENT_SP, ops_group: OPS_GROUP },
  alert,
  state_file: stateFile,
});

async function planAndApply(args: Record<string, unknown>): Promise<{ planned: Result; applied?: Result }> {
  const planned = await callOk<Result>(admin.client, 'create_gateway', args);
  if (planned.status !== 'planned') return { planned };
  return { planned, applied: await callOk<Result>(admin.client, 'create_gateway', { ...args, mode: 'apply', plan_id: planned.plan_id }) };
}

async function alerts(): Promise<LiveAlert[]> {
  return ((await h.call('GET', '/api/2.0/alerts?page_size=100')).body as { alerts: LiveAlert[] }).alerts;
}

/** An alert made straight through the API by `token`'s principal. */
async function createAlert(token: string, displayName: string, queryText: string): Promise<LiveAlert> {
  const created = await h.call('POST', '/api/2.0/alerts', {
    token,
    body: {
      display_name: displayName,
      query_text: queryText,
      warehouse_id: h.sandbox.warehouseId,
      evaluation: { source: { name: 'x' }, comparison_operator: 'GREATER_THAN', threshold: { value: { double_value: 1 } } },
      schedule: { quartz_cron_schedule: '0 0 * * * ?', timezone_id: 'UTC', pause_status: 'PAUSED' },
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  return created.body as LiveAlert;
}

beforeAll(async () => {
  h = await startHarness({ configUpdateMs: 100 });
  await createSchemas(h, 'workshop', ['alert_id']);
  admin = await connect({ cwd: dir, env: { DATABRICKS_HOST: h.sandbox.url, DATABRICKS_TOKEN: h.sandbox.token, DATABRICKS_WAREHOUSE_ID: h.sandbox.warehouseId, NODE_EXTRA_CA_CERTS: h.sandbox.caCertPath } });
});

afterAll(async () => {
  await admin?.close();
  await h?.close();
});

describe("the gateway's alert is the product's, not whatever carries its name", () => {
  it("another user's alert of the gateway's name is left alone: not adopted, not changed; the plan says so", async () => {
    const gateway = 'gw-squat';
    const name = `AI Gateway ${gateway}: 429/5xx share`;
    const alice = h.sandbox.addToken('alice@example.com');
    const squat = await createAlert(alice, name, `SELECT 0 AS error_share -- '${gateway}' status_code`);
    // Even with the product's exact statement, another owner's alert is not this gateway's to manage.
    const lookalike = await createAlert(alice, name, servingAlertStatement(gateway)(60).sql);
    const { planned, applied } = await planAndApply(gatewayArgs(gateway, writeYamlState(dir, 'squat', SCENARIOS.passing)));
    expect(planned.alert).toMatchObject({ action: 'create' });
    expect(planned.plan.warnings.join('\n')).toContain(`${squat.id} (owner alice@example.com)`);
    expect(planned.plan.warnings.join('\n')).toContain(`${lookalike.id} (owner alice@example.com)`);
    expect(applied).toMatchObject({ status: 'applied', alert: { action: 'create' } });
    expect([squat.id, lookalike.id]).not.toContain(applied!.alert!.id);
    const after = (await alerts()).filter((a) => a.display_name === name);
    for (const theirs of [squat, lookalike]) expect(after.find((a) => a.id === theirs.id)).toEqual(theirs);
    expect(applied!.state_updates?.value.alert_id).toBe(applied!.alert!.id);
  });

  it('two alerts of the gateway: reported, the plan works on the recorded one, a repeat is unchanged', async () => {
    const gateway = 'gw-twice';
    const stateFile = writeYamlState(dir, 'twice', SCENARIOS.passing);
    const { applied } = await planAndApply(gatewayArgs(gateway, stateFile));
    const ours = (await alerts()).find((a) => a.id === applied!.alert!.id)!;
    // The same alert made again by hand (same owner, same statement): a duplicate, not a reason to fail every plan.
    const copy = await createAlert(h.sandbox.token, ours.display_name, ours.query_text);
    const again = await callOk<Result>(admin.client, 'create_gateway', gatewayArgs(gateway, stateFile));
    expect(again).toMatchObject({ status: 'unchanged', alert: { action: 'none', id: ours.id } });

    // Without the record (another checkout's state file), both are found by owner and statement: reported, one managed.
    const fresh = await callOk<Result>(admin.client, 'create_gateway', gatewayArgs(gateway, writeYamlState(dir, 'twice-fresh', SCENARIOS.passing), { threshold: 0.2 }));
    expect(fresh.status).toBe('planned');
    expect(fresh.plan.warnings.join('\n')).toMatch(new RegExp(`2 alerts of this gateway exist \\((${ours.id}, ${copy.id}|${copy.id}, ${ours.id})\\)`));
    expect(fresh.alert?.action).toBe('update');
  });

  it.each([
    ['a schedule that runs every second', { schedule: '* * * * * ?' }, '/alert/schedule', /more than once a minute/],
    ['a schedule that is not Quartz', { schedule: '0 0/5 * * *' }, '/alert/schedule', /not a Quartz cron schedule/],
    ['a time zone that does not exist', { timezone: 'Mars/Olympus_Mons' }, '/alert/timezone', /not an IANA time zone/],
    ['a run_as no service principal has', { run_as: '00000000-0000-4000-8000-000000000000' }, '/alert/run_as', /not the application id of an active service principal/],
  ])('%s is blocked at plan time, and nothing is created', async (_case, alert, path, message) => {
    const gateway = `gw-bad-${path.split('/').pop()}`.replace(/_/g, '-');
    const result = await callOk<Result>(admin.client, 'create_gateway', gatewayArgs(gateway, writeYamlState(dir, `bad-${Date.now()}`, SCENARIOS.passing), alert));
    expect(result.status).toBe('blocked');
    expect(result.findings).toContainEqual(expect.objectContaining({ severity: 'error', path, message: expect.stringMatching(message) }));
    expect((await h.call('GET', `/api/2.0/serving-endpoints/${gateway}`)).status).toBe(404);
  });
});
