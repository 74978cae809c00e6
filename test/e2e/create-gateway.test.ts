/**
 * create_gateway end to end: the built server over MCP (stdio), configured through the real environment
 * variables (DATABRICKS_HOST/TOKEN or client id/secret, NODE_EXTRA_CA_CERTS), against the sandbox's REST side.
 * Everything the tool did is checked by reading the sandbox back through undici.
 */
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPlan } from '../../src/governance/plan-id.js';
import { AGENT_SP, OPS_GROUP } from '../../src/sandbox/seed/seed-catalog.js';
import { createSchemas, startHarness, type Harness } from '../sandbox/support.js';
import { callError, callOk, connect, textOf, type Connected } from '../support/mcp.js';
import { OPUS, SCENARIOS, SONNET, tempDir, writeMarkdownState, writeYamlState } from '../support/states.js';
import { manualClock } from '../support/timers.js';

interface Result {
  status: string;
  plan: { action: string; changes: Array<{ path: string; from: unknown; to: unknown }>; warnings: string[] };
  plan_id?: string;
  endpoint?: { name: string; state: { config_update?: string }; served_entities: Array<{ entity_name?: string; external_model?: string; traffic_percentage?: number }> };
  grants?: Array<{ securable: string; full_name: string; principal: string; privileges: string[] }>;
  state_updates?: { state_file: string; changed: boolean };
  findings?: Array<{ rule: string; severity: string; path: string }>;
  operator_prompt?: { message: string };
  in_progress?: { what: string; check: string };
  workspace?: string;
}

const PLAN_SECRET = 'e2e-plan-secret-0123456789abcdef-0123456789';
const dir = tempDir('aigw-create-');
let h: Harness;
let server: Connected;
let canary: string;
/** Every result text and structured result seen, to check for leaked tokens. */
const seen: string[] = [];

const grantsArg = { agent_service_principal: AGENT_SP, ops_group: OPS_GROUP };
/** The seeded secret holding the token a dedicated gateway calls the pay-per-token endpoints with. */
const TOKEN_SECRET = 'ai-gateway/fmapi-token';
const SCHEMAS = ['gw_e2e', 'gw_md', 'skyloyalty_ops_v2', 'gw_planid', 'gw_bursts', 'gw_reset', 'gw_stuck', 'gw_concurrent', 'gw_progress', 'gw_cancel', 'gw_elicit', 'gw_raced', 'gw_m2m', 'gw_forms', 'gw_half'];
const base = (name: string, stateFile: string, extra: Record<string, unknown> = {}) => ({ name, catalog: 'workshop', schema: 'gw_e2e', token_secret: TOKEN_SECRET, grants: grantsArg, state_file: stateFile, ...extra });

async function call(args: Record<string, unknown>, client = server): Promise<Result> {
  const result = await client.client.callTool({ name: 'create_gateway', arguments: args });
  seen.push(textOf(result), JSON.stringify(result.structuredContent ?? {}));
  if (result.isError) throw new Error(`create_gateway returned isError: ${textOf(result)}`);
  return result.structuredContent as unknown as Result;
}

async function callFails(args: Record<string, unknown>, client = server): Promise<string> {
  const text = await callError(client.client, 'create_gateway', args);
  seen.push(text);
  return text;
}

async function endpointsNamed(name: string): Promise<number> {
  const list = await h.call('GET', '/api/2.0/serving-endpoints');
  return (list.body.endpoints as Array<{ name: string }>).filter((e) => e.name === name).length;
}

async function grantsOn(type: string, fullName: string): Promise<Record<string, string[]>> {
  const response = await h.call('GET', `/api/2.1/unity-catalog/permissions/${type}/${fullName}`);
  const assignments = (response.body?.privilege_assignments ?? []) as Array<{ principal: string; privileges: string[] }>;
  return Object.fromEntries(assignments.map((a) => [a.principal, [...a.privileges].sort()]));
}

/** The file without the lines of the Foundation.f4_gateway record the tool added or replaced. */
function withoutF4(text: string, indent: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l === `${indent}f4_gateway:`);
  if (at < 0) return text;
  let end = at + 1;
  while (end < lines.length && (lines[end] ?? '').startsWith(`${indent}  `)) end += 1;
  return [...lines.slice(0, at), ...lines.slice(end)].join('\n');
}

beforeAll(async () => {
  h = await startHarness({ configUpdateMs: 300 });
  await createSchemas(h, 'workshop', SCHEMAS);
  canary = h.sandbox.addToken('admin@example.com');
  server = await connect({
    cwd: dir,
    env: { DATABRICKS_HOST: h.sandbox.url, DATABRICKS_TOKEN: canary, NODE_EXTRA_CA_CERTS: h.sandbox.caCertPath, AIGW_PLAN_SECRET: PLAN_SECRET },
  });
});

afterAll(async () => {
  await server?.close();
  await h?.close();
});

describe('create_gateway against the sandbox', () => {
  it('plans, applies, and is unchanged on a repeat; endpoint, grants and YAML state read back', async () => {
    const stateFile = writeYamlState(dir, 'create', SCENARIOS.passing);
    const before = readFileSync(stateFile, 'utf8');
    const planned = await call(base('gw-create', stateFile));
    expect(planned).toMatchObject({ status: 'planned', plan: { action: 'create' }, workspace: h.sandbox.url });
    expect(planned.plan.changes.map((c) => c.path)).toEqual(expect.arrayContaining(['/name', '/config/served_entities', '/ai_gateway/inference_table_config/table_name_prefix', '/state/Foundation/f4_gateway']));
    expect(await endpointsNamed('gw-create')).toBe(0);

    const applied = await call({ ...base('gw-create', stateFile), mode: 'apply', plan_id: planned.plan_id });
    expect(applied.status).toBe('applied');
    expect(applied.endpoint?.state.config_update).toBe('NOT_UPDATING');

    const live = (await h.call('GET', '/api/2.0/serving-endpoints/gw-create')).body;
    expect(live.config.served_entities.map((e: { external_model?: { name: string } }) => e.external_model?.name)).toEqual([SONNET]);
    expect(live.ai_gateway).toMatchObject({
      usage_tracking_config: { enabled: true },
      inference_table_config: { enabled: true, catalog_name: 'workshop', schema_name: 'gw_e2e', table_name_prefix: 'gw' },
      rate_limits: [{ key: 'endpoint', renewal_period: 'minute', calls: 120 }, { key: 'user', renewal_period: 'minute', calls: 20 }],
      guardrails: { input: { pii: { behavior: 'BLOCK' }, safety: true }, output: { pii: { behavior: 'BLOCK' }, safety: true } },
    });
    expect(await grantsOn('catalog', 'workshop')).toMatchObject({ [AGENT_SP]: ['USE_CATALOG'], [OPS_GROUP]: ['USE_CATALOG'] });
    expect(await grantsOn('schema', 'workshop.gw_e2e')).toMatchObject({ [AGENT_SP]: ['MODIFY', 'SELECT', 'USE_SCHEMA'], [OPS_GROUP]: ['SELECT', 'USE_SCHEMA'] });
    expect(applied.grants).toEqual(expect.arrayContaining([{ securable: 'schema', full_name: 'workshop.gw_e2e', principal: OPS_GROUP, privileges: ['SELECT', 'USE_SCHEMA'] }]));

    const after = readFileSync(stateFile, 'utf8');
    expect(withoutF4(after, '  ')).toBe(before);
    const state = load(after) as { Foundation: { f4_gateway: Record<string, unknown>; f2_otel: unknown } };
    expect(state.Foundation.f4_gateway).toMatchObject({ endpoint_name: 'gw-create', inference_table_prefix: 'gw', payload_table: 'workshop.gw_e2e.gw_payload', served_entities: [SONNET] });
    expect(state.Foundation.f2_otel).toEqual(SCENARIOS.passing.Foundation.f2_otel);

    expect(await call({ ...base('gw-create', stateFile), mode: 'apply', plan_id: planned.plan_id })).toMatchObject({ status: 'unchanged', plan: { action: 'none', changes: [] } });
    expect(await call(base('gw-create', stateFile))).toMatchObject({ status: 'unchanged' });
    expect(readFileSync(stateFile, 'utf8')).toBe(after);
    expect(await endpointsNamed('gw-create')).toBe(1);
  });

  it('records into a Markdown state file, leaving every other byte as it was, with a fallback at 0 %', async () => {
    const stateFile = writeMarkdownState(dir, 'markdown', SCENARIOS.passing);
    const before = readFileSync(stateFile, 'utf8');
    const planned = await call(base('gw-markdown', stateFile, { schema: 'gw_md', fallback: true }));
    const applied = await call({ ...base('gw-markdown', stateFile, { schema: 'gw_md', fallback: true }), mode: 'apply', plan_id: planned.plan_id });
    expect(applied.status).toBe('applied');
    expect(applied.endpoint?.served_entities).toEqual([
      { name: SONNET, external_model: SONNET, traffic_percentage: 100 },
      { name: OPUS, external_model: OPUS, traffic_percentage: 0 },
    ]);
    const live = (await h.call('GET', '/api/2.0/serving-endpoints/gw-markdown')).body;
    expect(live.ai_gateway.fallback_config).toEqual({ enabled: true });
    const after = readFileSync(stateFile, 'utf8');
    // Foundation sits in the first block (it carries its top-level keys): only the f4 lines are new.
    expect(withoutF4(after, '  ')).toBe(before);
    expect(after).toContain('  f4_gateway:\n    endpoint_name: gw-markdown\n');
  });

  it('plans an update of an existing gateway with the warnings a reviewer must see, then applies it', async () => {
    const stateFile = writeYamlState(dir, 'update', SCENARIOS.passing);
    const args = base('skyloyalty-ai-gateway', stateFile, { schema: 'skyloyalty_ops_v2', rate_limits: [{ key: 'endpoint', calls: 200 }], guardrails: { input: { pii: { behavior: 'MASK' }, safety: true }, output: { pii: { behavior: 'BLOCK' }, safety: true } } });
    const planned = await call(args);
    expect(planned.plan.action).toBe('update');
    const warnings = planned.plan.warnings.join('\n');
    expect(warnings).toMatch(/inference-table location cannot change in place \(workshop\.skyloyalty_ops\.gw_payload → workshop\.skyloyalty_ops_v2\.gw_payload\)/);
    expect(warnings).toMatch(/input PII guardrail goes from BLOCK to MASK/);
    expect(warnings).toMatch(/endpoint limit goes from 120 to 200 calls/);
    expect(warnings).toMatch(/user limit \(20 calls per minute\) is removed/);
    expect(warnings).toMatch(/served entities change .*long-running config update/);
    expect(warnings).toMatch(/replaces the whole ai_gateway block of skyloyalty-ai-gateway: fallback_config/);

    const applied = await call({ ...args, mode: 'apply', plan_id: planned.plan_id });
    expect(applied.status).toBe('applied');
    const live = (await h.call('GET', '/api/2.0/serving-endpoints/skyloyalty-ai-gateway')).body;
    expect(live.ai_gateway.inference_table_config).toMatchObject({ enabled: true, schema_name: 'skyloyalty_ops_v2' });
    expect(live.ai_gateway.fallback_config).toBeUndefined();
    expect(live.config.served_entities.map((e: { external_model?: { name: string } }) => e.external_model?.name)).toEqual([SONNET]);
    expect(live.state.config_update).toBe('NOT_UPDATING');
  });

  it('halts without touching the workspace when no candidate passed', async () => {
    const stateFile = writeYamlState(dir, 'halt', SCENARIOS.noPassing);
    for (const mode of ['plan', 'apply']) {
      const result = await call({ ...base('gw-halted', stateFile), mode });
      expect(result).toMatchObject({ status: 'halted', plan: { action: 'none', changes: [] } });
      expect(result.operator_prompt?.message).toMatch(/No FMAPI endpoint passed the role probe for agent_chat/);
    }
    expect(await endpointsNamed('gw-halted')).toBe(0);
  });

  it('is blocked with findings for a trailing-underscore prefix or ALL_PRIVILEGES', async () => {
    const stateFile = writeYamlState(dir, 'blocked', SCENARIOS.passing);
    const prefix = await call({ ...base('gw-blocked', stateFile, { table_name_prefix: 'gw_' }), mode: 'apply' });
    expect(prefix.status).toBe('blocked');
    expect(prefix.findings).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'f4.table-prefix', severity: 'error', path: '/ai_gateway/inference_table_config/table_name_prefix' })]));
    const broad = await call(base('gw-blocked', stateFile, { grants: { ...grantsArg, agent_privileges: ['ALL_PRIVILEGES'] } }));
    expect(broad.status).toBe('blocked');
    expect(broad.findings?.map((f) => f.rule)).toContain('f4.explicit-grants');
    const zero = await call(base('gw-blocked', stateFile, { rate_limits: [{ key: 'endpoint', calls: 0 }] }));
    expect(zero.status).toBe('blocked');
    expect(zero.findings).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'f4.rate-limit-zero', severity: 'error', path: '/ai_gateway/rate_limits/0/calls' })]));
    for (const hostile of ["' OR '1'='1", 'a b', '../x']) {
      expect(await callFails(base('gw-blocked', stateFile, { table_name_prefix: hostile }))).toMatch(/table_name_prefix|letters, digits and "_"/);
    }
    expect(await endpointsNamed('gw-blocked')).toBe(0);
  });

  it('requires the agent service principal and the ops group, or a recorded opt-out the plan warns about', async () => {
    const stateFile = writeYamlState(dir, 'grants-required', SCENARIOS.passing);
    const none = await call({ ...base('gw-nogrants', stateFile), grants: {} });
    expect(none.status).toBe('blocked');
    expect(none.findings?.filter((f) => f.rule === 'f4.grants-required').map((f) => f.path).sort()).toEqual(['/grants/agent_service_principal', '/grants/ops_group']);
    const optedOut = await call({ ...base('gw-nogrants', stateFile), grants: { opt_out_reason: 'sandbox trial, no team yet' } });
    expect(optedOut.status).toBe('planned');
    expect(optedOut.plan.warnings.join('\n')).toMatch(/Grants opted out \("sandbox trial, no team yet"\)/);
    expect(optedOut.plan.changes).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/state/Foundation/f4_gateway', to: expect.objectContaining({ grants_opt_out: 'sandbox trial, no team yet' }) })]));
    expect(await endpointsNamed('gw-nogrants')).toBe(0);
  });

  it('refuses a forged, an expired and a stale plan_id', async () => {
    const stateFile = writeYamlState(dir, 'planid', SCENARIOS.passing);
    const args = base('gw-planid', stateFile, { schema: 'gw_planid' });
    const planned = await call(args);
    const id = planned.plan_id as string;
    const [payload] = id.split('.');
    const forged = `${payload}.${'A'.repeat(43)}`;
    expect(await callFails({ ...args, mode: 'apply', plan_id: forged })).toMatch(/plan_id was refused \(not issued here\)/);
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString()) as [string, string, string, string, number];
    const expired = signPlan(Buffer.from(PLAN_SECRET), { endpoint: claims[1], planDigest: claims[2], liveDigest: claims[3], expiresAt: Math.floor(Date.now() / 1000) - 5 });
    expect(await callFails({ ...args, mode: 'apply', plan_id: expired })).toMatch(/plan_id was refused \(expired\)/);
    expect(await callFails({ ...args, table_name_prefix: 'gw2', mode: 'apply', plan_id: id })).toMatch(/plan_id is stale.*different arguments/);
    // Someone else changes the workspace between plan and apply.
    await h.call('POST', '/api/2.0/serving-endpoints', { body: { name: 'gw-planid', config: { served_entities: [{ name: 'x', entity_name: 'system.ai.gpt-oss-120b', entity_version: '1', provisioned_model_units: 50 }] } } });
    expect(await callFails({ ...args, mode: 'apply', plan_id: id })).toMatch(/plan_id is stale.*changed since the plan/);
    expect(await endpointsNamed('gw-planid')).toBe(1);
  });

  it('rides out 429 and 503 bursts with exactly one endpoint', async () => {
    const stateFile = writeYamlState(dir, 'bursts', SCENARIOS.passing);
    const args = base('gw-bursts', stateFile, { schema: 'gw_bursts' });
    const planned = await call(args);
    const endpoints = { pathPrefix: '/api/2.0/serving-endpoints' };
    h.sandbox.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 1, times: 2, match: { ...endpoints, method: 'POST' } });
    h.sandbox.faults.add({ kind: 'status', status: 503, times: 3, match: { ...endpoints, method: 'GET' } });
    const applied = await call({ ...args, mode: 'apply', plan_id: planned.plan_id });
    expect(applied.status).toBe('applied');
    expect(h.sandbox.faults.take('status', { method: 'POST', path: endpoints.pathPrefix })).toBeUndefined();
    expect(h.sandbox.faults.take('status', { method: 'GET', path: endpoints.pathPrefix })).toBeUndefined();
    expect(await endpointsNamed('gw-bursts')).toBe(1);
  });

  it('detects a create whose answer was lost to a connection reset, and does not create twice', async () => {
    const stateFile = writeYamlState(dir, 'reset', SCENARIOS.passing);
    const args = base('gw-reset', stateFile, { schema: 'gw_reset' });
    const planned = await call(args);
    h.sandbox.faults.add({ kind: 'reset', when: 'after', match: { method: 'POST', pathPrefix: '/api/2.0/serving-endpoints' } });
    const applied = await call({ ...args, mode: 'apply', plan_id: planned.plan_id });
    expect(applied.status).toBe('applied');
    expect(h.sandbox.faults.take('reset', { method: 'POST', path: '/api/2.0/serving-endpoints' })).toBeUndefined();
    expect(await endpointsNamed('gw-reset')).toBe(1);
    expect(await call(args)).toMatchObject({ status: 'unchanged' });
  });

  it('returns a clear result when the update stays in progress', async () => {
    const stateFile = writeYamlState(dir, 'stuck', SCENARIOS.passing);
    const args = base('gw-stuck', stateFile, { schema: 'gw_stuck', timeout_seconds: 2 });
    const planned = await call(args);
    h.sandbox.faults.add({ kind: 'config-update', outcome: 'stuck', endpoint: 'gw-stuck' });
    const applied = await call({ ...args, mode: 'apply', plan_id: planned.plan_id });
    expect(applied.status).toBe('applied');
    expect(applied.endpoint?.state.config_update).toBe('IN_PROGRESS');
    expect(applied.in_progress?.what).toMatch(/still updating \(config_update IN_PROGRESS\) after 2 s/);
    expect(applied.in_progress?.check).toMatch(/state\.config_update/);
    expect(applied.state_updates?.changed).toBe(true);
    expect(await endpointsNamed('gw-stuck')).toBe(1);
    // Planning again while the update is stuck: nothing to change, but it is not passed off as unchanged.
    const again = await call(args);
    expect(again.status).toBe('updating');
    expect(again.in_progress?.what).toMatch(/config update is still IN_PROGRESS \(ready: NOT_READY\)/);
    expect(again.in_progress?.remaining_steps).toEqual(['wait for config_update NOT_UPDATING']);
  });

  it('serializes two concurrent applies: one endpoint, one consistent state record', async () => {
    const stateFile = writeYamlState(dir, 'concurrent', SCENARIOS.passing);
    const args = base('gw-concurrent', stateFile, { schema: 'gw_concurrent' });
    const planned = await call(args);
    const results = await Promise.all([1, 2].map(() => call({ ...args, mode: 'apply', plan_id: planned.plan_id })));
    expect(results.map((r) => r.status).sort()).toEqual(['applied', 'unchanged']);
    expect(await endpointsNamed('gw-concurrent')).toBe(1);
    const text = readFileSync(stateFile, 'utf8');
    expect(text.match(/f4_gateway:/g)).toHaveLength(1);
    expect((load(text) as { Foundation: { f4_gateway: { endpoint_name: string } } }).Foundation.f4_gateway.endpoint_name).toBe('gw-concurrent');
  });

  it('sends progress while waiting for the rollout', async () => {
    const stateFile = writeYamlState(dir, 'progress', SCENARIOS.passing);
    const args = base('gw-progress', stateFile, { schema: 'gw_progress' });
    const planned = await call(args);
    const messages: string[] = [];
    const result = await server.client.callTool(
      { name: 'create_gateway', arguments: { ...args, mode: 'apply', plan_id: planned.plan_id } },
      { onprogress: (p: { message?: string }) => void messages.push(p.message ?? '') },
    );
    seen.push(textOf(result));
    expect((result.structuredContent as unknown as Result).status).toBe('applied');
    // The last notification before a result may be lost on the client (typescript-sdk#2580); earlier ones arrive.
    expect(messages).toContain('creating serving endpoint gw-progress');
  });

  it('validate_config checks a live endpoint: the gateway it created passes, a bare one fails', async () => {
    const stateFile = writeYamlState(dir, 'live', SCENARIOS.passing);
    const created = await callOk<{ valid: boolean; findings: Array<{ rule: string }>; source: string; workspace: string }>(server.client, 'validate_config', { endpoint: 'gw-create', state_file: stateFile });
    expect(created).toMatchObject({ valid: true, source: 'live', workspace: h.sandbox.url });
    expect(created.findings.filter((f) => f.rule.startsWith('live.'))).toEqual([]);
    const bare = await callOk<{ valid: boolean; findings: Array<{ rule: string }> }>(server.client, 'validate_config', { endpoint: 'support-bot-gateway', state_file: stateFile });
    expect(bare.valid).toBe(false);
    expect(bare.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['f4.inference-tables', 'f4.guardrails']));
    expect(await callError(server.client, 'validate_config', { endpoint: 'no-such-endpoint' })).toMatch(/does not exist/);
  });

  it('stops cleanly when the caller cancels during the rollout, and a later apply finishes the job', async () => {
    const stateFile = writeYamlState(dir, 'cancel', SCENARIOS.passing);
    const args = base('gw-cancel', stateFile, { schema: 'gw_cancel', timeout_seconds: 120 });
    const planned = await call(args);
    h.sandbox.faults.add({ kind: 'config-update', outcome: 'stuck', endpoint: 'gw-cancel' });
    const controller = new AbortController();
    const pending = server.client.callTool({ name: 'create_gateway', arguments: { ...args, mode: 'apply', plan_id: planned.plan_id } }, { signal: controller.signal });
    while ((await h.call('GET', '/api/2.0/serving-endpoints/gw-cancel')).status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await expect(pending).rejects.toThrow();
    // The cancelled call released the endpoint lock: this apply runs now and does the remaining steps.
    const again = await call(args);
    expect(again.plan.changes.map((c) => c.path)).toEqual(expect.arrayContaining(['/grants/schema/workshop.gw_cancel/gateway-ops', '/state/Foundation/f4_gateway']));
    const finished = await call({ ...args, mode: 'apply', plan_id: again.plan_id, timeout_seconds: 1 });
    expect(finished).toMatchObject({ status: 'applied', endpoint: { state: { config_update: 'IN_PROGRESS' } }, state_updates: { changed: true } });
    expect(await endpointsNamed('gw-cancel')).toBe(1);
  });

  it('asks for confirmation by form when there is no plan_id, and applies only on accept', async () => {
    const stateFile = writeYamlState(dir, 'elicit', SCENARIOS.passing);
    const args = { ...base('gw-elicit', stateFile, { schema: 'gw_elicit' }), mode: 'apply' };
    const env = { DATABRICKS_HOST: h.sandbox.url, DATABRICKS_TOKEN: canary, NODE_EXTRA_CA_CERTS: h.sandbox.caCertPath };
    const declining = await connect({ cwd: dir, env, elicit: () => ({ action: 'decline' }) });
    try {
      const declined = await call(args, declining);
      expect(declined).toMatchObject({ status: 'planned', plan: { action: 'create' } });
      expect(declining.elicitations[0]?.message).toMatch(/Apply this create plan/);
      expect(await endpointsNamed('gw-elicit')).toBe(0);
    } finally {
      await declining.close();
    }
    expect(await call(args)).toMatchObject({ status: 'planned' });
    expect(await endpointsNamed('gw-elicit')).toBe(0);
    const accepting = await connect({ cwd: dir, env, elicit: () => ({ action: 'accept', content: { confirm: true } }) });
    try {
      expect(await call(args, accepting)).toMatchObject({ status: 'applied' });
      expect(await endpointsNamed('gw-elicit')).toBe(1);
      expect(accepting.stderr()).not.toContain(canary);
    } finally {
      await accepting.close();
    }
  });

  it('applies after a form only the plan the operator saw: a change meanwhile makes it stale', async () => {
    const stateFile = writeYamlState(dir, 'elicit-stale', SCENARIOS.passing);
    const args = { ...base('gw-raced', stateFile, { schema: 'gw_raced' }), mode: 'apply' };
    const env = { DATABRICKS_HOST: h.sandbox.url, DATABRICKS_TOKEN: canary, NODE_EXTRA_CA_CERTS: h.sandbox.caCertPath };
    // While the operator reads the form, someone else creates the endpoint with other settings.
    const racing = await connect({
      cwd: dir,
      env,
      elicit: async () => {
        const created = await h.call('POST', '/api/2.0/serving-endpoints', {
          body: { name: 'gw-raced', config: { served_entities: [{ name: 'x', entity_name: 'system.ai.gpt-oss-120b', entity_version: '1', provisioned_model_units: 50 }] } },
        });
        expect(created.status).toBe(200);
        return { action: 'accept', content: { confirm: true } };
      },
    });
    try {
      const text = await callError(racing.client, 'create_gateway', args);
      expect(text).toMatch(/plan_id is stale.*changed since the plan was made/);
      // The endpoint someone else made is left as it was: no ai_gateway was applied over it.
      expect((await h.call('GET', '/api/2.0/serving-endpoints/gw-raced')).body.ai_gateway).toBeUndefined();
    } finally {
      await racing.close();
    }
  });

  it('never shows the token: not in results, errors or the server log', async () => {
    const bogus = `dapi${'0123456789abcdef'.repeat(2)}`;
    const refused = await connect({ cwd: dir, env: { DATABRICKS_HOST: h.sandbox.url, DATABRICKS_TOKEN: bogus, NODE_EXTRA_CA_CERTS: h.sandbox.caCertPath } });
    try {
      const stateFile = writeYamlState(dir, 'canary', SCENARIOS.passing);
      const text = await callFails(base('gw-canary', stateFile), refused);
      expect(text).toMatch(/HTTP 401.*Check the credentials: DATABRICKS_TOKEN/s);
      expect(text + refused.stderr()).not.toContain(bogus);
    } finally {
      await refused.close();
    }
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.join('\n') + server.stderr()).not.toContain(canary);
  });

  it('without a workspace, names the settings and --sandbox', async () => {
    const none = await connect({ cwd: dir });
    try {
      const text = await callFails(base('gw-none', writeYamlState(dir, 'none', SCENARIOS.passing)), none);
      for (const name of ['DATABRICKS_HOST', 'DATABRICKS_TOKEN', 'DATABRICKS_CLIENT_ID', '--sandbox']) expect(text).toContain(name);
    } finally {
      await none.close();
    }
  });

  it('never echoes a password written into DATABRICKS_HOST, in any workspace tool', async () => {
    const password = 'pw-hunter2-canary';
    const bad = await connect({ cwd: dir, env: { DATABRICKS_HOST: `https://user:${password}@bad host`, DATABRICKS_TOKEN: 'dapi0123456789abcdef0123456789abcdef', DATABRICKS_WAREHOUSE_ID: 'abc' } });
    try {
      const stateFile = writeYamlState(dir, 'bad-host', SCENARIOS.passing);
      const texts = [
        await callFails(base('gw-badhost', stateFile), bad),
        await callError(bad.client, 'query_usage', {}),
        await callError(bad.client, 'tail_inference', { endpoint: 'gw-x' }),
        await callError(bad.client, 'validate_config', { endpoint: 'gw-x' }),
      ];
      for (const text of texts) expect(text).toMatch(/DATABRICKS_HOST/);
      expect(texts.join('\n') + bad.stderr()).not.toContain(password);
    } finally {
      await bad.close();
    }
  });
});

describe('create_gateway with OAuth M2M', () => {
  let m2m: Harness;
  const clock = manualClock();
  let client: Connected;
  beforeAll(async () => {
    m2m = await startHarness({ configUpdateMs: 200, tokenTtlSeconds: 60, now: clock.now });
    await createSchemas(m2m, 'workshop', SCHEMAS);
    // The service principal provisions as a team would: USE CATALOG, and its schema to create the payload table in.
    const clientId = m2m.sandbox.oauth.clientId;
    await m2m.call('PATCH', '/api/2.1/unity-catalog/permissions/catalog/workshop', { body: { changes: [{ principal: clientId, add: ['USE_CATALOG'] }] } });
    await m2m.call('PATCH', '/api/2.1/unity-catalog/permissions/schema/workshop.gw_m2m', { body: { changes: [{ principal: clientId, add: ['USE_SCHEMA', 'CREATE_TABLE', 'MANAGE'] }] } });
    client = await connect({
      cwd: dir,
      env: { DATABRICKS_HOST: m2m.sandbox.url, DATABRICKS_CLIENT_ID: m2m.sandbox.oauth.clientId, DATABRICKS_CLIENT_SECRET: m2m.sandbox.oauth.clientSecret, NODE_EXTRA_CA_CERTS: m2m.sandbox.caCertPath },
    });
  });
  afterAll(async () => {
    await client?.close();
    await m2m?.close();
  });

  it('refreshes an expiring access token between calls', async () => {
    const stateFile = writeYamlState(dir, 'm2m', SCENARIOS.passing);
    const args = base('gw-m2m', stateFile, { schema: 'gw_m2m' });
    const planned = await call(args, client);
    // Outlive the 60 s token by the workspace's clock; the apply must fetch a fresh one rather than fail with 401.
    clock.advance(61_000);
    const applied = await call({ ...args, mode: 'apply', plan_id: planned.plan_id }, client);
    expect(applied.status).toBe('applied');
    const live = await m2m.call('GET', '/api/2.0/serving-endpoints/gw-m2m');
    expect(live.body.creator).toBe(m2m.sandbox.oauth.clientId);
    expect(client.stderr()).not.toContain(m2m.sandbox.oauth.clientSecret);
  });
});
