/** Unity Catalog schemas: whether the schema an inference table lands in exists (F4 never creates it). */
import { DatabricksError } from './databricks-errors.js';
import type { RestClient } from './rest-client.js';

export type SchemaLookup = 'exists' | 'missing' | 'not-visible';

export class SchemasApi {
  constructor(private readonly rest: RestClient) {}

  /** `not-visible` when the caller may not see it (403): whether it exists is then for the create to find out. */
  async lookup(catalog: string, schema: string, signal?: AbortSignal): Promise<SchemaLookup> {
    try {
      await this.rest.call({ method: 'GET', path: `/api/2.1/unity-catalog/schemas/${encodeURIComponent(`${catalog}.${schema}`)}`, signal, operation: `Reading schema ${catalog}.${schema}` });
      return 'exists';
    } catch (error) {
      if (error instanceof DatabricksError && (error.status === 404 || error.errorCode === 'RESOURCE_DOES_NOT_EXIST' || error.errorCode === 'NOT_FOUND')) return 'missing';
      if (error instanceof DatabricksError && error.status === 403) return 'not-visible';
      throw error;
    }
  }
}
