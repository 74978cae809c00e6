/**
 * The SQL warehouse of the configured workspace: which warehouse (tool input, else DATABRICKS_WAREHOUSE_ID or
 * the profile's warehouse_id), reached with the workspace's own token provider and extra CA, so SQL and REST
 * share one auth.
 */
import { ToolError } from '../shared/tool-error.js';
import type { Runtime } from '../runtime/process-runtime.js';
import { warehouseClient, type WarehouseClient } from './sql-client.js';
import { getWorkspace, type Workspace } from './workspace-clients.js';

const WAREHOUSE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface WorkspaceWarehouse {
  workspace: Workspace;
  warehouse: WarehouseClient;
}

export function workspaceWarehouse(runtime: Runtime, warehouseIdInput?: string): WorkspaceWarehouse {
  const workspace = getWorkspace(runtime);
  const warehouseId = warehouseIdInput ?? workspace.config.warehouseId;
  if (!warehouseId) {
    throw new ToolError(
      'No SQL warehouse is configured',
      'usage and payload tables are read through a SQL warehouse, and none was named',
      'Pass warehouse_id, or set DATABRICKS_WAREHOUSE_ID (or warehouse_id in the profile) to a warehouse you have CAN USE on',
      'WAREHOUSE_NOT_CONFIGURED',
    );
  }
  if (!WAREHOUSE_ID.test(warehouseId)) {
    throw new ToolError(
      `The warehouse id "${warehouseId.slice(0, 70)}" is not valid`,
      'warehouse ids are letters, digits, "-" and "_"',
      'Copy the id from the warehouse\'s connection details (the last part of its HTTP path)',
      'WAREHOUSE_NOT_CONFIGURED',
    );
  }
  const timeout = Number(runtime.env.AIGW_SQL_TIMEOUT_SECONDS);
  const warehouse = warehouseClient(runtime, {
    host: workspace.config.host,
    warehouseId,
    token: () => workspace.tokens.token(),
    ...(workspace.config.caCert ? { caCert: workspace.config.caCert } : {}),
    ...(workspace.proxy ? { proxy: workspace.proxy } : {}),
    ...(workspace.actingAs ? { actingAs: workspace.actingAs } : {}),
    ...(Number.isInteger(timeout) && timeout > 0 ? { statementTimeoutSeconds: timeout } : {}),
  });
  return { workspace, warehouse };
}
