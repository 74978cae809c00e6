/**
 * The workspace is the arbiter: five built server processes that share nothing (each its own state file and its
 * own token, as two checkouts or an App's replicas would) apply different rate limits to one serving endpoint at
 * once, round after round. A serving endpoint's AI Gateway block has no version, so the last writer wins; a
 * caller may be told APPLIED only if its change is what the workspace held when the server last looked before
 * answering. The sandbox's request log gives the order of every write and read, and whose token made it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_SP, OPS_GROUP } from '../../src/sandbox/seed/seed-catalog.js';
import { createSchemas, startHarness, type Harness } from '../sandbox/support.js';
import { connect, textOf, type Connected } from '../support/mcp.js';
import { SCENARIOS, tempDir, writeYamlState } from '../support/states.js';

const PROCESSES = 5;
const ROUNDS = 4;
const GATEWAY = 'gw-race';
const ENDPOINT_PATH = `/api/2.0/serving-endpoints/${GATEWAY}`;
const WRITE_PATH = `${ENDPOINT_PATH}/ai-gateway`;
const dir = tempDir('aigw-race-');
let h: Harness;
const servers: Array<{ server: Connected; token: string; stateFile: string }> = [];

const args = (stateFile: string, calls: number) => ({
  name: GATEWAY,
  catalog: 'workshop',
  schema: 'gw_race',
  token_secret: 'ai-gateway/fmapi-token',
  grants: { agent_service_principal: AGENT_SP, ops_group: OPS_GROUP },
  rate_limits: [{ key: 'endpoint', calls }],
  state_file: stateFile,
});

async function createGateway(server: Connected, toolArgs: Record<string, unknown>) {
  const result = await server.client.callTool({ name: 'create_gateway', arguments: toolArgs });
  const structured = (result.structuredContent ?? {}) as { status?: string; plan_id?: string };
  return { isError: Boolean(result.isError), text: textOf(result), status: structured.status, plan_id: structured.plan_id };
}

beforeAll(async () => {
  h = await startHarness({ configUpdateMs: 100 });
  await createSchemas(h, 'workshop', ['gw_race']);
  for (let i = 0; i < PROCESSES; i += 1) {
    // Its own token (so the request log says which process made each call) and its own home and state file.
    const token = h.sandbox.addToken('admin@example.com');
    const home = tempDir(`aigw-race-home-${i}-`);
    const server = await connect({ cwd: home, env: { HOME: home, DATABRICKS_HOST: h.sandbox.url, DATABRICKS_TOKEN: token, NODE_EXTRA_CA_CERTS: h.sandbox.caCertPath } });
    servers.push({ server, token, stateFile: writeYamlState(dir, `replica-${i}`, SCENARIOS.passing) });
  }
  const first = servers[0]!;
  const plan = await createGateway(first.server, args(first.stateFile, 1000));
  const created = await createGateway(first.server, { ...args(first.stateFile, 1000), mode: 'apply', plan_id: plan.plan_id });
  expect(created.status, created.text).toBe('applied');
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.server.close()));
  await h?.close();
});

describe('five processes with their own state files racing to change one serving endpoint', () => {
  it('every caller told APPLIED had its change live when the server last looked; the last write is live and was told APPLIED', async () => {
    let applied = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const limit = (i: number) => 100 * (round + 1) + i;
      const plans = await Promise.all(servers.map((s, i) => createGateway(s.server, args(s.stateFile, limit(i)))));
      for (const plan of plans) expect(plan.status, plan.text).toBe('planned');
      const logStart = h.sandbox.requests.length;
      const outcomes = await Promise.all(servers.map((s, i) => createGateway(s.server, { ...args(s.stateFile, limit(i)), mode: 'apply', plan_id: plans[i]!.plan_id })));
      const log = h.sandbox.requests.slice(logStart);

      for (const outcome of outcomes) {
        if (outcome.status === 'applied') continue;
        // Not applied: an error that says the plan lost to another caller's change.
        expect(outcome.isError, outcome.text).toBe(true);
        expect(outcome.text).toMatch(/changed since the plan|superseded/);
      }
      const writes = log.flatMap((entry, at) => (entry.method === 'PUT' && entry.path === WRITE_PATH ? [{ at, token: entry.token }] : []));
      expect(writes.length).toBeGreaterThan(0);
      for (const [i, outcome] of outcomes.entries()) {
        if (outcome.status !== 'applied') continue;
        applied += 1;
        const token = servers[i]!.token;
        // The server's last read of the endpoint before it answered: the latest write before it must be this caller's.
        const lastRead = log.findLastIndex((e) => e.token === token && e.method === 'GET' && e.path === ENDPOINT_PATH);
        const latestWrite = writes.filter((w) => w.at < lastRead).at(-1);
        expect(latestWrite?.token, `round ${round}: process ${i} was told APPLIED while another write was live`).toBe(token);
      }
      // The write that landed last is live, and its caller was told so.
      const lastWriter = servers.findIndex((s) => s.token === writes.at(-1)!.token);
      expect(outcomes[lastWriter]!.status, outcomes[lastWriter]!.text).toBe('applied');
      const live = (await h.call('GET', ENDPOINT_PATH)).body as { ai_gateway: { rate_limits: Array<{ key: string; calls: number }> } };
      expect(live.ai_gateway.rate_limits.find((l) => l.key === 'endpoint')?.calls).toBe(limit(lastWriter));
    }
    expect(applied).toBeGreaterThanOrEqual(ROUNDS);
  });
});
