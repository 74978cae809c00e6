/**
 * The Unity Catalog models the sandbox's metastore holds: the foundation models Databricks publishes under
 * `system.ai`, one custom model and one FEATURE_SPEC function a team registered. Serving endpoints may only
 * serve what is listed here, and `system.ai` models only at versions that Provisioned Throughput accepts.
 */

/**
 * How Provisioned Throughput serves one version of a foundation model (reference §1, form 3):
 * - `model-units`: `provisioned_model_units` (current families: GPT OSS, Llama 4 Maverick, …);
 * - `throughput-band`: `min/max_provisioned_throughput` in multiples of `chunkSize` tokens per second
 *   (legacy Llama 3.x, GTE, BGE);
 * - `not-eligible`: listed in `system.ai` but not servable with Provisioned Throughput (no Claude model
 *   appears in the model-units list).
 */
export type Provisioning = { kind: 'model-units' } | { kind: 'throughput-band'; chunkSize: number } | { kind: 'not-eligible' };

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

const units: Provisioning = { kind: 'model-units' };
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

export const SYSTEM_AI_MODELS: SeedRegisteredModel[] = [
  foundation('gpt-oss-120b', units, units),
  // Version 2 is published but not yet optimizable: a version the workspace lists is not proof it can be served.
  foundation('llama-4-maverick', units, notEligible),
  foundation('meta-llama-3-3-70b-instruct', band(LLAMA_3_3_CHUNK)),
  { ...foundation('gte-large-en', band(20000)), task: 'llm/v1/embeddings' },
  foundation('claude-sonnet-4-6', notEligible),
];

/** Models and functions a team registered in its own schema (custom model serving, feature serving). */
export const CUSTOM_MODELS: SeedRegisteredModel[] = [
  { catalog: 'workshop', schema: 'skyloyalty_ops', name: 'loyalty_churn_classifier', versions: [{ version: 1 }, { version: 2 }] },
];

/** UC functions of type FEATURE_SPEC, which a served entity may name like a model (catalog.schema.function). */
export const FEATURE_SPECS: readonly string[] = ['workshop.skyloyalty_ops.member_features'];

export const SEED_MODELS: SeedRegisteredModel[] = [...SYSTEM_AI_MODELS, ...CUSTOM_MODELS];
