/**
 * Unity Catalog registered models (`/api/2.1/unity-catalog/models…`) and the serving API's eligibility check
 * for Provisioned Throughput (`/api/2.0/serving-endpoints/get-model-optimization-info/{name}/{version}`), plus
 * the lookup serving endpoints use to decide whether an `entity_name` names something servable.
 */
import type { Provisioning, SeedRegisteredModel } from '../seed/seed-models.js';
import { invalid, notFound } from './error-replies.js';
import type { Grants } from './grants.routes.js';
import { ok, type Reply, type RestRequest } from './rest-handler.js';
import { pageOf } from './paging.js';

export const MODELS_PATH = '/api/2.1/unity-catalog/models';
export const OPTIMIZATION_INFO_PREFIX = '/api/2.0/serving-endpoints/get-model-optimization-info/';

/** What an `entity_name` (with its `entity_version`) resolves to in this metastore. */
export type ServableEntity =
  | { kind: 'foundation-model'; fullName: string; version: string; provisioning: Provisioning; task: string | undefined }
  | { kind: 'custom-model'; fullName: string; version: string }
  | { kind: 'feature-spec'; fullName: string };

/** Why an entity name and version name nothing servable, and which of the two is unknown. */
export interface UnknownEntity {
  unknown: 'name' | 'version';
  problem: string;
}

const lower = (s: string) => s.toLowerCase();
const fullNameOf = (m: SeedRegisteredModel) => `${m.catalog}.${m.schema}.${m.name}`;

export class RegisteredModels {
  private readonly models = new Map<string, SeedRegisteredModel>();
  private readonly featureSpecs: Set<string>;

  constructor(
    models: readonly SeedRegisteredModel[],
    featureSpecs: readonly string[],
    private readonly grants: Grants,
  ) {
    for (const model of models) this.models.set(lower(fullNameOf(model)), model);
    this.featureSpecs = new Set(featureSpecs.map(lower));
  }

  /** `GET /api/2.1/unity-catalog/models`: all models, or those of one schema (catalog_name and schema_name together). */
  list(req: RestRequest): Reply {
    const catalog = req.query.get('catalog_name');
    const schema = req.query.get('schema_name');
    if ((catalog === null) !== (schema === null)) {
      throw invalid('Invalid parameters: catalog_name and schema_name must be given together (or neither, to list the whole metastore).');
    }
    let models = [...this.models.values()];
    if (catalog !== null && schema !== null) {
      if (!this.grants.exists('catalog', catalog)) throw notFound(`Catalog '${catalog}' does not exist.`);
      if (!this.grants.exists('schema', `${catalog}.${schema}`)) throw notFound(`Schema '${catalog}.${schema}' does not exist.`);
      models = models.filter((m) => lower(m.catalog) === lower(catalog) && lower(m.schema) === lower(schema));
    }
    // Page lengths documented for the SDK's RegisteredModelsAPI.list (server-configured; values of 2024).
    const limits = catalog === null ? { defaultLength: 100, maxLength: 1000 } : { defaultLength: 10_000, maxLength: 10_000 };
    const { page, nextPageToken } = pageOf(req, models.map(describeModel), limits);
    return ok({ registered_models: page, ...(nextPageToken ? { next_page_token: nextPageToken } : {}) });
  }

  exists(fullName: string): boolean {
    return this.models.has(lower(fullName));
  }

  /** `GET /api/2.1/unity-catalog/models/{full_name}` */
  get(fullName: string): Reply {
    return ok(describeModel(this.find(fullName)));
  }

  /** `GET /api/2.1/unity-catalog/models/{full_name}/versions` */
  versions(req: RestRequest, fullName: string): Reply {
    const model = this.find(fullName);
    const versions = model.versions.map((v) => ({
      model_name: model.name,
      catalog_name: model.catalog,
      schema_name: model.schema,
      version: v.version,
      status: 'READY',
    }));
    const { page, nextPageToken } = pageOf(req, versions, { defaultLength: 100, maxLength: 1000 });
    return ok({ model_versions: page, ...(nextPageToken ? { next_page_token: nextPageToken } : {}) });
  }

  /**
   * `GET /api/2.0/serving-endpoints/get-model-optimization-info/{full_name}/{version}` (no SDK covers it): the reply
   * the docs' provisioned-throughput create script reads, `optimizable` plus `model_unit_chunk_size` for model-unit
   * families or `throughput_chunk_size` (tokens per second) for throughput bands. Public live evidence (2026-08-13):
   * `system.ai.gpt-oss-120b/1` answered `optimizable=true` with `model_unit_chunk_size=50`.
   */
  optimizationInfo(fullName: string, version: string): Reply {
    const model = this.find(fullName);
    const found = model.versions.find((v) => String(v.version) === version);
    if (!found) throw notFound(`Model version '${fullName}' version '${version}' does not exist. List its versions to see the ones registered.`);
    const provisioning = found.provisioning ?? { kind: 'not-eligible' };
    if (provisioning.kind === 'throughput-band') return ok({ optimizable: true, throughput_chunk_size: provisioning.chunkSize });
    if (provisioning.kind === 'model-units') return ok({ optimizable: true, model_unit_chunk_size: provisioning.chunkSize });
    return ok({ optimizable: false });
  }

  /** What a served entity's `entity_name` and `entity_version` name here, or why they name nothing servable. */
  resolve(entityName: string, entityVersion: string | undefined): ServableEntity | UnknownEntity {
    if (this.featureSpecs.has(lower(entityName))) return { kind: 'feature-spec', fullName: entityName };
    const model = this.models.get(lower(entityName));
    if (!model) return { unknown: 'name', problem: `no registered model or FEATURE_SPEC function named '${entityName}' exists in Unity Catalog` };
    const found = model.versions.find((v) => String(v.version) === entityVersion);
    if (!found) {
      return { unknown: 'version', problem: `model '${entityName}' has no version '${entityVersion ?? ''}' (versions: ${model.versions.map((v) => v.version).join(', ')})` };
    }
    const fullName = fullNameOf(model);
    const version = String(found.version);
    return found.provisioning
      ? { kind: 'foundation-model', fullName, version, provisioning: found.provisioning, task: model.task }
      : { kind: 'custom-model', fullName, version };
  }

  private find(fullName: string): SeedRegisteredModel {
    const model = this.models.get(lower(fullName));
    if (!model) throw notFound(`Registered model '${fullName}' does not exist.`);
    return model;
  }
}

function describeModel(model: SeedRegisteredModel): Record<string, unknown> {
  return { name: model.name, catalog_name: model.catalog, schema_name: model.schema, full_name: fullNameOf(model) };
}
