/**
 * What a served entity may serve, checked against what the workspace holds (PY `ServedEntityInput`, reference
 * §1): `entity_name` names a Unity Catalog model at a registered version, or a FEATURE_SPEC function; a
 * `system.ai` foundation model is served by Provisioned Throughput only at an eligible version and with the
 * field its family uses. The real error texts for most of these are unknown; each refusal here names the field
 * and the fix, in Databricks' error shape.
 */
import { invalid } from './errors.js';
import { count, type Json } from './fields.js';
import type { ServableEntity, UnknownEntity } from './models.js';

/** What entity checks need to know about the workspace. */
export interface EntityCatalog {
  resolveEntity(entityName: string, entityVersion: string | undefined): ServableEntity | UnknownEntity;
  /** Whether a serving endpoint of that name exists. */
  endpointExists(name: string): boolean;
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
    if (count(entity.provisioned_model_units, `${path}.provisioned_model_units`) === 0) {
      throw invalid(`Invalid ${path}.provisioned_model_units: provision at least one model unit.`);
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
