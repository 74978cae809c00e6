/**
 * The workspace the sandbox starts with: serving endpoints, the people and service principals that call
 * them, and teams. The REST side serves these endpoints; the warehouse seeds usage and payload rows for them.
 * Deterministic and static: the random parts of the seed data are drawn from `seed` elsewhere.
 */

/** What a seeded served entity serves, in one of the forms Databricks documents (reference §1). */
export type SeedServed =
  /**
   * A pay-per-token endpoint's own foundation model (Databricks creates and owns these endpoints); GET names the
   * `system.ai` registered model behind it in `served_entities[].foundation_model.name`.
   */
  | { kind: 'foundation-model'; displayName: string; registeredModel: string }
  /** An external model with provider `databricks-model-serving` wrapping another endpoint of this workspace. */
  | { kind: 'wrapped-endpoint'; endpoint: string }
  /** A `system.ai` model under Provisioned Throughput, in a throughput band. */
  | { kind: 'provisioned'; minThroughput: number; maxThroughput: number };

export interface SeedServedEntity {
  /** Stable id, the join key between usage rows and `system.serving.served_entities`. */
  id: string;
  name: string;
  /**
   * What system.serving.served_entities calls the entity: the foundation model, the wrapped endpoint of an
   * external model, or the system.ai model.
   */
  entityName: string;
  entityVersion: string;
  entityType: 'FOUNDATION_MODEL' | 'EXTERNAL_MODEL';
  served: SeedServed;
  /** Share of the endpoint's traffic; 0 marks a fallback-only entity. */
  trafficPercentage: number;
  /** Price per million tokens, used by the seed of the pricing examples. */
  dollarsPerMillionInput: number;
  dollarsPerMillionOutput: number;
}

export interface SeedEndpoint {
  name: string;
  id: string;
  /** The endpoint's task, e.g. `llm/v1/chat`. */
  task: string;
  servedEntities: SeedServedEntity[];
  /** AiGatewayConfig as GET returns it, or undefined for a plain FMAPI endpoint. */
  aiGateway?: Record<string, unknown>;
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

/**
 * UC connections that exist from the start: one HTTP connection to a team's MCP server (what an MCP service is
 * registered over) and one database connection, which an MCP service cannot use.
 */
export const SEED_CONNECTIONS = [
  { fullName: 'workshop.skyloyalty_ops.github_mcp', connectionType: 'HTTP', url: 'https://mcp.example.com/github', owner: ADMIN },
  { fullName: 'workshop.skyloyalty_ops.crm_postgres', connectionType: 'POSTGRESQL', url: 'crm.example.com:5432', owner: ADMIN },
] as const;

/** Catalogs and schemas that exist from the start: the workshop's ops and demo schemas, an ML schema, main.default. */
export const SEED_SCHEMAS: readonly (readonly [catalog: string, schema: string])[] = [
  ['workshop', 'skyloyalty_ops'],
  ['workshop', 'demo_team'],
  // The team schema of the example state files (examples/), so --sandbox works from the first call.
  ['workshop', 'agent_ops'],
  ['workshop', 'default'],
  ['ml', 'gateway'],
  ['main', 'default'],
];

/** Unity Catalog volumes that exist from the start (owned by the metastore admin): where teams keep files such as state files. */
export const SEED_VOLUMES: readonly (readonly [catalog: string, schema: string, volume: string])[] = [['workshop', 'skyloyalty_ops', 'gateway_state']];

/** The secret holding the token that dedicated gateways use to call pay-per-token endpoints. */
export const GATEWAY_SECRET = { scope: 'ai-gateway', key: 'fmapi-token' } as const;

const CHAT = 'llm/v1/chat';

/** A Foundation Model API pay-per-token endpoint: the candidates that role probes audit. */
const payPerToken = (
  id: string,
  name: string,
  displayName: string,
  registeredModel: string,
  [dollarsPerMillionInput, dollarsPerMillionOutput]: [number, number],
  task = CHAT,
): SeedEndpoint => ({
  name,
  id: `ep-${id}`,
  task,
  createdBy: ADMIN,
  servedEntities: [
    {
      id: `se-${id}`,
      name,
      entityName: name,
      entityVersion: '1',
      entityType: 'FOUNDATION_MODEL',
      served: { kind: 'foundation-model', displayName, registeredModel },
      trafficPercentage: 100,
      dollarsPerMillionInput,
      dollarsPerMillionOutput,
    },
  ],
});

const SONNET_PRICE: [number, number] = [3, 15];
const OPUS_PRICE: [number, number] = [15, 75];
const LLAMA_PRICE: [number, number] = [0.5, 1.5];

/**
 * The registered model behind each endpoint, as a live GET names it (public live responses:
 * `databricks-glm-5-2` → `foundation_model.name: "system.ai.databricks-glm-5-2"`, and scripts serving
 * `system.ai.llama_v3_3_70b_instruct`). Opus 4.5's model is deliberately not listed in `system.ai` here: an
 * endpoint whose model the workspace does not list is a case the product must block on.
 */
export const FMAPI_ENDPOINTS: SeedEndpoint[] = [
  payPerToken('0001', 'databricks-claude-sonnet-4-6', 'Claude Sonnet 4.6', 'system.ai.databricks-claude-sonnet-4-6', SONNET_PRICE),
  payPerToken('0002', 'databricks-claude-opus-4-5', 'Claude Opus 4.5', 'system.ai.databricks-claude-opus-4-5', OPUS_PRICE),
  payPerToken('0003', 'databricks-meta-llama-3-3-70b-instruct', 'Meta Llama 3.3 70B Instruct', 'system.ai.llama_v3_3_70b_instruct', LLAMA_PRICE),
  payPerToken('0004', 'databricks-gpt-oss-120b', 'GPT OSS 120B', 'system.ai.gpt-oss-120b', [0.15, 0.6]),
  payPerToken('0005', 'databricks-gte-large-en', 'GTE Large (English)', 'system.ai.gte-large-en', [0.1, 0], 'llm/v1/embeddings'),
];

/** A served entity of a dedicated gateway: an external model wrapping a pay-per-token endpoint. */
const wrapping = (id: string, name: string, endpoint: string, trafficPercentage: number, [input, output]: [number, number]): SeedServedEntity => ({
  id,
  name,
  entityName: endpoint,
  entityVersion: '1',
  entityType: 'EXTERNAL_MODEL',
  served: { kind: 'wrapped-endpoint', endpoint },
  trafficPercentage,
  dollarsPerMillionInput: input,
  dollarsPerMillionOutput: output,
});

/**
 * Gateways that already exist, with usage history: a dedicated gateway of external models with a 0 % fallback
 * and an inference table (the workshop's F4 shape in a form Databricks documents), and a Provisioned Throughput
 * endpoint with usage tracking and a rate limit.
 */
export const GATEWAY_ENDPOINTS: SeedEndpoint[] = [
  {
    name: 'skyloyalty-ai-gateway',
    id: 'ep-0101',
    task: CHAT,
    createdBy: ADMIN,
    servedEntities: [
      wrapping('se-0101', 'claude-sonnet-46', 'databricks-claude-sonnet-4-6', 100, SONNET_PRICE),
      wrapping('se-0102', 'claude-opus-45', 'databricks-claude-opus-4-5', 0, OPUS_PRICE),
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
    task: CHAT,
    createdBy: ADMIN,
    servedEntities: [
      {
        id: 'se-0103',
        name: 'llama-70b',
        entityName: 'system.ai.llama_v3_3_70b_instruct',
        entityVersion: '1',
        entityType: 'FOUNDATION_MODEL',
        served: { kind: 'provisioned', minThroughput: 0, maxThroughput: 9500 },
        trafficPercentage: 100,
        dollarsPerMillionInput: LLAMA_PRICE[0],
        dollarsPerMillionOutput: LLAMA_PRICE[1],
      },
    ],
    aiGateway: {
      usage_tracking_config: { enabled: true },
      rate_limits: [{ key: 'endpoint', renewal_period: 'minute', calls: 60 }],
    },
  },
];

export const SEED_ENDPOINTS: SeedEndpoint[] = [...FMAPI_ENDPOINTS, ...GATEWAY_ENDPOINTS];
