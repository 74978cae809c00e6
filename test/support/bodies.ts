/** Create bodies for validation tests: one that satisfies every rule, and a way to break it one rule at a time. */
import { OPUS, SONNET } from './states.js';

export type Body = Record<string, unknown>;

export function goodBody(): Body {
  return {
    name: 'skyloyalty-ai-gateway',
    config: {
      served_entities: [
        { name: 'primary', entity_name: SONNET, entity_version: '1', workload_size: 'Small', scale_to_zero_enabled: true },
        { name: 'fallback', entity_name: OPUS, entity_version: '1', workload_size: 'Small', scale_to_zero_enabled: true },
      ],
      traffic_config: { routes: [{ served_entity_name: 'primary', traffic_percentage: 100 }, { served_entity_name: 'fallback', traffic_percentage: 0 }] },
    },
    ai_gateway: {
      usage_tracking_config: { enabled: true },
      inference_table_config: { enabled: true, catalog_name: 'workshop', schema_name: 'skyloyalty_ops', table_name_prefix: 'gw' },
      rate_limits: [
        { key: 'endpoint', renewal_period: 'minute', calls: 120 },
        { key: 'user', renewal_period: 'minute', calls: 20 },
      ],
      guardrails: { input: { pii: { behavior: 'BLOCK' }, safety: true }, output: { pii: { behavior: 'BLOCK' }, safety: true } },
      fallback_config: { enabled: true },
    },
  };
}

/** A deep copy of the good body with `edit` applied. */
export function bodyWith(edit: (body: any) => void): Body {
  const body = structuredClone(goodBody());
  edit(body);
  return body;
}
