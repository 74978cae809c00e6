/**
 * The workspace the sandbox starts with: serving endpoints, the people and service principals that call
 * them, and teams. The REST side serves these endpoints; the warehouse seeds usage and payload rows for them.
 * Deterministic and static: the random parts of the seed data are drawn from `seed` elsewhere.
 */

export interface SeedServedEntity {
  /** Stable id, the join key between usage rows and `system.serving.served_entities`. */
  id: string;
  name: string;
  entityName: string;
  entityVersion: string;
  entityType: 'FOUNDATION_MODEL' | 'EXTERNAL_MODEL';
  /** Price per million tokens, used by the seed of the pricing examples. */
  dollarsPerMillionInput: number;
  dollarsPerMillionOutput: number;
}

export interface SeedEndpoint {
  name: string;
  id: string;
  servedEntities: SeedServedEntity[];
  /** AiGatewayConfig as GET returns it, or undefined for a plain FMAPI endpoint. */
  aiGateway?: Record<string, unknown>;
  /** Creation time, epoch ms, relative to the seed's "now" when negative. */
  createdBy: string;
}

export const ADMIN = 'admin@example.com';
export const AGENT_SP = '6f1c2a4e-0b7d-4c1e-9a55-3e2f8b9d1c07';
export const OPS_GROUP = 'gateway-ops';

export const USERS = [
  'alice@example.com',
  'bob@example.com',
  'carol@example.com',
  'dan@example.com',
  'erin@example.com',
  'frank@example.com',
] as const;

/** Service principals (application ids). The first one is the runaway agent of the spike. */
export const SERVICE_PRINCIPALS = [
  'b3d9f1a2-7c44-4e8e-8f0a-1d2c3b4a5e6f',
  AGENT_SP,
  'c0ffee00-1234-4abc-9def-0123456789ab',
] as const;

export const RUNAWAY_AGENT = SERVICE_PRINCIPALS[0];

export const TEAMS = ['loyalty', 'support', 'finance', 'platform'] as const;

/** The secret holding the token that dedicated gateways use to call pay-per-token endpoints. */
export const GATEWAY_SECRET = { scope: 'ai-gateway', key: 'fmapi-token' } as const;

const fm = (
  id: string,
  entityName: string,
  dollarsPerMillionInput: number,
  dollarsPerMillionOutput: number,
): SeedServedEntity => ({
  id,
  name: entityName,
  entityName,
  entityVersion: '1',
  entityType: 'FOUNDATION_MODEL',
  dollarsPerMillionInput,
  dollarsPerMillionOutput,
});

/** Foundation Model API endpoints: the candidates that role probes audit. */
export const FMAPI_ENDPOINTS: SeedEndpoint[] = [
  { name: 'databricks-claude-sonnet-4-6', id: 'ep-0001', createdBy: ADMIN, servedEntities: [fm('se-0001', 'databricks-claude-sonnet-4-6', 3, 15)] },
  { name: 'databricks-claude-opus-4-5', id: 'ep-0002', createdBy: ADMIN, servedEntities: [fm('se-0002', 'databricks-claude-opus-4-5', 15, 75)] },
  { name: 'databricks-meta-llama-3-3-70b-instruct', id: 'ep-0003', createdBy: ADMIN, servedEntities: [fm('se-0003', 'databricks-meta-llama-3-3-70b-instruct', 0.5, 1.5)] },
  { name: 'databricks-gpt-oss-120b', id: 'ep-0004', createdBy: ADMIN, servedEntities: [fm('se-0004', 'databricks-gpt-oss-120b', 0.15, 0.6)] },
];

/** Gateways that already exist, with usage history and (for the first) an inference table. */
export const GATEWAY_ENDPOINTS: SeedEndpoint[] = [
  {
    name: 'skyloyalty-ai-gateway',
    id: 'ep-0101',
    createdBy: ADMIN,
    servedEntities: [
      { ...fm('se-0101', 'databricks-claude-sonnet-4-6', 3, 15), name: 'claude-sonnet-46' },
      { ...fm('se-0102', 'databricks-claude-opus-4-5', 15, 75), name: 'claude-opus-45' },
    ],
    aiGateway: {
      usage_tracking_config: { enabled: true },
      inference_table_config: { enabled: true, catalog_name: 'workshop', schema_name: 'skyloyalty_ops', table_name_prefix: 'gw' },
      rate_limits: [
        { key: 'endpoint', renewal_period: 'minute', calls: 120 },
        { key: 'user', renewal_period: 'minute', calls: 20 },
      ],
      guardrails: {
        input: { pii: { behavior: 'BLOCK' }, safety: true },
        output: { pii: { behavior: 'BLOCK' }, safety: true },
      },
      fallback_config: { enabled: true },
    },
  },
  {
    name: 'support-bot-gateway',
    id: 'ep-0102',
    createdBy: ADMIN,
    servedEntities: [{ ...fm('se-0103', 'databricks-meta-llama-3-3-70b-instruct', 0.5, 1.5), name: 'llama-70b' }],
    aiGateway: {
      usage_tracking_config: { enabled: true },
      rate_limits: [{ key: 'endpoint', renewal_period: 'minute', calls: 60 }],
    },
  },
];

export const SEED_ENDPOINTS: SeedEndpoint[] = [...FMAPI_ENDPOINTS, ...GATEWAY_ENDPOINTS];
