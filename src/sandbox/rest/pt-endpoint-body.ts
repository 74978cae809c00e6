/**
 * The body of `POST /api/2.0/serving-endpoints/pt` (PY `ServingEndpointsAPI.create_provisioned_throughput_endpoint`,
 * `PtEndpointCoreConfig`, `PtServedModel`): Provisioned Throughput in model units. Every served entity names a
 * foundation model that get-model-optimization-info reports in model units (the docs' create script sends those
 * here, and throughput-band models to the plain create), with `provisioned_model_units` required. Commitments
 * (`pt_term`, `pt_auto_renew`, `relocate_pt_commitment`) are not modelled here and are refused as such.
 */
import { invalid } from './error-replies.js';
import { array, object, onlyFields, string, type Json } from './rest-fields.js';
import type { EntityCatalog } from './served-entity-checks.js';

const PT_CREATE_FIELDS = ['name', 'config', 'ai_gateway', 'budget_policy_id', 'email_notifications', 'tags', 'relocate_pt_commitment'];
const PT_ENTITY_FIELDS = ['entity_name', 'entity_version', 'name', 'provisioned_model_units', 'burst_scaling_enabled', 'pt_term', 'pt_auto_renew'];
const NOT_MODELLED = ['relocate_pt_commitment', 'pt_term', 'pt_auto_renew'];

/** Refuses what the PT create does not take; what it takes is then checked as any create body is. */
export function checkPtCreateBody(raw: unknown, catalog: EntityCatalog): void {
  const body = object(raw, 'request body');
  onlyFields(body, PT_CREATE_FIELDS, 'the provisioned-throughput create request');
  checkPtConfig(body, catalog);
}

/**
 * `PUT /api/2.0/serving-endpoints/pt/{name}/config` (PY `update_provisioned_throughput_endpoint_config`): the config
 * wrapped in `config`; returns it for the update every endpoint goes through.
 */
export function ptConfigUpdate(raw: unknown, catalog: EntityCatalog): Json {
  const body = object(raw, 'request body');
  onlyFields(body, ['config', 'pt_commitment_auto_renew', 'relocate_pt_commitment'], 'the provisioned-throughput config update');
  if (body.pt_commitment_auto_renew !== undefined) throw invalid('Unsupported field pt_commitment_auto_renew: the sandbox workspace does not model Provisioned Throughput commitments.');
  checkPtConfig(body, catalog);
  return object(body.config, 'config');
}

function checkPtConfig(body: Json, catalog: EntityCatalog): void {
  const config = object(body.config, 'config');
  onlyFields(config, ['served_entities', 'traffic_config'], 'config');
  const entities = array(config.served_entities, 'config.served_entities');
  if (entities.length === 0) throw invalid('Missing required field config.served_entities: name at least one served entity.');
  entities.forEach((raw, i) => {
    const path = `config.served_entities[${i}]`;
    const entity = object(raw, path) as Json;
    onlyFields(entity, PT_ENTITY_FIELDS, path);
    for (const field of NOT_MODELLED) {
      if (entity[field] !== undefined || body[field] !== undefined) throw invalid(`Unsupported field ${field}: the sandbox workspace does not model Provisioned Throughput commitments.`);
    }
    const name = string(entity.entity_name, `${path}.entity_name`);
    if (entity.provisioned_model_units === undefined) throw invalid(`Missing required field ${path}.provisioned_model_units.`);
    const resolved = catalog.resolveEntity(name, entity.entity_version as string | undefined);
    if ('kind' in resolved && resolved.kind === 'foundation-model' && resolved.provisioning.kind !== 'model-units') {
      throw invalid(
        `Served entity ${name} (version ${resolved.version}) is not served in model units (${path}): create it through POST /api/2.0/serving-endpoints with min_provisioned_throughput and max_provisioned_throughput.`,
      );
    }
  });
}
