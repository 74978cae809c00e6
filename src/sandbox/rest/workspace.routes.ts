/**
 * Who the caller is and the workspace's SQL warehouse, as the REST API reports them: the read-only calls a
 * client makes to check its settings before anything else (the product's `doctor`).
 */
import { notFound } from './error-replies.js';
import { ok, type Reply } from './rest-handler.js';

export const CURRENT_USER_PATH = '/api/2.0/preview/scim/v2/Me';
export const WAREHOUSE_ROUTE = /^\/api\/2\.0\/sql\/warehouses\/([^/]+)$/;

/**
 * `GET /api/2.0/preview/scim/v2/Me` (databricks-sdk-go service/iam/impl.go CurrentUserAPI.Me; SDK type `iam.User`).
 * Users are named by e-mail; a service principal is named by its application id in `userName` — what a workspace
 * puts there for a service principal is not settled by any SDK, so the product reads userName, then displayName,
 * then id.
 */
export function currentUser(principal: string): Reply {
  return ok(currentUserView(principal));
}

export function currentUserView(principal: string) {
  const isUser = principal.includes('@');
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User' as const],
    id: String(stableId(principal)),
    userName: principal,
    displayName: isUser ? principal.split('@')[0] : `service principal ${principal}`,
    active: true,
    ...(isUser ? { emails: [{ value: principal, primary: true, type: 'work' }] } : {}),
  };
}

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

/** A SCIM id that stays the same for a principal across runs. */
function stableId(principal: string): number {
  let hash = 7;
  for (const char of principal) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000_007;
  return 1_000_000_000_000 + hash;
}
