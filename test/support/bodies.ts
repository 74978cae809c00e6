/**
 * Create bodies for validation tests, in the forms the Databricks API documents: a dedicated gateway of external
 * models wrapping the audited pay-per-token endpoints (satisfies every rule), a Provisioned Throughput body of
 * the system.ai model behind an audited endpoint, the workshop's literal body (which the API refuses), and a
 * way to break a body one rule at a time.
 */
import { OPUS, SONNET } from './states.js';

export type Body = Record<string, unknown>;

const wrap = (name: string, endpoint: string) => ({
  name,
  external_model: {
    name: endpoint,
    provider: 'databricks-model-serving',
    task: 'llm/v1/chat',
    databricks_model_serving_config: { databricks_workspace_url: 'https://dbc-1234.cloud.databricks.com', databricks_api_token: '{{secrets/ai-gateway/fmapi-token}}' },
  },
});

const gateway = () => ({
  usage_tracking_config: { enabled: true },
  inference_table_config: { enabled: true, catalog_name: 'workshop', schema_name: 'skyloyalty_ops', table_name_prefix: 'gw' },
  rate_limits: [
    { key: 'endpoint', renewal_period: 'minute', calls: 120 },
    { key: 'user', renewal_period: 'minute', calls: 20 },
  ],
  guardrails: { input: { pii: { behavior: 'BLOCK' }, safety: true }, output: { pii: { behavior: 'BLOCK' }, safety: true } },
});

export function goodBody(): Body {
  return {
    name: 'skyloyalty-ai-gateway',
    config: {
      served_entities: [wrap('primary', SONNET), wrap('fallback', OPUS)],
      traffic_config: { routes: [{ served_entity_name: 'primary', traffic_percentage: 100 }, { served_entity_name: 'fallback', traffic_percentage: 0 }] },
    },
    ai_gateway: { ...gateway(), fallback_config: { enabled: true } },
  };
}

/** Provisioned Throughput of the model behind an audited endpoint (the state's LLAMA role endpoint). */
export function provisionedBody(): Body {
  return {
    name: 'summarizer-gateway',
    config: {
      served_entities: [{ name: 'llama', entity_name: 'system.ai.llama_v3_3_70b_instruct', entity_version: '1', min_provisioned_throughput: 0, max_provisioned_throughput: 9500, scale_to_zero_enabled: true }],
      traffic_config: { routes: [{ served_entity_name: 'llama', traffic_percentage: 100 }] },
    },
    ai_gateway: gateway(),
  };
}

/** The F4 workshop's create body: a pay-per-token endpoint name as entity_name, with custom-model compute. */
export function workshopBody(): Body {
  return {
    name: 'skyloyalty-ai-gateway',
    config: { served_entities: [{ entity_name: SONNET, entity_version: '1', workload_size: 'Small' }] },
    ai_gateway: gateway(),
  };
}

/** A deep copy of `base` (default the good body) with `edit` applied. */
export function bodyWith(edit: (body: any) => void, base: () => Body = goodBody): Body {
  const body = structuredClone(base());
  edit(body);
  return body;
}

const payPerToken = (endpoint: string) => ({
  name: endpoint.replace(/^databricks-/, ''),
  destination_type: 'DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL',
  pay_per_token_config: { model: `models/system.ai.${endpoint.replace(/^databricks-/, '')}` },
});

/** A Unity AI Gateway model service (reference §2): routing to the audited endpoints' system.ai models. */
export function modelServiceBody(): Body {
  return {
    config: {
      routing: { destinations: [payPerToken(SONNET)], fallback: { destinations: [payPerToken(OPUS)] } },
      rate_limits: [
        { key: 'RATE_LIMIT_KEY_SERVICE', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 120 },
        { key: 'RATE_LIMIT_KEY_USER_DEFAULT', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 20 },
      ],
      inference_table: { parent: 'schemas/workshop.skyloyalty_ops', table_name_prefix: 'gw' },
    },
  };
}

/** A Unity AI Gateway MCP service over a Unity Catalog connection. */
export function mcpServiceBody(): Body {
  return {
    config: {
      source_connection: { name: 'connections/workshop.skyloyalty_ops.github_mcp' },
      rate_limits: [{ key: 'RATE_LIMIT_KEY_SERVICE', renewal_period: 'RATE_LIMIT_RENEWAL_PERIOD_MINUTE', requests: 30 }],
    },
  };
}
