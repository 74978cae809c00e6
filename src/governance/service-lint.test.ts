import { describe, expect, it } from 'vitest';
import { bodyKindOf, lintMcpServiceBody, lintModelServiceBody } from './service-lint.js';

const ppt = (model: string, name = model) => ({ name, destination_type: 'DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL', pay_per_token_config: { model: `models/system.ai.${model}` } });
const good = () => ({
  config: {
    routing: { destinations: [ppt('claude-sonnet-4-6')], fallback: { destinations: [ppt('gpt-oss-120b')] } },
    rate_limits: [
      { key: 'RATE_LIMIT_KEY_SERVICE', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 120 },
      { key: 'RATE_LIMIT_KEY_USER_DEFAULT', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 20 },
    ],
    inference_table: { parent: 'schemas/main.team', table_name_prefix: 'gw' },
  },
});
const pass = { short_chat_ok: true, streaming_ok: true, long_context_ok: true, accepted_min_context_chars: 1, audited_at: new Date().toISOString() };
const state = {
  llm_role_endpoints: { agent_chat: { endpoint: 'databricks-claude-sonnet-4-6', candidates: ['databricks-claude-sonnet-4-6', 'databricks-gpt-oss-120b'], selected_after_probe: true } },
  endpoint_guardrail_audit: { 'databricks-claude-sonnet-4-6': pass, 'databricks-gpt-oss-120b': pass },
};
const errorsOf = (body: unknown, withState = false) => lintModelServiceBody(body, withState ? { state } : {}).findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.path}`);

describe('model-service bodies', () => {
  it('passes the F4 body, with the guardrail policy reminder as a warning', () => {
    const result = lintModelServiceBody(good(), { state });
    expect(result.valid).toBe(true);
    expect(result.findings).toEqual([expect.objectContaining({ rule: 'f4.guardrails', severity: 'warning' })]);
  });

  it.each([
    ['11 destinations', (b: any) => (b.config.routing.destinations = Array.from({ length: 11 }, (_, i) => ppt('gpt-oss-120b', `d${i}`))), 'unity.shape /config/routing/destinations'],
    ['6 fallbacks', (b: any) => (b.config.routing.fallback.destinations = Array.from({ length: 6 }, (_, i) => ppt('gpt-oss-120b', `f${i}`))), 'unity.shape /config/routing/fallback/destinations'],
    ['two configs', (b: any) => (b.config.routing.destinations[0].external_model_config = {}), 'unity.shape /config/routing/destinations/0'],
    ['a bad key', (b: any) => (b.config.rate_limits[0].key = 'endpoint'), 'unity.shape /config/rate_limits/0/key'],
    ['a user limit without principal', (b: any) => (b.config.rate_limits[1].key = 'RATE_LIMIT_KEY_USER'), 'unity.shape /config/rate_limits/1/principal'],
    ['no rate limits', (b: any) => (b.config.rate_limits = []), 'f4.rate-limits /config/rate_limits'],
    ['a trailing underscore', (b: any) => (b.config.inference_table.table_name_prefix = 'gw_'), 'f4.table-prefix /config/inference_table/table_name_prefix'],
    ['no inference table', (b: any) => delete b.config.inference_table, 'f4.inference-tables /config/inference_table'],
    ['guardrails as a field', (b: any) => (b.config.guardrails = {}), 'unity.shape /config/guardrails'],
  ])('refuses %s', (_label, mutate, expected) => {
    const body = good();
    mutate(body);
    expect(errorsOf(body)).toContain(expected);
  });

  it('with a state file, refuses a destination no audited passing endpoint stands behind', () => {
    const body = good();
    body.config.routing.fallback.destinations.push(ppt('llama-4-maverick'));
    expect(errorsOf(body, true)).toEqual(['f4.audited-entities /config/routing']);
  });
});

describe('MCP-service bodies and the shape switch', () => {
  it('checks the connection name and request-only limits', () => {
    expect(lintMcpServiceBody({ config: { source_connection: { name: 'connections/main.team.github' } } }).valid).toBe(true);
    const bad = lintMcpServiceBody({ config: { source_connection: { name: 'github' }, rate_limits: [{ key: 'RATE_LIMIT_KEY_SERVICE', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', tokens: 5 }] } });
    expect(bad.findings.map((f) => f.path)).toEqual(['/config/source_connection/name', '/config/rate_limits/0/tokens']);
  });

  it('reads the API from the body shape', () => {
    expect(bodyKindOf(good())).toBe('model_service');
    expect(bodyKindOf({ config: { source_connection: {} } })).toBe('mcp_service');
    expect(bodyKindOf({ name: 'x', config: { served_entities: [] } })).toBe('serving_endpoint');
  });
});
