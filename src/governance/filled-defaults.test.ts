import { describe, expect, it } from 'vitest';
import { DEFAULT_GUARDRAILS, DEFAULT_RATE_LIMITS, desiredGateway, type GatewayFacts, type GatewayRequest } from './desired-endpoint.js';
import { filledDefaults } from './filled-defaults.js';

const state = {
  llm_role_endpoints: { agent_chat: { endpoint: 'ep-a', candidates: ['ep-a', 'ep-c'], selected_after_probe: true } },
  endpoint_guardrail_audit: { 'ep-a': { short_chat_ok: true, streaming_ok: true }, 'ep-c': { short_chat_ok: true, streaming_ok: true } },
};
const request: GatewayRequest = {
  name: 'gw',
  form: 'dedicated',
  tokenSecret: { scope: 'gw', key: 'token' },
  provisionedUnits: 2,
  roles: ['agent_chat'],
  fallback: true,
  catalog: 'cat',
  schema: 'ops',
  tableNamePrefix: 'gw',
  rateLimits: [...DEFAULT_RATE_LIMITS, { key: 'user_group', renewal_period: 'minute', tokens: 1000, principal: 'ops' }],
  guardrails: DEFAULT_GUARDRAILS,
  grants: { agentServicePrincipal: 'sp-1', opsGroup: 'ops' },
};
const facts: GatewayFacts = {
  host: 'https://dbc-1.cloud.databricks.com',
  endpoints: { 'ep-a': { task: 'llm/v1/chat' }, 'ep-c': { task: 'llm/v1/chat' } },
  provisioned: { 'ep-a': { model: 'system.ai.m', version: '2', sizing: { kind: 'throughput-band', chunkSize: 50 } } },
};

describe('filledDefaults (README Known limits: what a GET fills in)', () => {
  it('finds nothing in an endpoint holding exactly what the product sends, in every form', () => {
    for (const form of ['dedicated', 'attach', 'provisioned'] as const) {
      const { body } = desiredGateway(state, { ...request, form, fallback: form === 'dedicated' }, facts);
      expect(filledDefaults(body), form).toEqual([]);
    }
  });

  it('names each non-empty field the workspace added, by its path, and ignores empty ones and what the plan does not compare', () => {
    const { body } = desiredGateway(state, request, facts);
    const live = {
      ai_gateway: { ...body.ai_gateway, guardrails: { input: { ...DEFAULT_GUARDRAILS.input, invalid_keywords: ['x'], valid_topics: [] } }, usage_tracking_config: { enabled: true, sampling: null } },
      config: {
        served_entities: body.config!.served_entities.map((e, i) => ({ ...e, scale_to_zero_enabled: false, ...(i === 0 ? { workload_size: 'Small', state: { deployment: 'DEPLOYMENT_READY' } } : {}) })),
      },
    };
    expect(filledDefaults(live)).toEqual([
      'ai_gateway.guardrails.input.invalid_keywords[]',
      'config.served_entities[0].workload_size',
      'config.served_entities[0].scale_to_zero_enabled',
      'config.served_entities[1].scale_to_zero_enabled',
    ]);
  });
});

describe('filledDefaults on malformed GET answers', () => {
  it('names nothing for a gateway block or served entity that is not an object', () => {
    expect(filledDefaults({ ai_gateway: 'enabled', config: { served_entities: [null, 'x', { name: 'a', workload_size: 'Small' }] } })).toEqual(['config.served_entities[2].workload_size']);
    expect(filledDefaults({ ai_gateway: { rate_limits: [{ key: 'user', calls: 1, extra: 1 }, { key: 'endpoint', extra: 2 }] } })).toEqual(['ai_gateway.rate_limits[].extra']);
  });
});
