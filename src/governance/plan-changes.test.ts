/**
 * What a plan shows a reviewer, piece by piece: the exact changes (JSON-pointer paths, from, to), each warning's
 * words, the steps apply will take, and the digests that decide whether a plan is stale.
 */
import { describe, expect, it } from 'vitest';
import { gatewayRequest } from '../../test/support/gateway-request.js';
import { desiredGateway, type GatewayRequest } from './desired-endpoint.js';
import { buildPlan, canonical, diff, endpointChanges, equal, escape, grantAndRecordChanges, liveDigest, planDigest, withoutEmpty, withoutTimestamp, type LiveEndpoint, type LiveSnapshot } from './plan-diff.js';

const entry = { short_chat_ok: true, streaming_ok: true, audited_at: new Date().toISOString() };
const state = {
  llm_role_endpoints: { agent_chat: { endpoint: 'ep-a', candidates: ['ep-a', 'ep-b'], selected_after_probe: true } },
  endpoint_guardrail_audit: { 'ep-a': entry, 'ep-b': entry },
};
const request = gatewayRequest({ tokenSecret: { scope: 'gw', key: 'token' } });
const facts = { host: 'https://h', endpoints: { 'ep-a': { task: 'llm/v1/chat' }, 'ep-b': { task: 'llm/v1/chat' } } };
const desired = (overrides: Partial<GatewayRequest> = {}) => desiredGateway(state, { ...request, ...overrides }, facts);

/** A live endpoint that already matches `d`, with `gateway` merged over its ai_gateway. */
function liveOf(d = desired(), gateway: Record<string, unknown> = {}, extra: Partial<LiveEndpoint> = {}): LiveSnapshot {
  return {
    endpoint: { state: { config_update: 'NOT_UPDATING' }, config: d.body.config, ai_gateway: { ...d.body.ai_gateway, ...gateway }, ...extra },
    grants: {},
    stateRecord: d.record,
  };
}

describe('warnings on an update', () => {
  it('plans nothing and warns of nothing when the endpoint matches', () => {
    expect(buildPlan(desired(), liveOf())).toEqual({
      action: 'none',
      changes: [],
      warnings: [],
      steps: { putAiGateway: false, putConfig: false, moveInferenceTable: false, grants: [], recordState: false },
    });
  });

  it('says apply waits for a config update in progress', () => {
    const plan = buildPlan(desired(), liveOf(desired(), {}, { state: { config_update: 'IN_PROGRESS' } }));
    expect(plan.warnings).toEqual(['A config update is IN_PROGRESS on gw right now: apply waits for it to finish before changing anything.']);
    expect(plan.action).toBe('none');
  });

  it('replaces the whole ai_gateway block, naming what it removes', () => {
    const plan = buildPlan(desired(), liveOf(desired(), { fallback_config: { enabled: true }, extra: { a: 1 } }));
    expect(plan.warnings).toEqual(['PUT …/ai-gateway replaces the whole ai_gateway block of gw: fallback_config, extra (set now, absent from this plan) will be removed.']);
    expect(plan.changes).toEqual([
      { path: '/ai_gateway/extra', from: { a: 1 }, to: null },
      { path: '/ai_gateway/fallback_config', from: { enabled: true }, to: null },
    ]);
    expect(plan).toMatchObject({ action: 'update', steps: { putAiGateway: true, putConfig: false } });
  });

  it('warns of a whole-block PUT even when nothing is removed', () => {
    const plan = buildPlan(desired({ tableNamePrefix: 'gw2' }), liveOf());
    expect(plan.warnings).toContain('PUT …/ai-gateway replaces the whole ai_gateway block of gw.');
  });

  it('moves the inference table only when both sides enable it at different locations', () => {
    const moved = buildPlan(desired(), liveOf(desired(), { inference_table_config: { enabled: true, catalog_name: 'cat', schema_name: 'ops', table_name_prefix: 'old' } }));
    expect(moved.steps.moveInferenceTable).toBe(true);
    expect(moved.warnings[0]).toBe(
      'The inference-table location cannot change in place (cat.ops.old_payload → cat.ops.gw_payload): apply first disables inference tables, then enables them at the new location. cat.ops.old_payload stops receiving rows, and requests between the two calls are not logged.',
    );
    const wasOff = buildPlan(desired(), liveOf(desired(), { inference_table_config: { enabled: false, catalog_name: 'x', schema_name: 'y' } }));
    expect(wasOff.steps.moveInferenceTable).toBe(false);
    const samePlace = buildPlan(desired(), liveOf(desired(), { inference_table_config: { enabled: true, catalog_name: 'cat', schema_name: 'ops', table_name_prefix: 'gw', extra: 1 } }));
    expect(samePlace.steps.moveInferenceTable).toBe(false);
  });

  it('reads a missing prefix as the endpoint name with underscores, as Databricks does', () => {
    const live = liveOf(desired(), { inference_table_config: { enabled: true, catalog_name: 'cat', schema_name: 'ops' } });
    const plan = buildPlan(desired({ name: 'my-gw', tableNamePrefix: 'my_gw' }), { ...live, endpoint: { ...live.endpoint, name: 'my-gw' } });
    expect(plan.steps.moveInferenceTable).toBe(false);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, string[]]>([
    ['PII off on output', { output: { pii: { behavior: 'MASK' }, safety: true } }, { output: { safety: true } }, ['Guardrails loosened: the output PII guardrail goes from MASK to NONE.']],
    ['PII tightened', { input: { pii: { behavior: 'MASK' } } }, { input: { pii: { behavior: 'BLOCK' } } }, []],
    ['PII kept', { input: { pii: { behavior: 'BLOCK' } } }, { input: { pii: { behavior: 'BLOCK' } } }, []],
    ['an unknown PII level', { input: { pii: { behavior: 'STRICT' } } }, { input: { pii: { behavior: 'NONE' } } }, []],
    ['safety off on input', { input: { safety: true } }, { input: { safety: false } }, ['Guardrails loosened: the input safety guardrail is turned off.']],
    ['safety dropped', { input: { safety: true } }, {}, ['Guardrails loosened: the input safety guardrail is turned off.']],
    ['safety turned on', { input: { safety: false } }, { input: { safety: true } }, []],
  ])('guardrails: %s', (_name, from, to, warnings) => {
    const plan = buildPlan(desired({ guardrails: to as GatewayRequest['guardrails'] }), liveOf(desired(), { guardrails: from }));
    expect(plan.warnings.filter((w) => w.startsWith('Guardrails'))).toEqual(warnings);
  });

  it.each<[string, unknown[], GatewayRequest['rateLimits'], string[]]>([
    ['a limit removed', [{ key: 'user', calls: 20, tokens: 1000 }], [], ['Rate limits loosened: the user limit (20 calls and 1000 tokens per minute) is removed.']],
    ['a principal limit removed', [{ key: 'user_group', principal: 'ops', tokens: 5 }], [], ['Rate limits loosened: the user_group:ops limit (5 tokens per minute) is removed.']],
    ['a keyless limit raised', [{ calls: 10 }], [{ key: 'endpoint', renewal_period: 'minute', calls: 11 }], ['Rate limits loosened: the endpoint limit goes from 10 to 11 calls per minute.']],
    ['a token limit lifted', [{ key: 'user', calls: 5, tokens: 100 }], [{ key: 'user', renewal_period: 'minute', calls: 5 }], ['Rate limits loosened: the user limit goes from 100 to unlimited tokens per minute.']],
    ['a limit lowered or kept', [{ key: 'user', calls: 20, tokens: 100 }], [{ key: 'user', renewal_period: 'minute', calls: 10, tokens: 100 }], []],
    ['a limit that was not a number', [{ key: 'user', calls: 'many' }], [{ key: 'user', renewal_period: 'minute', calls: 10 }], []],
    ['limits that are not a list', 'x' as unknown as unknown[], [], []],
  ])('rate limits: %s', (_name, from, to, warnings) => {
    const plan = buildPlan(desired({ rateLimits: to }), liveOf(desired(), { rate_limits: from }));
    expect(plan.warnings.filter((w) => w.startsWith('Rate limits'))).toEqual(warnings);
  });

  it('warns that new served entities start a long-running config update, naming both sides', () => {
    const live = liveOf(desired(), {}, { config: { served_entities: [{ name: 'old', entity_name: 'system.ai.old' }, { name: 'x' }], traffic_config: { routes: [] } } });
    const plan = buildPlan(desired(), live);
    expect(plan.steps.putConfig).toBe(true);
    expect(plan.warnings).toEqual([
      'The served entities change (system.ai.old, x → ep-a): PUT …/config starts a long-running config update; the endpoint serves its old config until it finishes, and no other change is accepted meanwhile.',
    ]);
    const none = buildPlan(desired(), liveOf(desired(), {}, { config: { traffic_config: { routes: [] } } }));
    expect(none.warnings[0]).toMatch(/^The served entities change \(none → ep-a\)/);
  });

  it('compares against the pending config while an update runs, with routes by served_model_name', () => {
    const d = desired();
    const pending = { served_entities: d.body.config!.served_entities, traffic_config: { routes: [{ served_model_name: 'ep-a', traffic_percentage: 100 }] } };
    const plan = buildPlan(d, liveOf(d, {}, { config: { served_entities: [] }, pending_config: pending }));
    expect(plan.changes).toEqual([]);
  });
});

describe('grants and the state record', () => {
  const grant = { securable: 'schema' as const, fullName: 'cat.o/s~x', principal: 'team/ops', privileges: ['USE_SCHEMA', 'SELECT'] };

  it('adds only the privileges missing, with an escaped path and sorted lists', () => {
    const changes: never[] = [];
    const live: LiveSnapshot<unknown> = { endpoint: undefined, grants: { 'schema:cat.o/s~x': { 'team/ops': ['SELECT', 'BROWSE'] } }, stateRecord: { a: 1, updated_at: 'yesterday' } };
    const result = grantAndRecordChanges({ grants: [grant], record: { a: 1 } }, live, changes);
    expect(result).toEqual({ grants: [{ ...grant, missing: ['USE_SCHEMA'] }], recordState: false });
    expect(changes).toEqual([{ path: '/grants/schema/cat.o~1s~0x/team~1ops', from: ['BROWSE', 'SELECT'], to: ['BROWSE', 'SELECT', 'USE_SCHEMA'] }]);
  });

  it('records the state when it differs, from null when there is none', () => {
    const changes: unknown[] = [];
    expect(grantAndRecordChanges({ grants: [], record: { a: 1 } }, { endpoint: undefined, grants: {}, stateRecord: undefined }, changes as never[])).toEqual({ grants: [], recordState: true });
    expect(changes).toEqual([{ path: '/state/Foundation/f4_gateway', from: null, to: { a: 1 } }]);
  });

  it('plans a create with the name, then config, then gateway changes', () => {
    const plan = buildPlan(desired(), { endpoint: undefined, grants: {}, stateRecord: undefined });
    expect(plan.changes[0]).toEqual({ path: '/name', from: null, to: 'gw' });
    expect(plan.changes[1]?.path).toMatch(/^\/config\//);
    expect(plan.steps).toMatchObject({ putAiGateway: false, putConfig: false, recordState: true });
  });
});

describe('diff helpers', () => {
  it('lists leaf changes in key order, lists whole, a new object as its leaves and a removed one whole', () => {
    expect(diff({ b: 1, a: [1, 2], c: { d: 1 } }, { a: [1, 3], b: 1, e: { f: { g: 2 } } }, '')).toEqual([
      { path: '/a', from: [1, 2], to: [1, 3] },
      { path: '/c', from: { d: 1 }, to: null },
      { path: '/e/f/g', from: null, to: 2 },
    ]);
    expect(diff(1, { x: 1 }, '/p')).toEqual([{ path: '/p', from: 1, to: { x: 1 } }]);
    expect(diff({ k: 1 }, { k: 1 }, '/p')).toEqual([]);
  });

  it('escapes ~ and / in keys as JSON pointers do', () => {
    expect(escape('a/b~c')).toBe('a~1b~0c');
    expect(diff({}, { 'a/b': 1 }, '')).toEqual([{ path: '/a~1b', from: null, to: 1 }]);
  });

  it('drops empty members at any depth, keeps false and 0', () => {
    expect(withoutEmpty({ a: null, b: [], c: {}, d: { e: { f: [] } }, g: [{ h: null }], i: false, j: 0, k: '' })).toEqual({ g: [{}], i: false, j: 0, k: '' });
  });

  it('ignores the record timestamp, and compares values with keys in any order', () => {
    expect(withoutTimestamp({ a: 1, updated_at: 'x' })).toEqual({ a: 1 });
    expect(withoutTimestamp(undefined)).toBeUndefined();
    expect(equal({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toBe(true);
    expect(equal([1, 2], [2, 1])).toBe(false);
    expect(canonical(undefined)).toBe('null');
    expect(canonical({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });

  it('takes an endpoint with no gateway block as an empty one', () => {
    const d = desired();
    const { gatewayChanges, configChanges } = endpointChanges(d, { config: d.body.config });
    expect(gatewayChanges.length).toBeGreaterThan(0);
    expect(configChanges).toEqual([]);
    expect(endpointChanges({ ...d, body: { ...d.body, config: undefined } }, undefined).configChanges).toEqual([]);
  });
});

describe('digests', () => {
  it('changes the plan digest with the body, the grants or the record, and only then', () => {
    const d = desired();
    expect(planDigest(desired())).toBe(planDigest(d));
    expect(planDigest({ ...d, grants: [{ securable: 'catalog', fullName: 'c', principal: 'p', privileges: ['USE_CATALOG'] }] })).not.toBe(planDigest(d));
    expect(planDigest({ ...d, record: { ...d.record, form: 'attach' } })).not.toBe(planDigest(d));
    expect(planDigest({ ...d, warnings: ['w'] })).toBe(planDigest(d));
    expect(planDigest(d)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('changes the live digest with any part of the live side but the record timestamp', () => {
    const live = liveOf();
    const base = liveDigest(live);
    const ep = live.endpoint!;
    expect(liveDigest({ ...live, stateRecord: { ...live.stateRecord, updated_at: 'now' } })).toBe(base);
    expect(liveDigest({ ...live, endpoint: { ...ep, state: { config_update: 'IN_PROGRESS' } } })).not.toBe(base);
    expect(liveDigest({ ...live, endpoint: { ...ep, pending_config: ep.config } })).not.toBe(base);
    expect(liveDigest({ ...live, endpoint: { ...ep, ai_gateway: undefined } })).not.toBe(base);
    expect(liveDigest({ ...live, endpoint: { ...ep, config: undefined } })).not.toBe(base);
    expect(liveDigest({ ...live, grants: { 'catalog:c': {} } })).not.toBe(base);
    expect(liveDigest({ ...live, endpoint: undefined })).not.toBe(base);
    expect(liveDigest({ ...live, endpoint: { ...ep, state: undefined } })).toBe(liveDigest({ ...live, endpoint: { ...ep, state: {} } }));
  });
});

describe('a live endpoint with parts missing or moved', () => {
  it('keeps the warnings of the desired gateway first, and never moves the table of an endpoint still to create', () => {
    const d = { ...desired(), warnings: ['attach configures …'] };
    const created = buildPlan(d, { endpoint: undefined, grants: {}, stateRecord: undefined });
    expect(created.warnings).toEqual(['attach configures …']);
    expect(created.steps.moveInferenceTable).toBe(false);
    expect(buildPlan(d, liveOf(desired())).warnings).toEqual(['attach configures …']);
  });

  it('plans against an endpoint that reports no state, no config, no inference table and no guardrails', () => {
    const d = desired();
    const { inference_table_config: _table, guardrails: _guardrails, ...rest } = d.body.ai_gateway;
    const plan = buildPlan(d, { endpoint: { ai_gateway: rest }, grants: {}, stateRecord: d.record });
    expect(plan.action).toBe('update');
    expect(plan.steps).toMatchObject({ putConfig: true, putAiGateway: true, moveInferenceTable: false });
    expect(plan.warnings).toContain(
      'The served entities change (none → ep-a): PUT …/config starts a long-running config update; the endpoint serves its old config until it finishes, and no other change is accepted meanwhile.',
    );
    expect(plan.warnings.filter((w) => w.startsWith('Guardrails'))).toEqual([]);
  });

  it('names every served entity a config update brings', () => {
    const d = desired({ fallback: true });
    const plan = buildPlan(d, { endpoint: { ai_gateway: d.body.ai_gateway }, grants: {}, stateRecord: d.record });
    expect(plan.warnings).toEqual([
      'The served entities change (none → ep-a, ep-b): PUT …/config starts a long-running config update; the endpoint serves its old config until it finishes, and no other change is accepted meanwhile.',
    ]);
  });

  it('reads a config without traffic_config as no routes', () => {
    const d = desired();
    const plan = buildPlan(d, liveOf(d, {}, { config: { served_entities: d.body.config!.served_entities } }));
    expect(plan.changes).toEqual([{ path: '/config/traffic_config/routes', from: [], to: [{ served_entity_name: 'ep-a', traffic_percentage: 100 }] }]);
  });

  it('sees traffic sent to another entity, or in another share, as a change', () => {
    const d = desired();
    const routed = (routes: Array<Record<string, unknown>>) => buildPlan(d, liveOf(d, {}, { config: { served_entities: d.body.config!.served_entities, traffic_config: { routes } } })).changes;
    expect(routed([{ served_entity_name: 'ep-b', traffic_percentage: 100 }])).toEqual([
      { path: '/config/traffic_config/routes', from: [{ served_entity_name: 'ep-b', traffic_percentage: 100 }], to: [{ served_entity_name: 'ep-a', traffic_percentage: 100 }] },
    ]);
    expect(routed([{ served_entity_name: 'ep-a', traffic_percentage: 50 }])).toHaveLength(1);
    expect(routed([{ served_entity_name: 'ep-a', traffic_percentage: 100 }])).toEqual([]);
  });

  it('shows the privileges held as none when the principal holds nothing yet', () => {
    const changes: unknown[] = [];
    grantAndRecordChanges({ grants: [{ securable: 'catalog', fullName: 'cat', principal: 'ops', privileges: ['USE_CATALOG'] }], record: {} }, { endpoint: undefined, grants: {}, stateRecord: {} }, changes as never[]);
    expect(changes).toEqual([{ path: '/grants/catalog/cat/ops', from: [], to: ['USE_CATALOG'] }]);
  });

  it('does not call a tightened rate limit loosened', () => {
    const plan = buildPlan(desired({ rateLimits: [{ key: 'user', renewal_period: 'minute', calls: 10, tokens: 50 }] }), liveOf(desired(), { rate_limits: [{ key: 'user', calls: 20, tokens: 100 }] }));
    expect(plan.warnings.filter((w) => w.startsWith('Rate limits'))).toEqual([]);
  });

  it('changes the live digest when the gateway block changes', () => {
    const live = liveOf();
    const ep = live.endpoint!;
    expect(liveDigest({ ...live, endpoint: { ...ep, ai_gateway: { ...ep.ai_gateway, usage_tracking_config: { enabled: false } } } })).not.toBe(liveDigest(live));
  });

  it('drops members that are undefined, as JSON would', () => {
    expect(withoutEmpty({ a: undefined, b: 1 })).toStrictEqual({ b: 1 });
  });
});
