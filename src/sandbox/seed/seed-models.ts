/**
 * The Unity Catalog models the sandbox's metastore holds: the foundation models Databricks publishes under
 * `system.ai`, one custom model and one FEATURE_SPEC function a team registered. Serving endpoints may only
 * serve what is listed here, and `system.ai` models only at versions that Provisioned Throughput accepts.
 */

/**
 * How Provisioned Throughput serves one version of a foundation model (reference §1, form 3), as
 * get-model-optimization-info answers it (the docs' provisioned-throughput create script reads
 * `model_unit_chunk_size` or `throughput_chunk_size` from that reply):
 * - `model-units`: `provisioned_model_units` in multiples of `chunkSize`, created through
 *   `POST /api/2.0/serving-endpoints/pt` (current families: GPT OSS, Llama 4 Maverick, …);
 * - `throughput-band`: `min/max_provisioned_throughput` in multiples of `chunkSize` tokens per second
 *   (legacy Llama 3.x, GTE, BGE);
 * - `not-eligible`: listed in `system.ai` but not servable with Provisioned Throughput (no Claude model
 *   appears in the model-units list).
 */
export type Provisioning = { kind: 'model-units'; chunkSize: number } | { kind: 'throughput-band'; chunkSize: number } | { kind: 'not-eligible' };

export interface SeedModelVersion {
  /** Unity Catalog model versions are integers; serving endpoints name them as strings ("1"). */
  version: number;
  /** Foundation models only; custom models are served on CPU/GPU compute, not Provisioned Throughput. */
  provisioning?: Provisioning;
}

export interface SeedRegisteredModel {
  catalog: string;
  schema: string;
  name: string;
  versions: SeedModelVersion[];
  /** What an endpoint serving a foundation model answers, e.g. `llm/v1/chat`. */
  task?: string;
}

/**
 * Public live evidence (a project's design notes, 2026-08-13): the optimization-info API reported
 * `system.ai.gpt-oss-120b/1` as `optimizable=true` with `model_unit_chunk_size=50`.
 */
export const MODEL_UNIT_CHUNK = 50;
const units: Provisioning = { kind: 'model-units', chunkSize: MODEL_UNIT_CHUNK };
const band = (chunkSize: number): Provisioning => ({ kind: 'throughput-band', chunkSize });
const notEligible: Provisioning = { kind: 'not-eligible' };

const foundation = (name: string, ...versions: Provisioning[]): SeedRegisteredModel => ({
  catalog: 'system',
  schema: 'ai',
  name,
  task: 'llm/v1/chat',
  versions: versions.map((provisioning, i) => ({ version: i + 1, provisioning })),
});

/** The chunk size of the Llama 3.3 band, as public notebooks read it from get-model-optimization-info. */
export const LLAMA_3_3_CHUNK = 9500;

/**
 * The registered models of `system.ai`. Their names are irregular, as in a workspace (reference §2, corrected
 * 2026-12-06): Claude models carry a `databricks-` infix (PY `catalog.py` ModelServiceConfigProvisionedThroughputConfig
 * example `system.ai.databricks-claude-opus-4-6`; public scripts route to `models/system.ai.databricks-claude-sonnet-4`),
 * Llama 3.3 is `llama_v3_3_70b_instruct` (public scripts: `models/system.ai.llama_v3_3_70b_instruct`), GPT OSS has
 * no infix (sdk-py issue 1081: `system.ai.gpt-oss-120b`). No name can be derived from another.
 */
export const SYSTEM_AI_MODELS: SeedRegisteredModel[] = [
  foundation('gpt-oss-120b', units, units),
  // Version 2 is published but not yet optimizable: a version the workspace lists is not proof it can be served.
  foundation('llama-4-maverick', units, notEligible),
  foundation('llama_v3_3_70b_instruct', band(LLAMA_3_3_CHUNK)),
  { ...foundation('gte-large-en', band(20000)), task: 'llm/v1/embeddings' },
  foundation('databricks-claude-sonnet-4-6', notEligible),
];

/** Models and functions a team registered in its own schema (custom model serving, feature serving). */
export const CUSTOM_MODELS: SeedRegisteredModel[] = [
  { catalog: 'workshop', schema: 'skyloyalty_ops', name: 'loyalty_churn_classifier', versions: [{ version: 1 }, { version: 2 }] },
];

/** UC functions of type FEATURE_SPEC, which a served entity may name like a model (catalog.schema.function). */
export const FEATURE_SPECS: readonly string[] = ['workshop.skyloyalty_ops.member_features'];

export const SEED_MODELS: SeedRegisteredModel[] = [...SYSTEM_AI_MODELS, ...CUSTOM_MODELS];

/**
 * The built-in model services of `system.ai`, the names agents call (`system.ai.claude-sonnet-4-6`, no infix), each
 * routing to its registered model (reference §2; ucode: "no `databricks-` infix — that only appears on the inner
 * destination name"). `supportedApiTypes` are values public clients read from live listings (`anthropic/v1/messages`
 * for Claude, `openai/v1/chat/completions`, `mlflow/v1/embeddings`). Llama 3.3 has no built-in service here: its
 * registered model is found from its pay-per-token endpoint only, as on a workspace whose listing lacks it.
 */
export interface SeedSystemService {
  id: string;
  registeredModel: string;
  supportedApiTypes: string[];
}

export const SYSTEM_AI_SERVICES: SeedSystemService[] = [
  { id: 'claude-sonnet-4-6', registeredModel: 'system.ai.databricks-claude-sonnet-4-6', supportedApiTypes: ['anthropic/v1/messages'] },
  { id: 'gpt-oss-120b', registeredModel: 'system.ai.gpt-oss-120b', supportedApiTypes: ['openai/v1/chat/completions'] },
  { id: 'llama-4-maverick', registeredModel: 'system.ai.llama-4-maverick', supportedApiTypes: ['openai/v1/chat/completions'] },
  { id: 'gte-large-en', registeredModel: 'system.ai.gte-large-en', supportedApiTypes: ['mlflow/v1/embeddings'] },
];
