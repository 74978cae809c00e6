/**
 * Several built server processes on one installation (agents that each start their own server, HTTP replicas,
 * a restart): a plan issued by one is applied by another, and concurrent applies to one gateway and state file
 * never leave the state file recording a config other than the one live, nor create anything twice.
 */
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_SP, OPS_GROUP } from '../../src/sandbox/seed/seed-catalog.js';
import { createSchemas, startHarness, type Harness } from '../sandbox/support.js';
import { connect, textOf, type Connected } from '../support/mcp.js';
import { SCENARIOS, tempDir, writeYamlState } from '../support/states.js';

const PROCESSES = 5;
const dir = tempDir('aigw-multi-');
let h: Harness;
let servers: Connected[] = [];

interface Outcome {
  isError: boolean;
  text: string;
  status?: string;
  plan_id?: string;
}

const args = (stateFile: string, extra: Record<string, unknown> = {}) => ({
  name: 'gw-multi',
  catalog: 'workshop',
  schema: 'gw_multi',
  token_secret: 'ai-gateway/fmapi-token',
  grants: { agent_service_principal: AGENT_SP, ops_group: OPS_GROUP },
  state_file: stateFile,
  ...extra,
});

async function call(server: Connected, toolArgs: Record<string, unknown>): Promise<Outcome> {
  const result = await server.client.callTool({ name: 'create_gateway', arguments: toolArgs });
  const structured = (result.structuredContent ?? {}) as { status?: string; plan_id?: string };
  return { isError: Boolean(result.isError), text: textOf(result), status: structured.status, plan_id: structured.plan_id };
}

async function endpoint(): Promise<Record<string, any> | undefined> {
  const list = await h.call('GET', '/api/2.0/serving-endpoints');
  const named = (list.body.endpoints as Array<{ name: string }>).filter((e) => e.name === 'gw-multi');
  expect(named.length).toBeLessThanOrEqual(1);
  return named.length ? (await h.call('GET', '/api/2.0/serving-endpoints/gw-multi')).body : undefined;
}

function recorded(stateFile: string): Record<string, unknown> | undefined {
  const state = load(readFileSync(stateFile, 'utf8')) as { Foundation?: { f4_gateway?: Record<string, unknown> } };
  return state.Foundation?.f4_gateway;
}

beforeAll(async () => {
  h = await startHarness({ configUpdateMs: 200 });
  await createSchemas(h, 'workshop', ['gw_multi']);
  const token = h.sandbox.addToken('admin@example.com');
  // One installation: the same home folder (so the same plan key), no AIGW_PLAN_SECRET.
  servers = await Promise.all(
    Array.from({ length: PROCESSES }, () =>
      connect({ cwd: dir, env: { DATABRICKS_HOST: h.sandbox.url, DATABRICKS_TOKEN: token, NODE_EXTRA_CA_CERTS: h.sandbox.caCertPath } }),
    ),
  );
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await h?.close();
});

describe('several server processes of one installation', () => {
  it('applies a plan issued by another process, and one issued by a process that has since exited', async () => {
    const stateFile = writeYamlState(dir, 'handoff', SCENARIOS.passing);
    const [first, second] = servers as [Connected, Connected];
    const planned = await call(first, args(stateFile, { name: 'gw-handoff', table_name_prefix: 'gw_handoff' }));
    expect(planned.status).toBe('planned');
    const applied = await call(second, { ...args(stateFile, { name: 'gw-handoff', table_name_prefix: 'gw_handoff' }), mode: 'apply', plan_id: planned.plan_id });
    expect(applied.text).toMatch(/APPLIED/);

    const restarted = await connect({ cwd: dir, env: { DATABRICKS_HOST: h.sandbox.url, DATABRICKS_TOKEN: h.sandbox.addToken('admin@example.com'), NODE_EXTRA_CA_CERTS: h.sandbox.caCertPath } });
    const update = await call(first, args(stateFile, { name: 'gw-handoff', table_name_prefix: 'gw_after_restart' }));
    await first.close();
    servers[0] = restarted;
    expect((await call(restarted, { ...args(stateFile, { name: 'gw-handoff', table_name_prefix: 'gw_after_restart' }), mode: 'apply', plan_id: update.plan_id })).status).toBe('applied');
  });

  it('concurrent creates of one gateway: one endpoint, and the record matches it', async () => {
    const stateFile = writeYamlState(dir, 'race-create', SCENARIOS.passing);
    const plans = await Promise.all(servers.map((s) => call(s, args(stateFile))));
    for (const plan of plans) expect(plan.status).toBe('planned');
    const outcomes = await Promise.all(servers.map((s, i) => call(s, { ...args(stateFile), mode: 'apply', plan_id: plans[i]!.plan_id })));
    // The first apply creates; the rest find nothing left to do (their plan is the live state) or a stale plan.
    expect(outcomes.filter((o) => o.status === 'applied')).toHaveLength(1);
    for (const o of outcomes) expect(o.status === 'applied' || o.status === 'unchanged' || /stale/.test(o.text)).toBe(true);
    const live = await endpoint();
    expect(live?.ai_gateway?.inference_table_config?.table_name_prefix).toBe('gw');
    expect(recorded(stateFile)?.inference_table_prefix).toBe('gw');
  });

  it('concurrent updates with different plans: whoever is told "applied" is what is live and recorded', async () => {
    const stateFile = writeYamlState(dir, 'race-update', SCENARIOS.passing);
    await call(servers[0]!, { ...args(stateFile), mode: 'apply', plan_id: (await call(servers[0]!, args(stateFile))).plan_id });
    const prefixes = servers.map((_, i) => `gw_round_${i}`);
    const plans = await Promise.all(servers.map((s, i) => call(s, args(stateFile, { table_name_prefix: prefixes[i] }))));
    for (const plan of plans) expect(plan.status).toBe('planned');
    const outcomes = await Promise.all(servers.map((s, i) => call(s, { ...args(stateFile, { table_name_prefix: prefixes[i] }), mode: 'apply', plan_id: plans[i]!.plan_id })));

    const winners = outcomes.flatMap((o, i) => (o.status === 'applied' ? [prefixes[i]] : []));
    expect(winners).toHaveLength(1);
    for (const o of outcomes) if (o.status !== 'applied') expect(o.text).toMatch(/stale|changed since the plan/);
    const live = await endpoint();
    expect(live?.ai_gateway?.inference_table_config?.table_name_prefix).toBe(winners[0]);
    expect(recorded(stateFile)?.inference_table_prefix).toBe(winners[0]);
  });
});
