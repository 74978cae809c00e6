/** The live-only checks of a gateway, finding by finding, with the words the audit shows the operator. */
import { describe, expect, it } from 'vitest';
import { bodyOfLive, checkLiveGateway, inferenceLocationOf, type LiveGateway, type LiveGrants } from './live-gateway-rules.js';

const gateway: LiveGateway = {
  name: 'gw',
  state: { config_update: 'NOT_UPDATING' },
  config: {
    served_entities: [{ name: 'llama', entity_name: 'main.ml.llama', entity_version: '1', workload_size: 'Small', scale_to_zero_enabled: true, creator: 'x' }],
    traffic_config: { routes: [{ served_entity_name: 'llama', traffic_percentage: 100 }] },
  },
  ai_gateway: {
    usage_tracking_config: { enabled: true },
    inference_table_config: { enabled: true, catalog_name: 'c', schema_name: 's', table_name_prefix: 'gw' },
    rate_limits: [{ key: 'endpoint', renewal_period: 'minute', calls: 10 }, { key: 'user', renewal_period: 'minute', calls: 2 }],
    guardrails: { input: { pii: { behavior: 'BLOCK' }, safety: true }, output: { pii: { behavior: 'BLOCK' }, safety: true } },
  },
};
const readable: LiveGrants = { catalog: { ops: ['USE_CATALOG'] }, schema: { ops: ['SELECT', 'USE_SCHEMA'] } };
const live = (findings: ReturnType<typeof checkLiveGateway>['findings'], prefix: string) => findings.filter((f) => f.rule.startsWith(prefix));
/** Without a state file the audited-entities rule can only say it could not run; these tests are about the rest. */
const withoutAuditNote = (findings: ReturnType<typeof checkLiveGateway>['findings']) => findings.filter((f) => f.rule !== 'f4.audited-entities');
const GRANT_FIX = 'Grant the ops group USE_CATALOG on c and USE_SCHEMA, SELECT on c.s (provisioning the gateway with an ops group does it); never ALL_PRIVILEGES';

describe('rollout state', () => {
  it.each([
    ['IN_PROGRESS', 'warning', 'a config update is IN_PROGRESS on gw: the checks above apply to the pending config', 'Check again once state.config_update is NOT_UPDATING'],
    ['UPDATE_FAILED', 'error', 'the last config update of gw ended UPDATE_FAILED: the endpoint does not serve the config that was asked for', "Read the endpoint's events in the Serving UI, fix the cause, and apply the config again"],
    ['UPDATE_CANCELED', 'error', 'the last config update of gw ended UPDATE_CANCELED: the endpoint does not serve the config that was asked for', "Read the endpoint's events in the Serving UI, fix the cause, and apply the config again"],
  ])('%s', (configUpdate, severity, message, fix) => {
    const result = checkLiveGateway({ ...gateway, state: { config_update: configUpdate } }, {});
    expect(live(result.findings, 'live.')).toEqual([{ rule: 'live.config-update', severity, path: '/config', message, fix }]);
    expect(result.valid).toBe(severity !== 'error');
  });

  it('finds nothing to say about a gateway that is not updating', () => {
    expect(withoutAuditNote(checkLiveGateway(gateway, {}).findings)).toEqual([]);
    expect(withoutAuditNote(checkLiveGateway({ ...gateway, state: undefined }, {}).findings)).toEqual([]);
  });
});

describe('ops grants on the inference tables', () => {
  it('names what the ops group lacks', () => {
    const result = checkLiveGateway(gateway, { grants: { catalog: { ops: ['USE_CATALOG'] }, schema: { ops: ['USE_SCHEMA'] } }, opsGroup: 'ops' });
    expect(withoutAuditNote(result.findings)).toEqual([
      { rule: 'live.ops-grants', severity: 'error', path: '/grants/schema', message: "the ops group ops lacks SELECT on the inference tables' catalog/schema c.s", fix: GRANT_FIX },
    ]);
    expect(result.valid).toBe(false);
  });

  it('accepts the named ops group when it holds every privilege', () => {
    expect(withoutAuditNote(checkLiveGateway(gateway, { grants: readable, opsGroup: 'ops' }).findings)).toEqual([]);
  });

  it('without a named group, needs some principal that can read, and counts only full readers', () => {
    expect(withoutAuditNote(checkLiveGateway(gateway, { grants: readable }).findings)).toEqual([]);
    expect(withoutAuditNote(checkLiveGateway(gateway, { grants: { catalog: {}, schema: { ops: ['SELECT', 'USE_SCHEMA'] } } }).findings)).toEqual([
      {
        rule: 'live.ops-grants',
        severity: 'error',
        path: '/grants/schema',
        message: 'no principal holds USE_CATALOG on c and USE_SCHEMA, SELECT on c.s, so no ops team can read the inference tables',
        fix: GRANT_FIX,
      },
    ]);
  });

  it('warns about ALL_PRIVILEGES on the catalog or the schema, before the errors are sorted first', () => {
    const grants = { catalog: { admins: ['ALL_PRIVILEGES'], ops: ['USE_CATALOG'] }, schema: { team: ['all privileges'], ops: ['SELECT', 'USE_SCHEMA'] } };
    expect(withoutAuditNote(checkLiveGateway(gateway, { grants, opsGroup: 'ops' }).findings)).toEqual([
      { rule: 'live.explicit-grants', severity: 'warning', path: '/grants/catalog', message: 'admins holds ALL_PRIVILEGES on c; F4 grants are explicit', fix: 'Replace ALL_PRIVILEGES with the specific privileges the principal needs' },
      { rule: 'live.explicit-grants', severity: 'warning', path: '/grants/schema', message: 'team holds ALL_PRIVILEGES on c.s; F4 grants are explicit', fix: 'Replace ALL_PRIVILEGES with the specific privileges the principal needs' },
    ]);
    const both = withoutAuditNote(checkLiveGateway({ ...gateway, state: { config_update: 'UPDATE_FAILED' } }, { grants, opsGroup: 'ops' }).findings).map((f) => f.severity);
    expect(both).toEqual(['error', 'warning', 'warning']);
  });

  it('checks no grants when inference tables are off or unlocated', () => {
    const off = { ...gateway, ai_gateway: { ...gateway.ai_gateway, inference_table_config: { enabled: false, catalog_name: 'c', schema_name: 's' } } };
    expect(live(checkLiveGateway(off, { grants: { catalog: {}, schema: {} } }).findings, 'live.')).toEqual([]);
    expect(inferenceLocationOf(off)).toBeUndefined();
    const noSchema = { ...gateway, ai_gateway: { ...gateway.ai_gateway, inference_table_config: { enabled: true, catalog_name: 'c' } } };
    expect(inferenceLocationOf(noSchema)).toBeUndefined();
    expect(inferenceLocationOf({ name: 'x' })).toBeUndefined();
    expect(inferenceLocationOf(gateway)).toEqual({ catalog: 'c', schema: 's' });
  });
});

describe('the state record', () => {
  const stateWith = (record: unknown) => ({ Foundation: { f4_gateway: record } });

  it('warns when the state records another prefix for this endpoint', () => {
    expect(withoutAuditNote(checkLiveGateway(gateway, { state: stateWith({ endpoint_name: 'gw', inference_table_prefix: 'old' }) }).findings)).toEqual([
      {
        rule: 'live.state-record',
        severity: 'warning',
        path: '/ai_gateway/inference_table_config/table_name_prefix',
        message: 'the state file records inference_table_prefix "old" for gw, but the endpoint uses "gw"',
        fix: 'Provision the gateway again (plan, then apply) so Foundation.f4_gateway matches the workspace',
      },
    ]);
    const noTable = { ...gateway, ai_gateway: { ...gateway.ai_gateway, inference_table_config: undefined } };
    expect(live(checkLiveGateway(noTable, { state: stateWith({ endpoint_name: 'gw', inference_table_prefix: 'old' }) }).findings, 'live.state')[0]?.message).toBe(
      'the state file records inference_table_prefix "old" for gw, but the endpoint uses null',
    );
  });

  it('says nothing for a matching record, another endpoint\'s record, or none', () => {
    for (const state of [stateWith({ endpoint_name: 'gw', inference_table_prefix: 'gw' }), stateWith({ endpoint_name: 'other', inference_table_prefix: 'x' }), stateWith('gw'), { Foundation: 'x' }, {}]) {
      expect(live(checkLiveGateway(gateway, { state }).findings, 'live.state')).toEqual([]);
    }
  });
});

describe('bodyOfLive', () => {
  it('reads the pending config when there is no current one, and keeps only the input fields', () => {
    const pending = { name: 'gw', pending_config: { served_entities: [{ name: 'a', entity_name: 'm', workload_type: 'GPU_SMALL', environment_vars: { A: '1' }, state: {} }] } };
    expect(bodyOfLive(pending)).toEqual({ name: 'gw', config: { served_entities: [{ name: 'a', entity_name: 'm', workload_type: 'GPU_SMALL', environment_vars: { A: '1' } }] } });
  });

  it('leaves out an empty ai_gateway and a missing config', () => {
    expect(bodyOfLive({ name: 'gw', ai_gateway: {} })).toEqual({ name: 'gw' });
    expect(bodyOfLive({ name: 'gw', config: {} })).toEqual({ name: 'gw', config: { served_entities: [] } });
  });

  it('checks only the ai_gateway block of a pay-per-token endpoint Databricks serves', () => {
    const fmapi: LiveGateway = { ...gateway, config: { served_entities: [{ name: 'x', foundation_model: { name: 'm' } }] }, ai_gateway: { ...gateway.ai_gateway, rate_limits: [] } };
    const findings = checkLiveGateway(fmapi, {}).findings;
    expect(findings.every((f) => !f.path.startsWith('/config'))).toBe(true);
    expect(findings.map((f) => f.rule)).toContain('f4.rate-limits');
    const mixed: LiveGateway = { ...fmapi, config: { served_entities: [{ name: 'x', foundation_model: { name: 'm' } }, { name: 'y' }] } };
    expect(checkLiveGateway(mixed, {}).findings.some((f) => f.path.startsWith('/config'))).toBe(true);
  });
});

describe('a live gateway with parts missing', () => {
  it('sorts errors before warnings, whichever check found them', () => {
    const rolling: LiveGateway = { name: 'gw', state: { config_update: 'IN_PROGRESS' }, ai_gateway: gateway.ai_gateway };
    const result = checkLiveGateway(rolling, { state: { Foundation: { f4_gateway: { endpoint_name: 'gw', inference_table_prefix: 'x' } } }, grants: { catalog: {}, schema: {} } });
    expect(result.findings.map((f) => [f.rule, f.severity])).toEqual([
      ['api.served-entities', 'error'],
      ['live.ops-grants', 'error'],
      ['live.config-update', 'warning'],
      ['live.state-record', 'warning'],
    ]);
  });

  it('checks the config of an endpoint that serves nothing, as it is not a pay-per-token one', () => {
    const empty = checkLiveGateway({ ...gateway, config: { served_entities: [] } }, {}).findings;
    expect(empty.map((f) => [f.rule, f.path])).toEqual([['api.served-entities', '/config/served_entities']]);
  });

  it('locates no inference table without a catalog name', () => {
    expect(inferenceLocationOf({ ...gateway, ai_gateway: { inference_table_config: { enabled: true, schema_name: 's' } } })).toBeUndefined();
  });

  it('rebuilds the body with exactly the input fields and the traffic config the endpoint has', () => {
    expect(bodyOfLive(gateway)).toStrictEqual({
      name: 'gw',
      config: {
        served_entities: [{ name: 'llama', entity_name: 'main.ml.llama', entity_version: '1', workload_size: 'Small', scale_to_zero_enabled: true }],
        traffic_config: { routes: [{ served_entity_name: 'llama', traffic_percentage: 100 }] },
      },
      ai_gateway: gateway.ai_gateway,
    });
    expect(bodyOfLive({ name: 'gw', config: { served_entities: [{ name: 'a', state: {} }] } })).toStrictEqual({ name: 'gw', config: { served_entities: [{ name: 'a' }] } });
  });
});

describe('grants and records at the edges', () => {
  it('names every schema privilege an ops group lacks when it holds none there', () => {
    const found = checkLiveGateway(gateway, { grants: { catalog: { ops: ['USE_CATALOG'] }, schema: {} }, opsGroup: 'ops' }).findings;
    expect(live(found, 'live.').map((f) => f.message)).toEqual(["the ops group ops lacks USE_SCHEMA, SELECT on the inference tables' catalog/schema c.s"]);
  });

  it('warns about ALL_PRIVILEGES held next to explicit privileges', () => {
    const found = checkLiveGateway(gateway, { grants: { catalog: { ops: ['USE_CATALOG', 'ALL_PRIVILEGES'] }, schema: readable.schema }, opsGroup: 'ops' }).findings;
    expect(live(found, 'live.').map((f) => f.message)).toEqual(['ops holds ALL_PRIVILEGES on c; F4 grants are explicit']);
  });

  it('compares the recorded prefix with none when the endpoint has no gateway block', () => {
    const found = checkLiveGateway({ name: 'gw', config: gateway.config }, { state: { Foundation: { f4_gateway: { endpoint_name: 'gw', inference_table_prefix: 'gw' } } } }).findings;
    expect(live(found, 'live.').map((f) => f.message)).toEqual(['the state file records inference_table_prefix "gw" for gw, but the endpoint uses null']);
  });
});
