/**
 * Unity Catalog registered models: which models a schema holds (`system.ai` lists the foundation models) and
 * their versions, and whether a version can be served with Provisioned Throughput (the optimization-info
 * route public Databricks notebooks read before they create a provisioned endpoint).
 */
import { DatabricksError } from './databricks-errors.js';
import type { RestClient } from './rest-client.js';

/** A guard against a server that never stops paging. */
const MAX_PAGES = 50;

/**
 * The reply of get-model-optimization-info (no SDK covers it; the docs' provisioned-throughput create script reads
 * these fields): model-unit families report `model_unit_chunk_size`, throughput-band families `throughput_chunk_size`.
 */
export interface OptimizationInfo {
  optimizable: boolean;
  model_unit_chunk_size?: number;
  throughput_chunk_size?: number;
}

export class ModelsApi {
  constructor(private readonly rest: RestClient) {}

  /** Full names (`catalog.schema.model`) of the models in a schema; undefined when the schema does not exist. */
  async list(catalog: string, schema: string, signal?: AbortSignal): Promise<string[] | undefined> {
    const names: string[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const query = new URLSearchParams({ catalog_name: catalog, schema_name: schema, max_results: '100', ...(pageToken ? { page_token: pageToken } : {}) });
      let data: { registered_models?: Array<{ full_name?: string }>; next_page_token?: string };
      try {
        ({ data } = await this.rest.call<typeof data>({ method: 'GET', path: `/api/2.1/unity-catalog/models?${query}`, signal, operation: `Listing the models of ${catalog}.${schema}`, whoCanGrant: `Ask for USE CATALOG on ${catalog} and USE SCHEMA on ${catalog}.${schema}` }));
      } catch (error) {
        if (error instanceof DatabricksError && (error.status === 404 || error.errorCode === 'RESOURCE_DOES_NOT_EXIST')) return undefined;
        throw error;
      }
      names.push(...(data.registered_models ?? []).flatMap((m) => (typeof m.full_name === 'string' ? [m.full_name] : [])));
      pageToken = data.next_page_token || undefined;
      if (!pageToken) return names;
    }
    return names;
  }

  /** The model's versions, newest first. */
  async versions(fullName: string, signal?: AbortSignal): Promise<string[]> {
    const { data } = await this.rest.call<{ model_versions?: Array<{ version?: number | string }> }>({
      method: 'GET',
      path: `/api/2.1/unity-catalog/models/${encodeURIComponent(fullName)}/versions`,
      signal,
      operation: `Listing the versions of ${fullName}`,
    });
    return (data.model_versions ?? [])
      .flatMap((v) => (v.version === undefined ? [] : [String(v.version)]))
      .sort((a, b) => Number(b) - Number(a));
  }

  async optimizationInfo(fullName: string, version: string, signal?: AbortSignal): Promise<OptimizationInfo | undefined> {
    try {
      const { data } = await this.rest.call<OptimizationInfo>({
        method: 'GET',
        path: `/api/2.0/serving-endpoints/get-model-optimization-info/${encodeURIComponent(fullName)}/${encodeURIComponent(version)}`,
        signal,
        operation: `Checking whether ${fullName} version ${version} can be served with Provisioned Throughput`,
      });
      const chunk = (value: unknown) => (typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined);
      const units = chunk(data.model_unit_chunk_size);
      const band = chunk(data.throughput_chunk_size);
      return { optimizable: data.optimizable === true, ...(units ? { model_unit_chunk_size: units } : {}), ...(band ? { throughput_chunk_size: band } : {}) };
    } catch (error) {
      if (error instanceof DatabricksError && (error.status === 404 || error.errorCode === 'RESOURCE_DOES_NOT_EXIST')) return undefined;
      throw error;
    }
  }
}
