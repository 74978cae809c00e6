/**
 * The embedded local workspace: a Databricks stand-in that the product's real clients (undici,
 * @databricks/sql) talk to over HTTPS. Tests and the `sandbox` command start it here.
 */
import type { Sandbox, SandboxOptions, Warehouse, WarehouseOptions } from './contract.js';
import { launchSandbox } from './launch.js';

export type { Sandbox, SandboxOptions } from './contract.js';

interface WarehouseModule {
  createWarehouse(opts: WarehouseOptions): Warehouse | Promise<Warehouse>;
}

// Imported on demand: DuckDB loads only when a sandbox starts, never when the CLI or server merely import this.
const WAREHOUSE_MODULE = './warehouse/index.js';

export function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  return launchSandbox(opts, async (warehouseOpts) => {
    const { createWarehouse } = (await import(WAREHOUSE_MODULE)) as WarehouseModule;
    return createWarehouse(warehouseOpts);
  });
}
