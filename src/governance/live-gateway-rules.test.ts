import { describe, expect, it } from 'vitest';
import { bodyOfLive, checkLiveGateway, type LiveGateway } from './live-gateway-rules.js';

const WRAP_EP_A = {
  name: 'ep-a',
  provider: 'databricks-model-serving',
  task: 'llm/v1/chat',
  databricks_model_serving_config: { databricks_workspace_url: 'https://dbc-1.cloud.databricks.com', databricks_api_token: '{{secrets/gw/token}}' },
};

const gateway: LiveGateway = {
  name: 'gw',
  state: { ready: 'READY', config_update: 'NOT_UPDATING' },
  config: {
    served_entities: [{ name: 'a', external_model: WRAP_EP_A, creator: 'x', creation_timestamp: 1, state: { deployment: 'DEPLOYMENT_READY' } }],
    traffic_config: { routes: [{ served_entity_name: 'a', traffic_percentage: 100 }] },
  },
  ai_gateway: {
    usage_tracking_config: { enabled: true },
    inference_table_config: { enabled: true, catalog_name: 'c', schema_name: 's', table_name_prefix: 'gw' },
    rate_limits: [{ key: 'endpoint', renewal_period: 'minute', calls: 10 }, { key: 'user', renewal_period: 'minute', calls: 2 }],
    guardrails: { input: { pii: { behavior: 'BLOCK' }, safety: true }, output: { pii: { behavior: 'BLOCK' }, safety: true } },
  },
};
const state = {
  llm_role_endpoints: { agent_chat: { endpoint: 'ep-a', candidates: ['ep-a'], selected_after_probe: true } },
  endpoint_guardrail_audit: { 'ep-a': { short_chat_ok: true, streaming_ok: true, audited_at: new Date().toISOString() } },
  Foundation: { f4_gateway: { endpoint_name: 'gw', inference_table_prefix: 'gw_old' } },
};
const readable = { catalog: { ops: ['USE_CATALOG'] }, schema: { ops: ['SELECT', 'USE_SCHEMA'] } };

describe('checkLiveGateway', () => {
  it('drops server-filled fields before checking the body', () => {
    expect((bodyOfLive(gateway).config as { served_entities: unknown[] }).served_entities).toEqual([{ name: 'a', external_model: WRAP_EP_A }]);
  });

  it('passes a compliant gateway whose ops group can read, warning about a stale state record', () => {
    const result = checkLiveGateway(gateway, { state, grants: readable, opsGroup: 'ops' });
    expect(result.valid).toBe(true);
    expect(result.findings.map((f) => f.rule)).toEqual(['live.state-record']);
  });

  it('flags missing ops grants, a failed rollout and the catalog rules', () => {
    const broken: LiveGateway = { ...gateway, state: { config_update: 'UPDATE_FAILED' }, ai_gateway: { ...gateway.ai_gateway, usage_tracking_config: { enabled: false }, rate_limits: [] } };
    const result = checkLiveGateway(broken, { grants: { catalog: {}, schema: { ops: ['SELECT'] } }, opsGroup: 'ops' });
    expect(result.valid).toBe(false);
    expect(result.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['f4.usage-tracking', 'f4.rate-limits', 'live.config-update', 'live.ops-grants']));
    expect(result.findings.find((f) => f.rule === 'live.ops-grants')?.message).toMatch(/ops lacks USE_CATALOG, USE_SCHEMA/);
    expect(checkLiveGateway(gateway, { grants: { catalog: {}, schema: {} } }).findings.map((f) => f.rule)).toContain('live.ops-grants');
  });
});
