/**
 * What a served entity may serve, checked against what the workspace holds (PY `ServedEntityInput`, reference
 * §1): `entity_name` names a Unity Catalog model at a registered version, or a FEATURE_SPEC function; a
 * `system.ai` foundation model is served by Provisioned Throughput only at an eligible version and with the
 * field its family uses. The real error texts for most of these are unknown; each refusal here names the field
 * and the fix, in Databricks' error shape.
 */
import { invalid } from './error-replies.js';
import { count, object, oneOf, onlyFields, string, type Json } from './rest-fields.js';
import type { ServableEntity, UnknownEntity } from './models.routes.js';

/** What entity checks need to know about the workspace. */
export interface EntityCatalog {
  resolveEntity(entityName: string, entityVersion: string | undefined): ServableEntity | UnknownEntity;
  /** Whether a serving endpoint of that name exists. */
  endpointExists(name: string): boolean;
  /** The task of an existing serving endpoint (e.g. `llm/v1/chat`); undefined when it has none or does not exist. */
  endpointTask(name: string): string | undefined;
  /** Whether a secret scope exists and, when `key` is given, holds that key. */
  secretExists(scope: string, key?: string): boolean;
}

/**
 * A name without dots is not a Unity Catalog name. It would be a workspace Model Registry model, which the
 * sandbox does not hold; in practice it is the name of a serving endpoint (endpoint names cannot hold dots), the
 * mistake of the workshop's body. The message says what to do instead.
 */
function notAModel(path: string, name: string, endpointExists: boolean): never {
  const why = endpointExists
    ? `'${name}' is a serving endpoint, not a registered model. To govern that endpoint, configure its AI gateway (PUT /api/2.0/serving-endpoints/${name}/ai-gateway), or serve it here as an external_model with provider 'databricks-model-serving'.`
    : `'${name}' is not a registered model: name a Unity Catalog model as catalog.schema.model.`;
  throw invalid(`Invalid ${path}.entity_name: ${why}`);
}

/** Checks a served entity that names `entity_name` (not an external model); returns what it serves. */
export function checkRegisteredEntity(entity: Json, path: string, catalog: EntityCatalog): ServableEntity {
  const name = entity.entity_name as string;
  if (!name.includes('.')) notAModel(path, name, catalog.endpointExists(name));
  const version = entity.entity_version as string | undefined;
  const resolved = catalog.resolveEntity(name, version);
  if ('problem' in resolved) {
    if (resolved.unknown === 'version' && version === undefined) {
      throw invalid(`Missing required field ${path}.entity_version: a registered model is served at one of its versions.`);
    }
    const field = resolved.unknown === 'version' ? 'entity_version' : 'entity_name';
    throw invalid(`Invalid ${path}.${field}: ${resolved.problem}. List models and versions with GET /api/2.1/unity-catalog/models.`);
  }
  if (resolved.kind === 'foundation-model') checkProvisionedThroughput(entity, path, resolved);
  return resolved;
}

const THROUGHPUT_FIELDS = ['min_provisioned_throughput', 'max_provisioned_throughput'] as const;
const given = (entity: Json, fields: readonly string[]) => fields.filter((f) => entity[f] !== undefined);

/** A `system.ai` model: an eligible version, and the provisioning field of its family (reference §1 form 3). */
function checkProvisionedThroughput(entity: Json, path: string, model: Extract<ServableEntity, { kind: 'foundation-model' }>): void {
  const subject = `Served entity ${model.fullName} (version ${model.version})`;
  if (entity.workload_size !== undefined) {
    throw invalid(
      `Invalid ${path}.workload_size: workload_size sizes CPU/GPU compute for custom models; a foundation model is served by Provisioned Throughput. Remove it and set provisioned_model_units or min/max_provisioned_throughput.`,
    );
  }
  const { provisioning } = model;
  if (provisioning.kind === 'not-eligible') {
    throw invalid(
      `${subject} is not eligible for Provisioned Throughput (${path}.entity_name). Check GET /api/2.0/serving-endpoints/get-model-optimization-info/${model.fullName}/${model.version}, or use its pay-per-token endpoint.`,
    );
  }
  const throughput = given(entity, THROUGHPUT_FIELDS);
  if (provisioning.kind === 'model-units') {
    if (throughput.length > 0) {
      throw invalid(
        `${subject} is not eligible for Provisioned Throughput with ${throughput.join(' and ')} (${path}): it is served in model units. Set ${path}.provisioned_model_units instead.`,
      );
    }
    if (entity.provisioned_model_units === undefined) {
      throw invalid(`Missing required field ${path}.provisioned_model_units: ${model.fullName} is served in model units.`);
    }
    const asked = count(entity.provisioned_model_units, `${path}.provisioned_model_units`);
    if (asked === 0) throw invalid(`Invalid ${path}.provisioned_model_units: provision at least one model unit.`);
    // Units come in the chunk get-model-optimization-info reports (the docs' create script asks multiples of
    // model_unit_chunk_size); the refusal text is the sandbox's own: no source quotes it.
    if (asked % provisioning.chunkSize !== 0) {
      throw invalid(`Invalid ${path}.provisioned_model_units ${asked}: it must be a multiple of the model unit chunk size ${provisioning.chunkSize} for ${model.fullName}.`);
    }
    return;
  }
  const chunk = provisioning.chunkSize;
  if (entity.provisioned_model_units !== undefined) {
    throw invalid(
      `${subject} is not eligible for Provisioned Throughput in model units (${path}.provisioned_model_units): set min_provisioned_throughput and max_provisioned_throughput in multiples of ${chunk} tokens per second.`,
    );
  }
  if (throughput.length < 2) {
    throw invalid(`Missing required field ${path}.${THROUGHPUT_FIELDS.find((f) => entity[f] === undefined)}: ${model.fullName} is provisioned in bands of ${chunk} tokens per second.`);
  }
  const [min, max] = THROUGHPUT_FIELDS.map((f) => count(entity[f], `${path}.${f}`));
  for (const [field, value] of [[THROUGHPUT_FIELDS[0], min!], [THROUGHPUT_FIELDS[1], max!]] as const) {
    if (value % chunk !== 0) {
      throw invalid(`Invalid ${path}.${field} ${value}: it must be a multiple of the throughput chunk size ${chunk} for ${model.fullName}.`);
    }
  }
  if (max! === 0 || min! > max!) {
    throw invalid(`Invalid ${path}: min_provisioned_throughput (${min}) must not exceed max_provisioned_throughput (${max}), which must be at least ${chunk}.`);
  }
}

export const EXTERNAL_TASKS = ['llm/v1/chat', 'llm/v1/completions', 'llm/v1/embeddings'];

/** Each provider and the one config block it takes (PY `ExternalModel`). */
export const PROVIDER_CONFIGS = {
  ai21labs: 'ai21labs_config',
  anthropic: 'anthropic_config',
  'amazon-bedrock': 'amazon_bedrock_config',
  cohere: 'cohere_config',
  'databricks-model-serving': 'databricks_model_serving_config',
  'google-cloud-vertex-ai': 'google_cloud_vertex_ai_config',
  openai: 'openai_config',
  palm: 'palm_config',
  custom: 'custom_provider_config',
} as const satisfies Record<string, string>;
type Provider = keyof typeof PROVIDER_CONFIGS;
export const EXTERNAL_MODEL_FIELDS = ['provider', 'name', 'task', ...Object.values(PROVIDER_CONFIGS)] as const;
export const DATABRICKS_MODEL_SERVING_FIELDS = ['databricks_workspace_url', 'databricks_api_token', 'databricks_api_token_plaintext'] as const;

/** Fields that belong to custom model serving and may not sit beside an external model (PY `ServedEntityInput`). */
const REGISTERED_MODEL_FIELDS = ['entity_name', 'entity_version', 'workload_size', 'workload_type', 'scale_to_zero_enabled'];

const SECRET_REFERENCE = /^\{\{secrets\/([^/{}]+)\/([^/{}]+)\}\}$/;

/** Checks a served entity that is an `external_model`. */
export function checkExternalModel(entity: Json, path: string, catalog: EntityCatalog): void {
  const beside = REGISTERED_MODEL_FIELDS.filter((f) => entity[f] !== undefined);
  if (beside.length > 0) {
    throw invalid(`Invalid ${path}: ${beside.join(', ')} cannot be set together with external_model; they configure serving of a registered model.`);
  }
  const at = `${path}.external_model`;
  const external = object(entity.external_model, at);
  onlyFields(external, EXTERNAL_MODEL_FIELDS, at);
  const provider = oneOf(external.provider, Object.keys(PROVIDER_CONFIGS), `${at}.provider`) as Provider;
  const name = string(external.name, `${at}.name`);
  const task = oneOf(external.task, EXTERNAL_TASKS, `${at}.task`);
  const configField: string = PROVIDER_CONFIGS[provider];
  for (const field of Object.values(PROVIDER_CONFIGS)) {
    if (field !== configField && external[field] !== undefined) {
      throw invalid(`Invalid ${at}.${field}: provider '${provider}' takes ${configField}, not ${field}.`);
    }
  }
  if (external[configField] === undefined) throw invalid(`Missing required field ${at}.${configField} for provider '${provider}'.`);
  const config = object(external[configField], `${at}.${configField}`);
  if (provider === 'databricks-model-serving') checkDatabricksModelServing(config, name, task, at, catalog);
}

/**
 * An external model that wraps a serving endpoint of this workspace (reference §1 form 2). The endpoint must
 * exist and serve the same task. The error texts a workspace gives for a missing endpoint or secret are unknown;
 * these name the field and the fix.
 */
function checkDatabricksModelServing(config: Json, name: string, task: string, at: string, catalog: EntityCatalog): void {
  const path = `${at}.databricks_model_serving_config`;
  onlyFields(config, DATABRICKS_MODEL_SERVING_FIELDS, path);
  if (config.databricks_workspace_url === undefined) throw invalid(`Missing required field ${path}.databricks_workspace_url.`);
  const url = string(config.databricks_workspace_url, `${path}.databricks_workspace_url`);
  if (!/^https:\/\/[^/\s]+\/?$/.test(url)) throw invalid(`Invalid ${path}.databricks_workspace_url '${url}': expected the workspace URL, https://<host>.`);
  const reference = config.databricks_api_token;
  if ((reference === undefined) === (config.databricks_api_token_plaintext === undefined)) {
    throw invalid(`Invalid ${path}: set exactly one of databricks_api_token (a secret reference {{secrets/<scope>/<key>}}) or databricks_api_token_plaintext.`);
  }
  if (reference !== undefined) {
    const match = SECRET_REFERENCE.exec(string(reference, `${path}.databricks_api_token`));
    if (!match) throw invalid(`Invalid ${path}.databricks_api_token: expected a secret reference {{secrets/<scope>/<key>}}.`);
    const [, scope = '', key = ''] = match;
    if (!catalog.secretExists(scope)) {
      throw invalid(`Invalid ${path}.databricks_api_token: secret scope '${scope}' does not exist. Create it and the key with the Secrets API (databricks secrets create-scope ${scope}).`);
    }
    if (!catalog.secretExists(scope, key)) {
      throw invalid(`Invalid ${path}.databricks_api_token: secret scope '${scope}' has no key '${key}'. Write it first (databricks secrets put-secret ${scope} ${key}).`);
    }
  } else {
    string(config.databricks_api_token_plaintext, `${path}.databricks_api_token_plaintext`);
  }
  if (!catalog.endpointExists(name)) {
    throw invalid(`Invalid ${at}.name: serving endpoint '${name}' does not exist in this workspace. List endpoints with GET /api/2.0/serving-endpoints.`);
  }
  const served = catalog.endpointTask(name);
  if (served !== undefined && served !== task) {
    throw invalid(`Invalid ${at}.task '${task}': serving endpoint '${name}' serves '${served}'.`);
  }
}
