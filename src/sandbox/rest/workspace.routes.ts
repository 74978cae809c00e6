/**
 * The workspace's SQL warehouse as the REST API reports it: a read-only call a client makes to check its settings
 * before anything else (the product's `doctor`). Who the caller is: scim.routes.ts.
 */
import { notFound } from './error-replies.js';
import { ok, type Reply } from './rest-handler.js';

export const WAREHOUSE_ROUTE = /^\/api\/2\.0\/sql\/warehouses\/([^/]+)$/;

/**
 * `GET /api/2.0/sql/warehouses/{id}` (databricks-sdk-py databricks/sdk/service/sql.py WarehousesAPI.get,
 * GetWarehouseResponse; `state` is sql.State). The sandbox's one warehouse is serverless and always RUNNING; any
 * other id answers RESOURCE_DOES_NOT_EXIST, as the SQL path of an unknown warehouse does.
 */
export function warehouse(id: string, warehouseId: string, host: string): Reply {
  if (id !== warehouseId) throw notFound(`Warehouse ${id} does not exist.`);
  return ok(warehouseView(id, host));
}

export function warehouseView(id: string, host: string) {
  const url = new URL(host);
  return {
    id,
    name: 'Sandbox Serverless Warehouse',
    state: 'RUNNING' as const,
    cluster_size: '2X-Small',
    auto_stop_mins: 10,
    min_num_clusters: 1,
    max_num_clusters: 1,
    num_clusters: 1,
    enable_serverless_compute: true,
    warehouse_type: 'PRO' as const,
    odbc_params: { hostname: url.hostname, path: `/sql/1.0/warehouses/${id}`, port: Number(url.port || 443), protocol: 'https' },
  };
}
