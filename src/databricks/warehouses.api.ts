/**
 * SQL warehouses (`GET /api/2.0/sql/warehouses/{id}`, SDK `sql.WarehousesAPI.get`): whether the configured warehouse
 * exists and whether it is running, without starting it (a statement would). Read-only.
 */
import { DatabricksError } from './databricks-errors.js';
import type { RestClient } from './rest-client.js';

/** SDK `sql.State`. */
export type WarehouseState = 'DELETED' | 'DELETING' | 'RUNNING' | 'STARTING' | 'STOPPED' | 'STOPPING';

export interface WarehouseInfo {
  id?: string;
  name?: string;
  state?: WarehouseState;
  auto_stop_mins?: number;
}

export class WarehousesApi {
  constructor(private readonly rest: RestClient) {}

  /** The warehouse, or undefined when no warehouse has this id. */
  async get(id: string, signal?: AbortSignal): Promise<WarehouseInfo | undefined> {
    try {
      const { data } = await this.rest.call<WarehouseInfo>({
        method: 'GET',
        path: `/api/2.0/sql/warehouses/${encodeURIComponent(id)}`,
        signal,
        operation: `Reading SQL warehouse ${id}`,
        whoCanGrant: `Ask the warehouse's owner or a workspace admin for CAN USE on warehouse ${id}`,
      });
      return data;
    } catch (error) {
      if (error instanceof DatabricksError && (error.status === 404 || error.errorCode === 'RESOURCE_DOES_NOT_EXIST')) return undefined;
      throw error;
    }
  }
}
